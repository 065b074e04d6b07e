"""首派准确率 (first-dispatch accuracy): the share of cases whose first dispatch to a unit
was not returned by that unit as not its duty (退回, wrong unit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# A case's first unit dispatch (a dispatch to a unit, or a whistle's lead) in the period.
FIRST_DISPATCHES = """
WITH firsts AS (
    SELECT DISTINCT ON (e.alert_id) e.alert_id, e.at,
        coalesce(e.details->>'unit_code', e.details->>'lead') AS unit_code
    FROM alert_events e
    WHERE (e.action = 'dispatch' AND e.details->>'to' = 'unit') OR e.action = 'whistle'
    ORDER BY e.alert_id, e.id
)
SELECT count(*), count(*) FILTER (WHERE EXISTS (
    SELECT 1 FROM alert_events r WHERE r.alert_id = f.alert_id AND r.action = 'return'
      AND (r.details->>'wrong_unit')::boolean AND r.details->>'unit_code' = f.unit_code))
FROM firsts f WHERE f.at >= %(since)s AND f.at < %(until)s
  AND (%(unit)s::text IS NULL OR f.unit_code = %(unit)s)
"""


@dataclass(frozen=True)
class Accuracy:
    dispatched: int
    returned_wrong: int

    @property
    def rate(self) -> float | None:
        if not self.dispatched:
            return None
        return (self.dispatched - self.returned_wrong) / self.dispatched


def first_dispatch_accuracy(cur, since: datetime, until: datetime,
                            unit: str | None = None) -> Accuracy:
    """Over first unit dispatches made in [since, until), of every unit or one."""
    cur.execute(FIRST_DISPATCHES, {"since": since, "until": until, "unit": unit})
    dispatched, wrong = cur.fetchone()
    return Accuracy(dispatched, wrong)
