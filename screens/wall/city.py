"""Vital signs of devices and incidents for the wall screen, within the viewer's area.

Hours are counted in UTC buckets: the city's clock (settings.time_zone) is taken to be a
whole number of hours from UTC, as Asia/Shanghai is all year, so an hour bucket is the same
hour on both clocks (a city on a half-hour offset would need local-hour buckets).

Incidents per hour come from the hourly rollup (store/incident_rollup.py, kept by triggers
in the writing transaction) for the hours that are over, and from `incidents` for the
current one, up to `now` exactly: the same numbers as counting `incidents` alone, without
reading two days of rows on every refresh. A community or a grid cell, which the rollup
does not tell apart, is counted from `incidents` (a small area: few rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from identity.scope import Scope, area_sql
from store import incident_rollup, status_rollup

SOURCES: tuple[str, ...] = ("hotline", "patrol", "sensor", "other")

HOURLY = """
SELECT date_bin(INTERVAL '1 hour', i.reported_at, TIMESTAMPTZ '2000-01-01 00:00+00') AS hour,
       i.source, count(*) AS n
FROM incidents i
WHERE i.reported_at >= %(since)s AND i.reported_at < %(until)s AND {area}
GROUP BY 1, 2
"""

# Whole hours from the rollup, the current one from the incidents themselves; one
# statement, so both halves read the same snapshot.
HOURLY_ROLLUP = """
SELECT h.hour, h.source, sum(h.n) AS n
FROM incidents_hourly h
WHERE h.hour >= %(since)s AND h.hour < %(top)s AND {rollup_area}
GROUP BY 1, 2
HAVING sum(h.n) <> 0
UNION ALL
SELECT date_bin(INTERVAL '1 hour', i.reported_at, TIMESTAMPTZ '2000-01-01 00:00+00') AS hour,
       i.source, count(*) AS n
FROM incidents i
WHERE i.reported_at >= %(top)s AND i.reported_at < %(until)s AND {area}
GROUP BY 1, 2
"""


@dataclass(frozen=True)
class DeviceCounts:
    online: int
    total: int

    @property
    def share(self) -> float | None:
        return share(self.online, self.total)


@dataclass(frozen=True)
class Trend:
    """Incidents per hour: the last 24 hours (the current one last) and the same hours a
    day earlier."""

    hours: tuple[datetime, ...]
    today: tuple[int, ...]
    yesterday: tuple[int, ...]


def share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def device_counts(cur, scope: Scope) -> DeviceCounts:
    """Devices in the area, and those online: a state row that is not `offline` (a device
    that never reported is not online)."""
    found = status_rollup.totals(cur, scope.level, scope.code)
    return DeviceCounts(found.online, found.total)


def hourly_incidents(cur, scope: Scope, now: datetime) -> dict[tuple[datetime, str], int]:
    """Incidents per (hour, source) over the 48 hours up to now."""
    area, params = area_sql(scope.level, scope.code, "scope_code", alias="i")
    top = current_hour(now)
    params.update(since=top - timedelta(hours=47), top=top, until=now)
    rollup = incident_rollup.area_sql(scope.level, scope.code, "scope_code")
    if rollup is None:
        cur.execute(HOURLY.format(area=area), params)
    else:
        cur.execute(HOURLY_ROLLUP.format(area=area, rollup_area=rollup[0]), params)
    return {(hour, source): int(n) for hour, source, n in cur.fetchall()}


def current_hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def midnight(now: datetime, zone: tzinfo) -> datetime:
    """The start of today on the city's clock (`zone`, settings.time_zone)."""
    local = now.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def today_by_source(hourly: dict[tuple[datetime, str], int], now: datetime,
                    zone: tzinfo) -> dict[str, int]:
    """Incidents since the city's midnight, per source (every source present, zeros too)."""
    start = midnight(now, zone)
    counts = dict.fromkeys(SOURCES, 0)
    for (hour, source), n in hourly.items():
        if hour >= start:
            counts[source] = counts.get(source, 0) + n
    return counts


def trend(hourly: dict[tuple[datetime, str], int], now: datetime) -> Trend:
    top = current_hour(now)
    hours = tuple(top - timedelta(hours=23 - k) for k in range(24))
    per_hour: dict[datetime, int] = {}
    for (hour, _source), n in hourly.items():
        per_hour[hour] = per_hour.get(hour, 0) + n
    today = tuple(per_hour.get(h, 0) for h in hours)
    yesterday = tuple(per_hour.get(h - timedelta(hours=24), 0) for h in hours)
    return Trend(hours, today, yesterday)


# The newest reading or incident stored, whichever is later; a device whose clock runs
# ahead cannot make the data look fresher than the database's own clock. Both are one
# index probe (readings_ts_idx, incidents_reported_idx), not a scan.
NEWEST = """
SELECT least(now(), greatest(
    (SELECT max(ts) FROM readings WHERE ts <= now() + INTERVAL '1 minute'),
    (SELECT max(reported_at) FROM incidents WHERE reported_at <= now() + INTERVAL '1 minute')))
"""


def newest_data(cur) -> datetime | None:
    """When the city's newest data was measured or reported: the pipeline's freshness."""
    cur.execute(NEWEST)
    row = cur.fetchone()
    return row[0] if row else None
