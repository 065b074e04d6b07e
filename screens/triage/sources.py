"""Everything a case is made of: each rule fire and report merged into it, with the incident
behind each report, for the people who triage it.

`case_sources` (m0005) is the truth of what a case holds; reports are joined to their
incidents by (source, source_id), and only reports inside the viewer's area are shown.
Reporters' contacts are masked by the caller's role here, so no caller can forget to.
"""

from __future__ import annotations

from typing import Any

from identity.masking import masked_incident
from identity.scope import Scope, area_sql

# source_key of a report is 'source:source_id' (alerts/cases/grouping/reports.py); split here so
# the join can use incidents' UNIQUE (source, source_id) index.
SOURCES = """
SELECT s.id, s.source_kind, s.source_key, s.at, s.details,
       i.id AS incident_id, i.source, i.source_id, i.category, i.subcategory,
       i.description, i.reporter_name, i.reporter_phone, i.address, i.reported_at
FROM case_sources s
LEFT JOIN incidents i ON s.source_kind = 'incident'
    AND i.source = split_part(s.source_key, ':', 1)
    AND i.source_id = substr(s.source_key, strpos(s.source_key, ':') + 1)
WHERE s.alert_id = %(id)s AND (s.source_kind <> 'incident' OR {area})
ORDER BY s.at, s.id
"""

def _rows(cur) -> list[dict[str, Any]]:
    names = [col.name for col in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def case_sources(cur, alert_id: int, role: str, scope: Scope) -> list[dict[str, Any]]:
    """Every source of the case, oldest first, reporters masked for `role`; reports outside
    `scope` are left out. The caller has already checked that the case is in the scope."""
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="i")
    cur.execute(SOURCES.format(area=clause), {**params, "id": alert_id})  # noqa: S608
    return [masked_incident(row, role) for row in _rows(cur)]
