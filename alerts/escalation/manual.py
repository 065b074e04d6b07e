"""Escalating a case by hand: a duty manager decides a case needs the next tier now, before
its SLA runs out (a hazard too big for the grid, a complaint that keeps coming back).

The same change as the ticker's (alerts/escalation/ticker.py): the tier goes up one, the
version rises so anyone acting on the old one reloads, the new tier's worker or unit is
told, and an `escalate` event records who did it and why. It is not a move of the case
flow (the state stays), so the rules live here: who may, from which states, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from alerts.cases import Connection, record_event
from alerts.errors import CaseNotFound, Conflict, Refused
from alerts.escalation.case_rows import ESCALATE
from alerts.escalation.notify import Notice, prepare, send
from alerts.sla import STAGE_OF
from alerts.states import OPEN, label
from alerts.tiers import TIER_NAMES, TIERS, next_tier

ACTION = "escalate"

# Duty managers escalate from the desk; leaders may order it. Operators take calls and
# dispatch, the SLA ticker escalates on its own; workers ask for help through a return.
ESCALATORS: frozenset[str] = frozenset({"manager", "leader"})

LOCK = "SELECT state, version, tier FROM alerts WHERE id = %s FOR UPDATE"



@dataclass(frozen=True)
class Escalated:
    alert_id: int
    from_tier: str
    to_tier: str
    version: int
    event_id: int
    notice: Notice


def refusal(role: str, state: str, tier: str, note: str | None) -> str | None:
    """Why this person may not escalate this case now, or None when they may."""
    if role not in ESCALATORS:
        return f"escalate is for {' or '.join(sorted(ESCALATORS))}; a {role} may not make it"
    if state not in OPEN:
        return f"only an open case is escalated; this case is {label(state)}"
    if tier not in TIERS:
        return f"the case is at an unknown tier {tier!r}"
    if next_tier(tier) is None:
        return f"the case is already at the {tier} ({TIER_NAMES[tier]}) tier; nobody is higher"
    if not (note and note.strip()):
        return "escalate needs a reason in the note"
    return None


def may_escalate(role: str, state: str, tier: str) -> bool:
    """Whether to offer the move at all (the reason is asked for when it is made)."""
    return refusal(role, state, tier, "-") is None


def escalate(conn: Connection, alert_id: int, actor: str, role: str, expected_version: int,
             note: str | None, at: datetime | None = None) -> Escalated:
    """Raise the case one tier in one transaction; Refused / Conflict / CaseNotFound if not.
    The notice is written but not sent: call `notify` after this returns."""
    at = at or datetime.now(UTC)
    with conn, conn.cursor() as cur:
        cur.execute(LOCK, (alert_id,))
        row = cur.fetchone()
        if row is None:
            raise CaseNotFound(alert_id)
        state, version, tier = row
        if version != expected_version:
            raise Conflict(alert_id, expected_version, state, version)
        why_not = refusal(role, state, tier, note)
        if why_not:
            raise Refused(alert_id, ACTION, why_not)
        to_tier = next_tier(tier)
        cur.execute(ESCALATE, {"tier": to_tier, "id": alert_id, "version": version})
        new_version = cur.fetchone()[0]  # the row lock guarantees the match
        notice = prepare(cur, alert_id, tier, STAGE_OF.get(state), actor, at)
        event_id = record_event(cur, alert_id, actor, ACTION, state, None, note.strip(), {
            "by": "hand", "role": role, "from_tier": tier, "to_tier": to_tier,
            "notified": notice.details(), "at": at.isoformat()})
    return Escalated(alert_id, tier, to_tier, new_version, event_id, notice)


def notify(conn: Connection, producer, topic: str, done: Escalated) -> bool:
    """Tell the new tier, after the commit; False (logged) when the broker did not take it.
    A re-dispatch left unsent is retried by `publish_pending` like any dispatch."""
    return send(conn, producer, topic, done.notice)
