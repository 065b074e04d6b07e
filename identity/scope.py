"""Which cases a user may see and act on: their area, and for workers their own tasks.

A user's `area_code` names a city, district, street, community or grid cell. A case is
inside that area when the case's code at the user's level equals the user's code — e.g. a
district manager (310101) sees cases whose `district_code` is 310101. When the case lacks
that column, its finest known code must start with the user's code (the national code
scheme nests: street 310101002 lies in district 310101). A city user sees every case: one
deployment serves one city, and unplaced cases still need someone to triage them.

`in_scope` (one case in memory) and `scope_sql` (a WHERE clause) are the same rule twice;
tests hold them to each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.levels import LEVELS

# The case's column for each level below the city.
LEVEL_COLUMN: dict[str, str] = {"district": "district_code", "street": "street_code",
                                "community": "community_code", "grid": "grid_code"}

# Code shapes of docs/geo.md, used when the areas table does not list the code: GB/T 2260
# (XXYY00 city, XXYYZZ district), +3 digits street (GB/T 10114), +3 community, +3 grid.
SHAPES: tuple[tuple[str, str], ...] = ((r"\d{4}00", "city"), (r"\d{6}", "district"),
                                       (r"\d{9}", "street"), (r"\d{12}", "community"),
                                       (r"\d{15}", "grid"))


@dataclass(frozen=True)
class Scope:
    level: str
    code: str
    worker_user_id: int | None = None  # set for workers: only cases assigned to them
    unit_code: str | None = None  # set for unit staff: only cases their unit holds or is called to


@dataclass(frozen=True)
class CaseArea:
    district_code: str | None = None
    street_code: str | None = None
    community_code: str | None = None
    grid_code: str | None = None
    assignee_user_id: int | None = None
    units: frozenset[str] = frozenset()  # the holding unit and the units a whistle called
    state: str | None = None
    verifier_user_ids: frozenset[int] = frozenset()  # grid workers of the case's grid

    def finest(self) -> str | None:
        return self.grid_code or self.community_code or self.street_code or self.district_code


def area_level(code: str, known: str | None = None) -> str | None:
    """The level of an area code: the areas table's answer if known, else by the code's shape."""
    if known in LEVELS:
        return known
    for pattern, level in SHAPES:
        if re.fullmatch(pattern, code or ""):
            return level
    return None


def in_area(level: str, code: str, case: CaseArea) -> bool:
    if level == "city":
        return True
    own = getattr(case, LEVEL_COLUMN[level])
    if own is not None:
        return own == code
    finest = case.finest()
    return finest is not None and finest.startswith(code)


def in_scope(scope: Scope, case: CaseArea) -> bool:
    if scope.worker_user_id is not None and not _workers_case(scope.worker_user_id, case):
        return False
    if scope.unit_code is not None and scope.unit_code not in case.units:
        return False
    return in_area(scope.level, scope.code, case)


def _workers_case(user_id: int, case: CaseArea) -> bool:
    if case.assignee_user_id == user_id:
        return True
    return bool(case.units) and case.state == "handled" and user_id in case.verifier_user_ids


FINEST = "coalesce({t}.grid_code, {t}.community_code, {t}.street_code, {t}.district_code)"
# A worker's own tasks, and the fixes units reported in their grid, which they check on
# site (核查): the grid worker verifies, the unit handled (issue #16).
WORKER_CLAUSE = ("(a.assignee_worker_id IN "
                 "(SELECT worker_id FROM workers WHERE user_id = %(worker_user_id)s)"
                 " OR (a.unit_code IS NOT NULL AND a.state = 'handled' AND a.grid_code IN "
                 "(SELECT grid_code FROM workers WHERE user_id = %(worker_user_id)s)))")
UNIT_CLAUSE = ("(a.unit_code = %(scope_unit)s OR a.id IN "
               "(SELECT alert_id FROM case_units WHERE unit_code = %(scope_unit)s))")


def area_sql(level: str, code: str, name: str, alias: str = "a") -> tuple[str, dict]:
    """in_area as SQL over a table aliased `alias` (alerts by default; devices and incidents
    carry the same four code columns); the code is bound as %(name)s. `alias` is a name
    chosen by the calling module, never input."""
    if level == "city":
        return "TRUE", {}
    column = f"{alias}.{LEVEL_COLUMN[level]}"  # from the constant table above, never from input
    finest = FINEST.format(t=alias)
    # left() rather than LIKE: an area code can never act as a pattern.
    clause = (f"({column} = %({name})s OR ({column} IS NULL AND "
              f"left({finest}, length(%({name})s)) = %({name})s))")
    return clause, {name: code}


def scope_sql(scope: Scope) -> tuple[str, dict]:
    clause, params = area_sql(scope.level, scope.code, "scope_code")
    if scope.worker_user_id is not None:
        clause = f"{clause} AND {WORKER_CLAUSE}"
        params["worker_user_id"] = scope.worker_user_id
    if scope.unit_code is not None:
        clause = f"{clause} AND {UNIT_CLAUSE}"
        params["scope_unit"] = scope.unit_code
    return clause, params
