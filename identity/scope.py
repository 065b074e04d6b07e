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


@dataclass(frozen=True)
class CaseArea:
    district_code: str | None = None
    street_code: str | None = None
    community_code: str | None = None
    grid_code: str | None = None
    assignee_user_id: int | None = None

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
    if scope.worker_user_id is not None and case.assignee_user_id != scope.worker_user_id:
        return False
    return in_area(scope.level, scope.code, case)


FINEST = "coalesce({t}.grid_code, {t}.community_code, {t}.street_code, {t}.district_code)"
WORKER_CLAUSE = ("a.assignee_worker_id IN "
                 "(SELECT worker_id FROM workers WHERE user_id = %(worker_user_id)s)")


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
    return clause, params
