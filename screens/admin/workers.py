"""Workers as the admin page lists them: their grid, unit, tier, schedule and login.

A worker answers for their grid cell, or (a unit's worker) for the areas of their unit; a
viewer with an area scope sees the workers whose grid or unit areas lie inside it.
"""

from __future__ import annotations

from alerts.dispatch.pools import OPEN_TASK_STATES
from identity.scope import Scope

# The national codes nest (a grid's code starts with its district's), so "inside" is a
# prefix test; left() rather than LIKE, so a code never acts as a pattern.
INSIDE = """(left(w.grid_code, length(%({name})s)) = %({name})s OR EXISTS (
    SELECT 1 FROM unit_areas ua WHERE ua.unit_code = w.unit_code
      AND left(ua.area_code, length(%({name})s)) = %({name})s))"""

SELECT_WORKERS = """
SELECT w.worker_id, w.name, w.phone, w.tier, w.grid_code, w.unit_code, u.name AS unit_name,
       w.schedule, w.active, us.username,
       (SELECT count(*) FROM alerts a WHERE a.assignee_worker_id = w.worker_id
          AND a.state = ANY(%(open)s)) AS open_tasks
FROM workers w
LEFT JOIN units u ON u.unit_code = w.unit_code
LEFT JOIN users us ON us.id = w.user_id
WHERE {where}
ORDER BY w.grid_code NULLS LAST, w.worker_id
LIMIT %(limit)s
"""  # noqa: S608 - {where} is built from INSIDE above, never from input


def worker_rows(conn, scope: Scope, *, district: str | None = None,
                limit: int = 2000) -> list[dict]:
    """Workers inside the viewer's area (and the chosen district), grid by grid."""
    parts = ["TRUE"]
    params: dict = {"open": list(OPEN_TASK_STATES), "limit": limit}
    if scope.level != "city":
        parts.append(INSIDE.format(name="scope_code"))
        params["scope_code"] = scope.code
    if district:
        parts.append(INSIDE.format(name="district"))
        params["district"] = district
    with conn.cursor() as cur:
        cur.execute(SELECT_WORKERS.format(where=" AND ".join(parts)), params)
        columns = [c.name for c in cur.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
    conn.rollback()
    return rows
