"""Grid workers on duty now: where each one works (the roster's lon/lat), drawn when their
schedule (alerts/dispatch/schedule.py, the same rule dispatch uses) says they are on duty.

A worker is in an area through their grid cell; a worker without one (a street's or a
district's pool) shows on the city's map only.

At the city and district levels (layers/detail.py) each part shows how many of its workers
are on duty instead of a circle per person: two thousand circles over a city hide it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache

from alerts.dispatch.errors import ScheduleError
from alerts.dispatch.schedule import Schedule, on_duty, parse_schedule
from identity.scope import Scope
from layers import detail
from layers.frame import Frame, areas_sql
from layers.legend import Legend
from layers.typed import typed

log = logging.getLogger(__name__)

Parts = detail.Parts  # counts per part (layers/detail.py)
NAME = "workers"
COLOUR = "#7cf5ff"
LEGEND = (Legend("layers.workers.on_duty", COLOUR),)
PARTS_LEGEND = (Legend("layers.workers.count", COLOUR),)

QUERY = """
SELECT w.worker_id, w.name, w.lon, w.lat, w.schedule::text, {part}
FROM workers w LEFT JOIN areas g ON g.code = w.grid_code
WHERE w.active AND w.lon IS NOT NULL AND w.lat IS NOT NULL AND {area}
ORDER BY w.worker_id
"""


@dataclass(frozen=True)
class OnDuty:
    ids: list[str]
    names: list[str]
    lon: list[float]
    lat: list[float]


@lru_cache(maxsize=4096)
def _schedule(text: str | None) -> Schedule:
    """A roster's schedule, read once per process: a refresh asks every few seconds about
    every worker, and most share a few schedules. Keyed by the jsonb's text, so an edited
    schedule is read again."""
    return parse_schedule(None if text is None else json.loads(text))


def _on_duty(cur, scope: Scope, frame: Frame) -> list[tuple]:
    """(id, name, lon, lat, part code) of each worker of the area on duty now; the part
    is the area one level down that the worker's grid cell lies in."""
    clause, params = areas_sql(scope, alias="g")
    level = detail.PART[scope.level]
    # The areas row of the worker's grid cell names its own code in `code`, its
    # ancestors' in the code columns (constants of layers/detail.py).
    part = "g.code" if level == "grid" else f"g.{detail.COLUMN[level]}"
    cur.execute(QUERY.format(area=clause, part=part), params)
    working = []
    for worker_id, name, lon, lat, schedule, code in cur.fetchall():
        try:
            if on_duty(_schedule(schedule), frame.now):
                working.append((worker_id, name, lon, lat, code))
        except ScheduleError:
            log.warning("unreadable schedule", extra={"worker_id": worker_id})
    return working


def query(cur, scope: Scope, frame: Frame) -> OnDuty | Parts:
    working = _on_duty(cur, scope, frame)
    if detail.grouped(scope.level) or len(working) > detail.BUDGET[NAME]:
        counts: dict[str, int] = {}
        for *_person, code in working:
            counts[code] = counts.get(code, 0) + 1
        return detail.part_lines(cur, scope, frame, 3, {
            code: detail.coloured(COLOUR, "●") + f" {n:,}" for code, n in counts.items()})
    return OnDuty([w[0] for w in working], [w[1] for w in working],
                  [w[2] for w in working], [w[3] for w in working])


def legend(level: str) -> tuple[Legend, ...]:
    return PARTS_LEGEND if detail.grouped(level) else LEGEND


def _points(data: OnDuty) -> dict:
    return {"x": typed(data.lon), "y": typed(data.lat), "text": data.names}


def traces(data: OnDuty | Parts, lang: str, scale: float = 1.0) -> list[dict]:
    """The people (none when counted by part), then the parts' counts."""
    single = data if isinstance(data, OnDuty) else OnDuty([], [], [], [])
    counts = data.counts if isinstance(data, Parts) else []
    return [{"type": "scattergl", "mode": "markers", "name": NAME, **_points(single),
             "marker": {"symbol": "circle", "size": 9 * scale, "color": "rgba(0,0,0,0)",
                        "line": {"width": 2 * scale, "color": COLOUR}},
             "hovertemplate": "%{text}<extra></extra>"},
            detail.count_trace(f"{NAME}-parts", counts, "middle center", scale)]


def memory(data: OnDuty | Parts) -> dict:
    if isinstance(data, Parts):
        return detail.parts_memory(data)
    return {"ids": data.ids}


def patch(traces: list, old: dict, data: OnDuty | Parts) -> bool:
    if isinstance(data, Parts) != ("parts" in old):
        return False
    if isinstance(data, Parts):
        return detail.patch_parts(traces[1], old, data)
    if old.get("ids") != data.ids:
        for key, value in _points(data).items():
            traces[0][key] = value
    return True
