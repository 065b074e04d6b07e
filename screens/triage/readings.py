"""The readings behind a case, for its chart in the triage console: the device a rule case
watched (its labels, else its first rule source), over the hours around the case.

A report case has no device of its own; the caller may pass the nearest device instead and
say so. Minute rollups first (readings_1m, both storage paths); raw readings when the
rollup has not caught up yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

BEFORE = timedelta(hours=12)  # the normal pattern before the case opened
LONGEST = timedelta(hours=48)  # the chart never spans more than the seeded/retained sample

LABELS = "SELECT labels FROM alerts WHERE id = %s"
# A minute's value as its metric's profile says: the mean, or the sum (a counter's
# increments). A state (lamp on, water in) is its last value: read from the raw readings,
# which the rollups do not keep, for the window's few hours of one device.
ROLLUP = """
SELECT bucket, metric, CASE WHEN metric = ANY(%s) THEN sum_value ELSE sum_value / n END
FROM readings_1m
WHERE device_id = %s AND bucket >= %s AND bucket < %s AND NOT metric = ANY(%s)
ORDER BY metric, bucket
"""
LAST_PER_MINUTE = """
SELECT DISTINCT ON (metric, date_trunc('minute', ts)) date_trunc('minute', ts), metric, value
FROM readings
WHERE device_id = %s AND ts >= %s AND ts < %s AND metric = ANY(%s)
ORDER BY metric, date_trunc('minute', ts), ts DESC
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


def readings_around(cur, device_id: str, start: datetime, end: datetime,
                    aggregates: Mapping[str, str] | None = None
                    ) -> dict[str, list[tuple[datetime, float]]]:
    """metric -> [(minute, value)] of the device between start and end; `aggregates`
    (metric -> mean | sum | last, from the profiles) says what a minute's value is."""
    aggregates = aggregates or {}
    sums = [m for m, how in aggregates.items() if how == "sum"]
    lasts = [m for m, how in aggregates.items() if how == "last"]
    cur.execute(ROLLUP, (sums, device_id, start, end, lasts))
    rows = cur.fetchall()
    if lasts:
        cur.execute(LAST_PER_MINUTE, (device_id, start, end, lasts))
        rows += cur.fetchall()
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
