"""Reading `incidents_hourly`, the incidents per hour, source and area that triggers keep in
step with `incidents` (store/migrations/m0011_incidents_hourly.py).

Two questions: how many incidents an area had in each past hour (screens/wall/city.py), and
whether any incident of an area's hour was written since a reader last looked
(`hour_versions`: whoever keeps something computed from an hour's incidents knows when to
compute it again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from identity.scope import Scope

# The rollup's area columns: a viewer at one of these levels can be counted from it;
# communities and grid cells cannot (the rollup keeps areas at street level).
ROLLUP_COLUMN: dict[str, str] = {"district": "district_code", "street": "street_code"}

VERSIONS = """
SELECT h.hour, sum(h.writes)
FROM incidents_hourly h
WHERE h.hour >= %(first)s AND h.hour < %(end)s AND {area}
GROUP BY h.hour
"""


def area_sql(level: str, code: str, name: str, alias: str = "h") -> tuple[str, dict] | None:
    """identity.scope.area_sql over the rollup aliased `alias`; None for a level the
    rollup cannot answer. The rollup keeps an incident's finest code exactly when the rule
    reads it (the district or street code is missing), so the two agree row for row;
    tests hold them to each other. `alias` is a constant of the caller, never input."""
    if level == "city":
        return "TRUE", {}
    if level not in ROLLUP_COLUMN:
        return None
    column = f"{alias}.{ROLLUP_COLUMN[level]}"  # from the constant table above
    return (f"({column} = %({name})s OR ({column} IS NULL AND "
            f"left({alias}.finest_code, length(%({name})s)) = %({name})s))", {name: code})


@dataclass(frozen=True)
class HourVersions:
    """Versions of an area's hours, and which rollup they are of: a process that reads two
    databases (tests, tools) must not take one's hours for the other's."""

    rollup: tuple[str, int]  # the connection's DSN and the rollup table's oid
    hours: dict[int, int]  # hour's epoch seconds -> version; an hour missing has had none

    def of(self, hour: int) -> int:
        return self.hours.get(hour, 0)


def hour_versions(cur, scope: Scope, first: datetime, end: datetime) -> HourVersions:
    """The versions of the hours in [first, end) of the scope's area. A version only grows,
    and grows with every insert, update or delete of one of the area's incidents of that
    hour. For a community or a grid cell it is the whole city's: it may change when the
    area's incidents did not, never the other way round."""
    cur.execute("SELECT 'incidents_hourly'::regclass::oid")
    rollup = (cur.connection.dsn, int(cur.fetchone()[0]))
    area, params = area_sql(scope.level, scope.code, "scope_code") or ("TRUE", {})
    params.update(first=first, end=end)
    cur.execute(VERSIONS.format(area=area), params)
    return HourVersions(rollup, {int(hour.timestamp()): int(writes)
                                 for hour, writes in cur.fetchall()})
