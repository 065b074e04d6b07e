"""The ticker's reads and writes on `alerts`: open cases, one locked case, its markers."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from alerts.escalation.decision import Markers
from alerts.states import FINISHED

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

# Bookkeeping only: the version stays, so an operator's pending move is not disturbed.
WRITE_MARKERS = """
UPDATE alerts SET due_at = %(due_at)s, sla_level = %(level)s, sla_stage = %(stage)s,
    sla_stage_started_at = %(stage_started_at)s, sla_warned_at = %(warned_at)s,
    sla_escalated_elapsed = %(escalated_elapsed)s
WHERE id = %(id)s AND version = %(version)s
"""

# A change of who holds the case: a new version, so anyone acting on the old one reloads.
ESCALATE = """
UPDATE alerts SET tier = %(tier)s, version = version + 1
WHERE id = %(id)s AND version = %(version)s
RETURNING version
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


def write_markers(cur, case: LockedCase, markers: Markers) -> None:
    cur.execute(WRITE_MARKERS, {**asdict(markers), "id": case.alert_id,
                                "version": case.version})


def escalate_tier(cur, case: LockedCase, tier: str) -> int:
    """Set the new tier; returns the new version (the row lock guarantees the match)."""
    cur.execute(ESCALATE, {"tier": tier, "id": case.alert_id, "version": case.version})
    row = cur.fetchone()
    if row is None:
        raise RuntimeError(f"case {case.alert_id} changed under the ticker's row lock")
    return row[0]
