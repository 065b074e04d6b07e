"""Reading cases for the API: a page of a list, one case, its timeline and its reports.

Every query takes the caller's `Scope` and adds it to the WHERE clause, so a case outside
the caller's area is indistinguishable from a case that does not exist. All fragments
joined into SQL here are constants of this module or of `scope`; values are parameters.
"""

from __future__ import annotations

from typing import Any

from alerts.api.filters import CaseFilter
from alerts.cases.states import FINISHED
from identity.scope import Scope, area_level, area_sql, scope_sql
from identity.users import known_level

CASE_COLUMNS = """a.id, a.kind, a.rule_id, a.title, a.description, a.category, a.severity,
    a.state, a.version, a.lon, a.lat, a.grid_code, a.community_code, a.street_code,
    a.district_code, a.tier, a.assignee_worker_id, a.repeat_count, a.opened_at,
    a.last_seen_at, a.due_at, a.closed_at,
    (a.due_at IS NOT NULL AND a.due_at < now() AND a.state <> ALL(%(finished)s)) AS overdue"""

EVENTS = """
SELECT id, at, actor, action, from_state, to_state, note FROM alert_events
WHERE alert_id = %s ORDER BY at, id
"""

# A case's reports are its `case_sources` rows of kind incident, whose key is
# 'source:source_id' (alerts/cases/grouping/reports.py): split to use incidents' UNIQUE index.
INCIDENTS = """
SELECT i.id, i.source, i.source_id, i.category, i.subcategory, i.description,
    i.reporter_name, i.reporter_phone, i.address, i.reported_at
FROM case_sources s
JOIN incidents i ON i.source = split_part(s.source_key, ':', 1)
    AND i.source_id = substr(s.source_key, strpos(s.source_key, ':') + 1)
WHERE s.alert_id = %(id)s AND s.source_kind = 'incident' AND {area}
ORDER BY i.reported_at, i.id
"""

FILTERS = {"state": "a.state = %(state)s", "severity": "a.severity = %(severity)s",
           "category": "a.category = %(category)s"}
OVERDUE = "(a.due_at IS NOT NULL AND a.due_at < now() AND a.state <> ALL(%(finished)s))"


def _rows(cur) -> list[dict[str, Any]]:
    names = [col.name for col in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _where(scope: Scope, wanted: CaseFilter, area_level_of) -> tuple[str, dict]:
    clause, params = scope_sql(scope)
    parts = [clause]
    for name, fragment in FILTERS.items():
        if getattr(wanted, name) is not None:
            parts.append(fragment)
            params[name] = getattr(wanted, name)
    if wanted.area is not None:
        level = area_level_of(wanted.area)
        # An area code we cannot place matches nothing rather than everything.
        area_clause, area_params = area_sql(level, wanted.area, "area") if level else ("FALSE", {})
        parts.append(area_clause)
        params.update(area_params)
    if wanted.overdue is not None:
        parts.append(OVERDUE if wanted.overdue else f"NOT {OVERDUE}")
    params["finished"] = sorted(FINISHED)
    return " AND ".join(parts), params


def list_cases(cur, scope: Scope, wanted: CaseFilter, area_level_of) -> tuple[list[dict], int]:
    """One page of cases in scope matching the filter, newest first, and the total count."""
    where, params = _where(scope, wanted, area_level_of)
    cur.execute(f"SELECT count(*) FROM alerts a WHERE {where}", params)  # noqa: S608 - see doc
    total = cur.fetchone()[0]
    params.update(limit=wanted.per_page, offset=(wanted.page - 1) * wanted.per_page)
    cur.execute(f"SELECT {CASE_COLUMNS} FROM alerts a WHERE {where} "  # noqa: S608 - see doc
                "ORDER BY a.opened_at DESC, a.id DESC LIMIT %(limit)s OFFSET %(offset)s",
                params)
    return _rows(cur), total


def get_case(cur, scope: Scope, alert_id: int) -> dict[str, Any] | None:
    """The case if it exists and is in scope; None otherwise (the caller answers 404)."""
    clause, params = scope_sql(scope)
    params.update(id=alert_id, finished=sorted(FINISHED))
    cur.execute(f"SELECT {CASE_COLUMNS} FROM alerts a "  # noqa: S608 - see module doc
                f"WHERE a.id = %(id)s AND {clause}", params)
    rows = _rows(cur)
    return rows[0] if rows else None


def timeline(cur, alert_id: int) -> list[dict[str, Any]]:
    cur.execute(EVENTS, (alert_id,))
    return _rows(cur)


def incidents(cur, scope: Scope, alert_id: int) -> list[dict[str, Any]]:
    """The reports merged into the case (its `case_sources`), keyed by (source, source_id)
    as incidents are unique, and only those inside the viewer's area."""
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="i")
    cur.execute(INCIDENTS.format(area=clause), {**params, "id": alert_id})  # noqa: S608
    return _rows(cur)


def level_lookup(cur):
    """A function from area code to level, asking the areas table first (see scope.py)."""
    def level_of(code: str) -> str | None:
        return area_level(code, known_level(cur, code))
    return level_of
