"""Everything a case is made of: each rule fire and report merged into it, with the incident
behind each report, for the people who triage it.

case_sources (m0005) lists every source since grouping; an older or seeded case may only
name its incident in labels.detail.source_id (alerts/api/casequeries.py), so both are read
and an incident appears once. Reporters' contacts are masked by the caller's role here, so
no caller can forget to.
"""

from __future__ import annotations

from typing import Any

from alerts.api.casequeries import incidents
from identity.masking import masked_incident

# source_key of a report is 'source:source_id' (alerts/grouping/reports.py); split here so
# the join can use incidents' UNIQUE (source, source_id) index.
SOURCES = """
SELECT s.id, s.source_kind, s.source_key, s.at, s.details,
       i.id AS incident_id, i.source, i.source_id, i.category, i.subcategory,
       i.description, i.reporter_name, i.reporter_phone, i.address, i.reported_at
FROM case_sources s
LEFT JOIN incidents i ON s.source_kind = 'incident'
    AND i.source = split_part(s.source_key, ':', 1)
    AND i.source_id = substr(s.source_key, strpos(s.source_key, ':') + 1)
WHERE s.alert_id = %s
ORDER BY s.at, s.id
"""

INCIDENT_FIELDS = ("incident_id", "source", "source_id", "category", "subcategory",
                   "description", "reporter_name", "reporter_phone", "address", "reported_at")


def _rows(cur) -> list[dict[str, Any]]:
    names = [col.name for col in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def from_label(incident: dict[str, Any]) -> dict[str, Any]:
    """An incident found through the case's labels, in the shape of a source row."""
    row = {"id": None, "source_kind": "incident",
           "source_key": f"{incident['source']}:{incident['source_id']}",
           "at": incident["reported_at"], "details": {}}
    row.update({name: incident.get(name) for name in INCIDENT_FIELDS if name != "incident_id"})
    row["incident_id"] = incident["id"]
    return row


def merged(sources: list[dict[str, Any]], labelled: list[dict[str, Any]]) -> list[dict]:
    """The case's sources plus the labelled incidents they do not already hold, by time."""
    held = {row["source_key"] for row in sources}
    extra = [from_label(i) for i in labelled if f"{i['source']}:{i['source_id']}" not in held]
    return sorted(sources + extra, key=lambda row: (row["at"] is None, row["at"]))


def case_sources(cur, alert_id: int, role: str) -> list[dict[str, Any]]:
    """Every source of the case, oldest first, reporters masked for `role`. The caller has
    already checked that the case is in the viewer's scope."""
    cur.execute(SOURCES, (alert_id,))
    rows = merged(_rows(cur), incidents(cur, alert_id))
    return [masked_incident(row, role) for row in rows]
