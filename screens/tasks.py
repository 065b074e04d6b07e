"""A grid worker's or a unit's tasks (我的任务 / 单位任务): the cases that still need them.

Scoped by `identity.scope.scope_sql`, whose worker clause keeps the cases assigned to the
worker linked to the user (and unit-handled fixes in their grid to verify), and whose unit
clause the cases the unit holds or a whistle called it to. Open tasks come first, the most
urgent (overdue, then critical) at the top, then by due time; handled cases waiting for
someone else's check stay on the list, below, so the worker sees what they finished.
"""

from __future__ import annotations

from typing import Any

from alerts.cases.severity import MOST_SEVERE_FIRST
from identity.scope import Scope, scope_sql

# Cases a worker still acts on; handled ones are shown but wait for someone else.
ACTIVE = ("dispatched", "in_progress", "returned", "extended", "parked")
SHOWN = (*ACTIVE, "handled")

# The case's first report (its case_sources, keyed by source and id), for the place and
# the reporter (masked by the caller).
TASKS = """
SELECT a.id, a.title, a.description, a.category, a.severity, a.state, a.version,
    a.opened_at, a.due_at, a.lon, a.lat,
    (a.due_at IS NOT NULL AND a.due_at < %(now)s) AS overdue,
    g.name_zh AS grid_zh, coalesce(g.name_en, g.name_zh) AS grid_en,
    st.name_zh AS street_zh, coalesce(st.name_en, st.name_zh) AS street_en,
    src.address, src.reporter_name, src.reporter_phone,
    a.unit_code AS holder_unit, hu.name AS holder_name, cu.part AS unit_part,
    cu.report_by, cu.reported_at, cu.written_at
FROM alerts a
LEFT JOIN units hu ON hu.unit_code = a.unit_code
LEFT JOIN case_units cu ON cu.alert_id = a.id AND cu.unit_code = %(my_unit)s
LEFT JOIN areas g ON g.code = a.grid_code
LEFT JOIN areas st ON st.code = a.street_code
LEFT JOIN LATERAL (
    SELECT i.address, i.reporter_name, i.reporter_phone FROM case_sources s
    JOIN incidents i ON i.source = split_part(s.source_key, ':', 1)
        AND i.source_id = substr(s.source_key, strpos(s.source_key, ':') + 1)
    WHERE s.alert_id = a.id AND s.source_kind = 'incident'
    ORDER BY i.reported_at, i.id LIMIT 1
) src ON true
WHERE {scope} AND a.state = ANY(%(shown)s)
ORDER BY (a.state = 'handled' AND a.unit_code IS NULL),
    (a.due_at IS NOT NULL AND a.due_at < %(now)s) DESC,
    array_position(%(severities)s::text[], a.severity),
    a.due_at NULLS LAST, a.opened_at DESC, a.id DESC
LIMIT %(limit)s
"""


def my_tasks(cur, scope: Scope, now, limit: int = 50) -> list[dict[str, Any]]:
    """The worker's tasks in scope, most urgent first. A scope without a worker (a desk
    user) gets the same ordering over their area, which only tests use."""
    clause, params = scope_sql(scope)
    params.update(now=now, shown=list(SHOWN), limit=limit,
                  severities=list(MOST_SEVERE_FIRST), my_unit=scope.unit_code)
    cur.execute(TASKS.format(scope=clause), params)
    names = [col.name for col in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
