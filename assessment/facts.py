"""What each case did in a period, read from its timeline (`alert_events`) in one query,
and its callers' ratings: the facts every figure of the assessment is counted from.

A case is read when it has an event in the period, or was still open at its end with a
stage past its time limit (it is due to close and counts against its unit). Events after
the period are never read, so an assessment of a past month does not change as cases move
on. "Past its time limit" is the SLA ticker's escalation on the timeline (an `escalate`
by `system` with the late `stage`); a manual escalation or a missed report-in is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from alerts.cases.states import FINISHED
from alerts.sla.escalation.events import LATE_EVENT
from identity.scope import Scope, area_sql

UNIT_DISPATCH = ("((e.action = 'dispatch' AND e.details->>'to' = 'unit') "
                 "OR e.action = 'whistle')")
UNIT_OF_EVENT = "coalesce(e.details->>'unit_code', e.details->>'lead')"
LATE = LATE_EVENT

FACTS = f"""
SELECT a.id, a.title, a.category, a.street_code, a.district_code,
    (array_agg(e.actor ORDER BY e.id DESC) FILTER (WHERE e.action = 'handle'))[1]
        AS handled_by,
    bool_or(e.action = 'open' AND e.at >= %(start)s) AS reported,
    bool_or(e.action = 'confirm' AND e.at >= %(start)s) AS confirmed,
    bool_or(e.action = 'reject' AND e.at >= %(start)s) AS rejected,
    bool_or(e.action IN ('dispatch', 'whistle') AND e.at >= %(start)s) AS dispatched,
    max(e.at) FILTER (WHERE e.action = 'verify' AND e.at >= %(start)s) AS closed_at,
    bool_or(e.action = 'reopen' AND e.at >= %(start)s) AS reworked,
    bool_or(e.action = 'extend' AND e.at >= %(start)s) AS extended,
    bool_or(e.action = 'park') AS parked,
    min(e.at) FILTER (WHERE {LATE}) AS late_at,
    bool_or({LATE} AND e.at >= %(start)s) AS late_in_period,
    (array_agg(e.to_state ORDER BY e.id DESC) FILTER (WHERE e.to_state IS NOT NULL))[1]
        AS state_at_end,
    (array_agg({UNIT_OF_EVENT} ORDER BY e.id DESC) FILTER (WHERE {UNIT_DISPATCH}))[1] AS unit,
    (array_agg({UNIT_OF_EVENT} ORDER BY e.id) FILTER (WHERE {UNIT_DISPATCH}))[1] AS first_unit,
    coalesce(min(e.at) FILTER (WHERE {UNIT_DISPATCH}) >= %(start)s, false)
        AS first_sent_in_period,
    coalesce(array_agg(DISTINCT e.details->>'unit_code') FILTER (
        WHERE e.action = 'return' AND (e.details->>'wrong_unit')::boolean), '{{{{}}}}')
        AS wrong_units
FROM alerts a JOIN alert_events e ON e.alert_id = a.id AND e.at < %(end)s
WHERE {{scope}} AND (
    a.id IN (SELECT alert_id FROM alert_events WHERE at >= %(start)s AND at < %(end)s)
    OR (a.opened_at < %(end)s AND (a.closed_at IS NULL OR a.closed_at >= %(end)s)
        AND a.id IN (SELECT e.alert_id FROM alert_events e WHERE e.at < %(end)s AND {LATE})))
GROUP BY a.id
"""  # noqa: S608 - the scope clause is identity.scope's, with bound parameters

RATINGS = """
SELECT r.alert_id, count(*),
    count(*) FILTER (WHERE r.rating IN ('satisfied', 'fairly_satisfied'))
FROM case_ratings r JOIN alerts a ON a.id = r.alert_id
WHERE r.at >= %(start)s AND r.at < %(end)s AND {scope}
GROUP BY r.alert_id
"""  # noqa: S608 - as above


@dataclass(frozen=True)
class CaseFacts:
    id: int
    title: str
    category: str | None
    street_code: str | None
    district_code: str | None
    handled_by: str | None
    reported: bool
    confirmed: bool
    rejected: bool
    dispatched: bool
    closed_at: datetime | None
    reworked: bool
    extended: bool
    parked: bool
    late_at: datetime | None
    late_in_period: bool
    state_at_end: str | None
    unit: str | None
    first_unit: str | None
    first_sent_in_period: bool  # the case's first unit dispatch fell in the period
    wrong_units: tuple[str, ...]
    ratings: int = 0
    satisfied: int = 0

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def open_at_end(self) -> bool:
        return self.state_at_end is not None and self.state_at_end not in FINISHED


def read_facts(cur, scope: Scope, start: datetime, end: datetime) -> list[CaseFacts]:
    """Every case the period touched, inside the viewer's area."""
    clause, params = area_sql(scope.level, scope.code, "scope_code")
    params.update(start=start, end=end)
    cur.execute(FACTS.format(scope=clause), params)
    rows = {r[0]: list(r[:20]) + [tuple(r[20])] for r in cur.fetchall()}
    cur.execute(RATINGS.format(scope=clause), params)
    rated = {alert_id: (n, good) for alert_id, n, good in cur.fetchall()}
    return [CaseFacts(*row, *rated.get(alert_id, (0, 0))) for alert_id, row in rows.items()]
