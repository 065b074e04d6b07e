"""How the cases of an area went, day by day: the numbers behind the leaders' daily summary.

Days are the city's calendar days (the zone is a parameter: a day starts at local midnight).
Every query takes the viewer's `Scope` and adds it to the WHERE clause, so a district
leader's numbers count only their district. Fragments joined into SQL are constants of
this module or of `identity.scope`; every value is a parameter.

A closed case is on time when it was never escalated for being overdue (the SLA ticker
writes an `escalate` event the moment a stage runs past its limit, alerts/escalation).
A case counts as overdue at a day's end when it was still open then and had been
escalated by then, or when its current due time had passed by then and it is still open.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from alerts.cases.states import FINISHED
from alerts.sla.escalation.events import LATE_EVENT
from identity.scope import Scope, scope_sql

# One row per calendar day from %(first)s to %(last)s with its instants in the city's zone.
DAYS = """
days AS (
    SELECT d::date AS day,
           (d::date::timestamp AT TIME ZONE %(zone)s) AS start_at,
           ((d::date + 1)::timestamp AT TIME ZONE %(zone)s) AS end_at
    FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d
)"""

ESCALATED = ("EXISTS (SELECT 1 FROM alert_events e WHERE e.alert_id = {t}.id "  # noqa: S608
             f"AND {LATE_EVENT}{{until}})")  # constants only

KPI_SERIES = """
WITH {days},
scoped AS (
    SELECT a.id, a.state, a.opened_at, a.closed_at, a.due_at FROM alerts a
    WHERE {scope} AND a.opened_at < (%(last)s::date + 1)::timestamp AT TIME ZONE %(zone)s
),
first_dispatch AS (
    SELECT s.id, s.opened_at, min(e.at) AS at FROM scoped s
    JOIN alert_events e ON e.alert_id = s.id AND e.action = 'dispatch'
    GROUP BY s.id, s.opened_at
)
SELECT d.day,
    (SELECT count(*) FROM scoped s
     WHERE s.opened_at >= d.start_at AND s.opened_at < d.end_at) AS new_cases,
    (SELECT count(*) FROM scoped s WHERE s.state = 'closed'
     AND s.closed_at >= d.start_at AND s.closed_at < d.end_at) AS closed_cases,
    (SELECT count(*) FROM scoped s WHERE s.state = 'closed'
     AND s.closed_at >= d.start_at AND s.closed_at < d.end_at
     AND NOT {escalated_ever}) AS closed_on_time,
    (SELECT avg(extract(epoch FROM f.at - f.opened_at)) FROM first_dispatch f
     WHERE f.at >= d.start_at AND f.at < d.end_at) AS dispatch_seconds,
    (SELECT avg(extract(epoch FROM s.closed_at - s.opened_at)) FROM scoped s
     WHERE s.state = 'closed' AND s.closed_at >= d.start_at AND s.closed_at < d.end_at)
        AS close_seconds,
    (SELECT count(*) FROM scoped s WHERE s.opened_at < d.end_at
     AND (s.closed_at IS NULL OR s.closed_at >= d.end_at)
     AND ({escalated_by_end} OR (s.closed_at IS NULL AND s.due_at < d.end_at)))
        AS overdue_open
FROM days d ORDER BY d.day
"""

DAY_CASES = "a.opened_at >= %(start)s AND a.opened_at < %(end)s"

BY_CATEGORY = """
SELECT coalesce(a.category, '') AS category, count(*) AS cases FROM alerts a
WHERE {scope} AND {day}
GROUP BY 1 ORDER BY cases DESC, category
"""

# District names come from the areas table; a case without a district groups under ''.
BY_DISTRICT = """
SELECT coalesce(a.district_code, '') AS code,
    max(ar.name_zh) AS name_zh, max(coalesce(ar.name_en, ar.name_zh)) AS name_en,
    count(*) FILTER (WHERE {day}) AS new_cases,
    count(*) FILTER (WHERE a.state = 'closed' AND a.closed_at >= %(start)s
                     AND a.closed_at < %(end)s) AS closed_cases,
    count(*) FILTER (WHERE a.state = 'closed' AND a.closed_at >= %(start)s
                     AND a.closed_at < %(end)s AND NOT {escalated_ever}) AS closed_on_time,
    count(*) FILTER (WHERE a.state <> ALL(%(finished)s) AND a.due_at < %(now)s)
        AS overdue_now
FROM alerts a LEFT JOIN areas ar ON ar.code = a.district_code
WHERE {scope} AND ({day} OR (a.closed_at >= %(start)s AND a.closed_at < %(end)s)
                   OR a.state <> ALL(%(finished)s))
GROUP BY 1 ORDER BY new_cases DESC, code
"""

HOT_CELLS = """
SELECT a.grid_code AS code, max(g.name_zh) AS name_zh,
    max(coalesce(g.name_en, g.name_zh)) AS name_en,
    max(st.name_zh) AS street_zh, max(coalesce(st.name_en, st.name_zh)) AS street_en,
    count(*) AS cases,
    count(*) FILTER (WHERE a.severity IN ('major', 'critical')) AS serious
FROM alerts a
LEFT JOIN areas g ON g.code = a.grid_code
LEFT JOIN areas st ON st.code = a.street_code
WHERE {scope} AND {day} AND a.grid_code IS NOT NULL
GROUP BY a.grid_code ORDER BY cases DESC, serious DESC, code LIMIT %(limit)s
"""

OVERDUE_NOW = """
SELECT a.id, a.title, a.category, a.severity, a.state, a.opened_at, a.due_at,
    a.district_code, d.name_zh AS district_zh, coalesce(d.name_en, d.name_zh) AS district_en,
    st.name_zh AS street_zh, coalesce(st.name_en, st.name_zh) AS street_en,
    w.name AS worker
FROM alerts a
LEFT JOIN areas d ON d.code = a.district_code
LEFT JOIN areas st ON st.code = a.street_code
LEFT JOIN workers w ON w.worker_id = a.assignee_worker_id
WHERE {scope} AND a.state <> ALL(%(finished)s) AND a.due_at < %(now)s
ORDER BY a.due_at, a.id LIMIT %(limit)s
"""


def _rows(cur) -> list[dict[str, Any]]:
    names = [col.name for col in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def kpi_series(cur, scope: Scope, first: date, last: date, zone: str) -> list[dict[str, Any]]:
    """One row of case KPIs per calendar day from `first` to `last`, oldest first."""
    clause, params = scope_sql(scope)
    params.update(first=first, last=last, zone=zone)
    sql = KPI_SERIES.format(days=DAYS, scope=clause,
                            escalated_ever=ESCALATED.format(t="s", until=""),
                            escalated_by_end=ESCALATED.format(t="s", until=" AND e.at < d.end_at"))
    cur.execute(sql, params)
    rows = _rows(cur)
    for row in rows:
        for key in ("dispatch_seconds", "close_seconds"):
            row[key] = None if row[key] is None else float(row[key])
    return rows


def _day_params(scope: Scope, start: datetime, end: datetime) -> tuple[str, dict]:
    clause, params = scope_sql(scope)
    params.update(start=start, end=end, finished=sorted(FINISHED))
    return clause, params


def by_category(cur, scope: Scope, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Cases opened in [start, end) per category, most first."""
    clause, params = _day_params(scope, start, end)
    cur.execute(BY_CATEGORY.format(scope=clause, day=DAY_CASES), params)
    return _rows(cur)


def by_district(cur, scope: Scope, start: datetime, end: datetime,
                now: datetime) -> list[dict[str, Any]]:
    """Per district: cases opened and closed in [start, end), closed on time, overdue now."""
    clause, params = _day_params(scope, start, end)
    params["now"] = now
    sql = BY_DISTRICT.format(scope=clause, day=DAY_CASES,
                             escalated_ever=ESCALATED.format(t="a", until=""))
    cur.execute(sql, params)
    return _rows(cur)


def hot_cells(cur, scope: Scope, start: datetime, end: datetime,
              limit: int = 10) -> list[dict[str, Any]]:
    """The grid cells with the most cases opened in [start, end)."""
    clause, params = _day_params(scope, start, end)
    params["limit"] = limit
    cur.execute(HOT_CELLS.format(scope=clause, day=DAY_CASES), params)
    return _rows(cur)


def overdue_now(cur, scope: Scope, now: datetime, limit: int = 20) -> list[dict[str, Any]]:
    """Open cases past their due time at `now`, the longest overdue first."""
    clause, params = scope_sql(scope)
    params.update(now=now, limit=limit, finished=sorted(FINISHED))
    cur.execute(OVERDUE_NOW.format(scope=clause), params)
    return _rows(cur)


def area_names(cur, code: str) -> tuple[str, str]:
    """(Chinese, English) name of an area, the code itself when the areas table lacks it."""
    cur.execute("SELECT name_zh, coalesce(name_en, name_zh) FROM areas WHERE code = %s",
                (code,))
    found = cur.fetchone()
    return (found[0], found[1]) if found else (code, code)


def city_code(cur) -> str | None:
    """The code of the city this deployment serves (the areas table's one city row)."""
    cur.execute("SELECT code FROM areas WHERE level = 'city' ORDER BY code LIMIT 1")
    found = cur.fetchone()
    return found[0] if found else None


# Per unit (issue #16): cases sent to it on the day, closed by it on the day, and what it
# holds now, open and past its due time.
BY_UNIT = """
SELECT u.unit_code AS code, u.name,
    count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM alert_events e WHERE e.alert_id = a.id AND e.at >= %(start)s
          AND e.at < %(end)s AND ((e.action = 'dispatch' AND e.details->>'unit_code' = u.unit_code)
               OR (e.action = 'whistle' AND e.details->>'lead' = u.unit_code)))) AS dispatched,
    count(*) FILTER (WHERE a.state = 'closed' AND a.closed_at >= %(start)s
                     AND a.closed_at < %(end)s) AS closed,
    count(*) FILTER (WHERE a.state <> ALL(%(finished)s)) AS open_now,
    count(*) FILTER (WHERE a.state <> ALL(%(finished)s) AND a.due_at < %(now)s) AS overdue_now
FROM alerts a JOIN units u ON u.unit_code = a.unit_code
WHERE {scope} AND (a.state <> ALL(%(finished)s) OR a.closed_at >= %(start)s
                   OR a.opened_at >= %(start)s - interval '31 days')
GROUP BY u.unit_code ORDER BY overdue_now DESC, open_now DESC, u.unit_code
LIMIT 30
"""


def by_unit(cur, scope: Scope, start: datetime, end: datetime,
            now: datetime) -> list[dict[str, Any]]:
    """Per unit holding cases in the area: dispatched and closed that day, open and overdue now."""
    clause, params = scope_sql(scope)
    params.update(start=start, end=end, now=now, finished=sorted(FINISHED))
    cur.execute(BY_UNIT.format(scope=clause), params)
    return _rows(cur)
