"""Vital signs of the case flow for the wall screen, within the viewer's area.

- open cases by severity, and how many of them are overdue (past their due time, as the
  API's `overdue` filter says);
- mean time to dispatch: from opening to the first 派遣, over cases first dispatched in
  the last 24 hours;
- mean time to close and the on-time closure rate: over cases closed (核查结案) in the
  last 24 hours; on time = closed without ever being escalated by the SLA ticker (no
  `escalate` event on its timeline);
- the newest cases, for the ticker.
A rolling 24 hours rather than "since midnight": a wall at 01:00 still has something to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from alerts.cases.severity import MOST_SEVERE_FIRST
from alerts.cases.states import FINISHED
from identity.scope import Scope, scope_sql

WINDOW = timedelta(hours=24)

OPEN = """
SELECT a.severity, count(*) AS open,
       count(*) FILTER (WHERE a.due_at IS NOT NULL AND a.due_at < %(now)s) AS overdue
FROM alerts a
WHERE a.state <> ALL(%(finished)s) AND {scope}
GROUP BY a.severity
"""

DISPATCH = """
SELECT count(*), avg(extract(epoch FROM first.at - a.opened_at))
FROM (SELECT e.alert_id, min(e.at) AS at FROM alert_events e
      WHERE e.at >= %(since)s AND e.to_state = 'dispatched'
      GROUP BY e.alert_id) first
JOIN alerts a ON a.id = first.alert_id
WHERE {scope}
  AND NOT EXISTS (SELECT 1 FROM alert_events before
                  WHERE before.alert_id = a.id AND before.to_state = 'dispatched'
                    AND before.at < %(since)s)
"""

CLOSED = """
SELECT count(*),
       avg(extract(epoch FROM a.closed_at - a.opened_at)),
       count(*) FILTER (WHERE NOT EXISTS (
           SELECT 1 FROM alert_events e WHERE e.alert_id = a.id AND e.action = 'escalate'))
FROM alerts a
WHERE a.closed_at >= %(since)s AND a.state = 'closed' AND {scope}
"""

NEWEST = """
SELECT a.id, a.title, a.severity, a.state, a.category, a.opened_at, a.district_code,
       a.street_code, coalesce(s.name_zh, d.name_zh) AS place_zh,
       coalesce(s.name_en, d.name_en, s.name_zh, d.name_zh) AS place_en
FROM alerts a
LEFT JOIN areas s ON s.code = a.street_code
LEFT JOIN areas d ON d.code = a.district_code
WHERE {scope}
ORDER BY a.opened_at DESC, a.id DESC
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class OpenCases:
    by_severity: dict[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


@dataclass(frozen=True)
class FlowTimes:
    dispatched: int
    mean_dispatch_s: float | None
    closed: int
    mean_close_s: float | None
    closed_on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return None if self.closed == 0 else self.closed_on_time / self.closed


def _viewer_scope(scope: Scope) -> tuple[str, dict]:
    """The scope's clause for alerts aliased `a` (workers see only their tasks)."""
    clause, params = scope_sql(scope)
    params["finished"] = list(FINISHED)
    return clause, params


def open_cases(cur, scope: Scope, now: datetime) -> OpenCases:
    clause, params = _viewer_scope(scope)
    params["now"] = now
    cur.execute(OPEN.format(scope=clause), params)
    by_severity = dict.fromkeys(MOST_SEVERE_FIRST, 0)
    overdue = 0
    for severity, n_open, n_overdue in cur.fetchall():
        by_severity[severity] = int(n_open)
        overdue += int(n_overdue)
    return OpenCases(by_severity, overdue)


def flow_times(cur, scope: Scope, now: datetime) -> FlowTimes:
    clause, params = _viewer_scope(scope)
    params["since"] = now - WINDOW
    cur.execute(DISPATCH.format(scope=clause), params)
    dispatched, mean_dispatch = cur.fetchone()
    cur.execute(CLOSED.format(scope=clause), params)
    closed, mean_close, on_time = cur.fetchone()
    return FlowTimes(int(dispatched), _seconds(mean_dispatch), int(closed),
                     _seconds(mean_close), int(on_time))


def newest_cases(cur, scope: Scope, limit: int = 8) -> list[dict[str, Any]]:
    clause, params = _viewer_scope(scope)
    params["limit"] = limit
    cur.execute(NEWEST.format(scope=clause), params)
    names = [col.name for col in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _seconds(value: Any) -> float | None:
    return None if value is None else float(value)
