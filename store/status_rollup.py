"""Devices counted by status for screens, from the health sweep's rollup (migration m0018).

The sweep rewrites `device_status_rollup` every few seconds; a screen of a city, district
or street sums its rows instead of joining every device to its state on every refresh.
When the rollup is older than `FRESH_SECONDS` (no health service running: a test world,
a store being loaded) the counts come from the devices themselves, the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from identity.scope import area_sql

# Several sweeps (10 s apart by default) may be missed before counting live.
FRESH_SECONDS = 60.0
LEVELS = ("city", "district", "street")  # what the rollup can answer; finer areas count live
PART_COLUMN = {"district": "district_code", "street": "street_code"}

FRESH = """
SELECT at > now() - make_interval(secs => %(fresh)s) FROM device_status_rollup_at
"""
TOTALS_ROLLUP = """
SELECT coalesce(sum(r.n), 0),
       coalesce(sum(r.n) FILTER (WHERE r.status IN ('normal', 'alarm')), 0)
FROM device_status_rollup r WHERE {area}
"""
TOTALS_LIVE = """
SELECT count(*),
       count(*) FILTER (WHERE s.device_id IS NOT NULL AND s.status <> 'offline')
FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
WHERE {area}
"""
PARTS_ROLLUP = """
SELECT r.{part}, sum(r.n), coalesce(sum(r.n) FILTER (WHERE r.status = 'alarm'), 0),
       coalesce(sum(r.n) FILTER (WHERE r.status IN ('offline', 'none')), 0)
FROM device_status_rollup r
WHERE r.placed AND r.{part} IS NOT NULL AND {area}
GROUP BY 1
"""
PARTS_LIVE = """
SELECT d.{part}, count(*), count(*) FILTER (WHERE s.status = 'alarm'),
       count(*) FILTER (WHERE s.status IS NULL OR s.status = 'offline')
FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
WHERE d.lon IS NOT NULL AND d.lat IS NOT NULL AND d.{part} IS NOT NULL AND {area}
GROUP BY 1
"""


@dataclass(frozen=True)
class Totals:
    total: int
    online: int  # a state row that is not offline (a device that never reported is not)


def _fresh(cur) -> bool:
    cur.execute(FRESH, {"fresh": FRESH_SECONDS})
    row = cur.fetchone()
    return bool(row and row[0])


def _use_rollup(cur, level: str, live: bool) -> bool:
    return not live and level in LEVELS and _fresh(cur)


def totals(cur, level: str, code: str, live: bool = False) -> Totals:
    """Devices in the area and those online (`live`: counted from the devices, always)."""
    if _use_rollup(cur, level, live):
        area, params = area_sql(level, code, "scope_code", alias="r")
        cur.execute(TOTALS_ROLLUP.format(area=area), params)
    else:
        area, params = area_sql(level, code, "scope_code", alias="d")
        cur.execute(TOTALS_LIVE.format(area=area), params)
    total, online = cur.fetchone()
    return Totals(int(total), int(online))


def by_part(cur, level: str, code: str, part: str, live: bool = False
            ) -> dict[str, tuple[int, int, int]]:
    """Placed devices of the area per part (a code column's level below it): total, in
    alarm, offline (never reported counts as offline)."""
    column = {**PART_COLUMN, "community": "community_code", "grid": "grid_code"}[part]
    if part in PART_COLUMN and _use_rollup(cur, level, live):
        area, params = area_sql(level, code, "scope_code", alias="r")
        cur.execute(PARTS_ROLLUP.format(part=column, area=area), params)
    else:
        area, params = area_sql(level, code, "scope_code", alias="d")
        cur.execute(PARTS_LIVE.format(part=column, area=area), params)
    return {row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in cur.fetchall()}
