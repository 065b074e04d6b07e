"""The ticker's reads of `alerts`: the open cases, and one case under a row lock.

Its writes are the cases module's: markers in `alerts/cases/bookkeeping.py`, the escalate
move in `alerts/cases/moves.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts.cases.states import FINISHED
from alerts.sla.escalation.decision import Markers

_FINISHED = sorted(FINISHED)

OPEN_CASES = "SELECT id FROM alerts WHERE state <> ALL(%s) ORDER BY id"

# SKIP LOCKED: a case an operator is moving right now is left for the next tick rather
# than making the ticker wait on them (or them on it).
LOCK_CASE = """
SELECT state, version, tier, category, due_at, sla_level, sla_stage, sla_stage_started_at,
       sla_warned_at, sla_escalated_elapsed
FROM alerts WHERE id = %s AND state <> ALL(%s)
FOR UPDATE SKIP LOCKED
"""


@dataclass(frozen=True)
class LockedCase:
    alert_id: int
    state: str
    version: int
    tier: str
    category: str | None
    markers: Markers


def open_case_ids(cur) -> list[int]:
    cur.execute(OPEN_CASES, (_FINISHED,))
    return [row[0] for row in cur.fetchall()]


def lock_case(cur, alert_id: int) -> LockedCase | None:
    """The case under a row lock, or None if it is busy or no longer open."""
    cur.execute(LOCK_CASE, (alert_id, _FINISHED))
    row = cur.fetchone()
    if row is None:
        return None
    return LockedCase(alert_id, row[0], row[1], row[2], row[3], Markers(*row[4:10]))
