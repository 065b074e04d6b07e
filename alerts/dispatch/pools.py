"""The database side of choosing: the case to dispatch, its areas, and each tier's pool."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from alerts.cases.errors import CaseNotFound
from alerts.cases.tiers import TIERS
from alerts.dispatch.chooser import Candidate, Pool

# A worker's open tasks: cases given to them that they still have to work on. A parked
# case (挂账) waits on something outside their hands, a returned one is no longer theirs.
OPEN_TASK_STATES: tuple[str, ...] = ("dispatched", "in_progress", "extended")


@dataclass(frozen=True)
class CaseToDispatch:
    alert_id: int
    state: str
    version: int
    tier: str
    title: str
    category: str | None
    severity: str
    lon: float | None
    lat: float | None
    due_at: datetime | None
    areas: dict[str, str]  # tier -> area code, from the grid up to the city
    major: str | None = None  # the incident's 大类, when the case came from one
    unit_code: str | None = None  # the unit holding the case, if a unit does

    @property
    def point(self) -> tuple[float, float] | None:
        return None if self.lon is None or self.lat is None else (self.lon, self.lat)


READ_CASE = """
SELECT id, state, version, tier, title, category, severity, lon, lat, due_at,
       grid_code, community_code, street_code, district_code,
       labels->>'incident_category', unit_code
FROM alerts WHERE id = %s
"""

# Walks up from one area to the city; the depth bound guards against a cycle in bad data.
ANCESTORS = """
WITH RECURSIVE up (code, level, parent_code, depth) AS (
    SELECT code, level, parent_code, 0 FROM areas WHERE code = %s
    UNION ALL
    SELECT a.code, a.level, a.parent_code, up.depth + 1
    FROM areas a JOIN up ON a.code = up.parent_code WHERE up.depth < 8
)
SELECT level, code FROM up
"""

# Workers of one tier whose area holds the case: their own grid, or an area their unit
# answers for; with the count of their open tasks.
POOL = """
SELECT w.worker_id, w.name, w.schedule, w.lon, w.lat, w.phone, w.unit_code,
       (SELECT count(*) FROM alerts a
        WHERE a.assignee_worker_id = w.worker_id AND a.state = ANY(%(open)s)) AS open_tasks
FROM workers w
WHERE w.active AND w.tier = %(tier)s
  AND (w.grid_code = %(area)s
       OR w.unit_code IN (SELECT unit_code FROM unit_areas WHERE area_code = %(area)s))
ORDER BY w.worker_id
"""


def read_case(cur, alert_id: int) -> CaseToDispatch:
    cur.execute(READ_CASE, (alert_id,))
    row = cur.fetchone()
    if row is None:
        raise CaseNotFound(alert_id)
    own = dict(zip(("grid", "community", "street", "district"), row[10:14], strict=True))
    return CaseToDispatch(*row[:10], areas=case_areas(cur, own), major=row[14],
                          unit_code=row[15])


def case_areas(cur, own: dict[str, str | None]) -> dict[str, str]:
    """Tier -> code: the areas table's ancestors of the most precise code the case has,
    filled in with the case's own codes where the table has no row (the tree wins)."""
    found = {tier: code for tier, code in own.items() if code}
    start = next((own[t] for t in ("grid", "community", "street", "district") if own.get(t)),
                 None)
    if start is not None:
        cur.execute(ANCESTORS, (start,))
        found.update(dict(cur.fetchall()))
    return found


def pools(cur, case: CaseToDispatch) -> Iterator[Pool]:
    """The pools from the case's tier up to the city, read one tier at a time as asked."""
    for tier in TIERS[TIERS.index(case.tier):]:
        area = case.areas.get(tier)
        if area is None:
            yield Pool(tier, None, ())
            continue
        cur.execute(POOL, {"open": list(OPEN_TASK_STATES), "tier": tier, "area": area})
        yield Pool(tier, area, tuple(
            Candidate(worker_id=r[0], name=r[1], schedule=r[2], lon=r[3], lat=r[4],
                      phone=r[5], unit_code=r[6], open_tasks=r[7])
            for r in cur.fetchall()))
