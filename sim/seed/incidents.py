"""A week of incident reports (hotline 12345, patrols, sensors), densest in the last day."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from sim import people as names
from sim.incidents import CATEGORIES, SOURCES
from sim.seed.grid import Cells

# Reports per day before yesterday, as a share of the last 24 hours' count.
EARLIER_DAY_SHARE = 0.25
YESTERDAY_SHARE = 0.9
DAYS = 8
HOT_CELLS = 12
HOT_SHARE = 0.3


@dataclass(frozen=True)
class Report:
    source: str
    source_id: str
    category: str
    subcategory: str
    description: str
    cell: int
    lon: float
    lat: float
    reported_at: datetime


def _times(rng: np.random.Generator, per_day: int, now: datetime) -> list[datetime]:
    """Report times: `per_day` in the last 24 h, fewer on the days before, day-shaped."""
    times = []
    for day in range(DAYS):
        share = 1.0 if day == 0 else YESTERDAY_SHARE if day == 1 else EARLIER_DAY_SHARE
        count = int(per_day * share)
        # More calls by day than at night: a triangular hour-of-day around 14:00.
        offsets = rng.uniform(0, 86400, count)
        busy = rng.random(count) < 0.6
        offsets[busy] = rng.triangular(0, 50400 - 6 * 3600, 86400, busy.sum())
        times.extend(now - timedelta(days=day, seconds=float(o)) for o in offsets)
    return times


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def write(conn, cells: Cells, rng: np.random.Generator, per_day: int,
          now: datetime) -> list[Report]:
    times = _times(rng, per_day, now)
    count = len(times)
    hot = rng.choice(len(cells), size=min(HOT_CELLS, len(cells)), replace=False)
    where = rng.integers(0, len(cells), count)
    is_hot = rng.random(count) < HOT_SHARE
    where[is_hot] = rng.choice(hot, size=is_hot.sum())
    lon, lat = cells.points(rng, where)
    shares = np.array([c.share for c in CATEGORIES])
    kinds = rng.choice(len(CATEGORIES), size=count, p=shares / shares.sum())
    sources = rng.choice(list(SOURCES), size=count, p=np.array(list(SOURCES.values())) /
                         sum(SOURCES.values()))
    reports, buffer = [], io.StringIO()
    for i in range(count):
        category, cell = CATEGORIES[kinds[i]], where[i]
        text = category.texts[i % len(category.texts)].format(place=f"网格{cells.codes[cell][-3:]}")
        report = Report(str(sources[i]), f"seed-{i:07d}", category.category,
                        category.subcategory, text, int(cell), float(lon[i]), float(lat[i]),
                        times[i])
        reports.append(report)
        caller = sources[i] == "hotline"
        name = names.name(rng) if caller else "\\N"
        phone = names.phone(rng) if caller else "\\N"
        buffer.write("\t".join((report.source, report.source_id, report.category,
                                report.subcategory, _escape(text), name, phone,
                                f"{lon[i]:.6f}", f"{lat[i]:.6f}", cells.codes[cell],
                                cells.community[cell], cells.street[cell],
                                cells.district[cell], report.reported_at.isoformat())) + "\n")
    buffer.seek(0)
    with conn.cursor() as cur:
        cur.copy_expert("COPY incidents (source, source_id, category, subcategory, description,"
                        " reporter_name, reporter_phone, lon, lat, grid_code, community_code,"
                        " street_code, district_code, reported_at) FROM STDIN", buffer)
    return reports
