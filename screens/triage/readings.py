"""The readings behind a case, for its chart in the triage console: the device a rule case
watched (its labels, else its first rule source), over the hours around the case.

A report case has no device of its own; the caller may pass the nearest device instead and
say so. Minute rollups first (readings_1m, both storage paths); raw readings when the
rollup has not caught up yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

BEFORE = timedelta(hours=12)  # the normal pattern before the case opened
LONGEST = timedelta(hours=48)  # the chart never spans more than the seeded/retained sample

LABELS = "SELECT labels FROM alerts WHERE id = %s"
ROLLUP = """
SELECT bucket, metric, sum_value / n FROM readings_1m
WHERE device_id = %s AND bucket >= %s AND bucket < %s ORDER BY metric, bucket
"""
REPORTING = """
SELECT DISTINCT device_id FROM readings_1m
WHERE device_id = ANY(%s) AND bucket >= %s AND bucket < %s
"""
RAW = """
SELECT ts, metric, value FROM readings
WHERE device_id = %s AND ts >= %s AND ts < %s ORDER BY metric, ts LIMIT 20000
"""


def watched_device(labels: dict[str, Any] | None, sources: Iterable[dict[str, Any]]) -> str | None:
    """The device of a rule case: labels.device, else the first rule source's device."""
    device = (labels or {}).get("device")
    if device:
        return str(device)
    for source in sources:
        found = (source.get("details") or {}).get("device")
        if source.get("source_kind") == "rule" and found:
            return str(found)
    return None


def window(opened_at: datetime, closed_at: datetime | None, now: datetime) -> tuple[datetime,
                                                                                     datetime]:
    """From BEFORE the case opened to its close (or now), at most LONGEST, ending last."""
    end = min(closed_at or now, now)
    start = opened_at - BEFORE
    return max(start, end - LONGEST), end


def case_labels(cur, alert_id: int) -> dict[str, Any]:
    cur.execute(LABELS, (alert_id,))
    row = cur.fetchone()
    return (row[0] or {}) if row else {}


def _series(rows) -> dict[str, list[tuple[datetime, float]]]:
    series: dict[str, list[tuple[datetime, float]]] = {}
    for at, metric, value in rows:
        series.setdefault(metric, []).append((at, float(value)))
    return series


def readings_around(cur, device_id: str, start: datetime,
                    end: datetime) -> dict[str, list[tuple[datetime, float]]]:
    """metric -> [(time, mean value)] of the device between start and end."""
    cur.execute(ROLLUP, (device_id, start, end))
    rows = cur.fetchall()
    if not rows:
        cur.execute(RAW, (device_id, start, end))
        rows = cur.fetchall()
    return _series(rows)


def reporting(cur, device_ids: list[str], start: datetime, end: datetime) -> set[str]:
    """Which of these devices have minute rollups between start and end."""
    if not device_ids:
        return set()
    cur.execute(REPORTING, (device_ids, start, end))
    return {row[0] for row in cur.fetchall()}
