"""Escalating a case by hand: a duty manager decides a case needs the next tier now, before
its SLA runs out (a hazard too big for the grid, a complaint that keeps coming back).

The same change as the ticker's (alerts/sla/escalation/ticker.py): the tier goes up one, the
version rises so anyone acting on the old one reloads, the new tier's worker or unit is
told, and an `escalate` event records who did it and why. It is the `escalate` move of
`alerts.cases.flow.MOVES` (the state stays, the tier rises), made through
`alerts.cases.moves` like any other: who may, from which states and with a reason is
the move table's and the guards'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from alerts.cases.flow import may
from alerts.cases.guards import CaseFacts
from alerts.cases.guards import refusal as guard_refusal
from alerts.cases.moves import Connection, Moved, transition
from alerts.sla.clocks import STAGE_OF
from alerts.sla.escalation.notify import Notice, prepare, send

ACTION = "escalate"


@dataclass(frozen=True)
class Escalated:
    alert_id: int
    from_tier: str
    to_tier: str
    version: int
    event_id: int
    notice: Notice


def refusal(role: str, state: str, tier: str, note: str | None) -> str | None:
    """Why this person may not escalate this case now, or None when they may: the move
    table's answer and its guards, asked without the database (the console's buttons)."""
    verdict = may(role, ACTION, state)
    if not verdict:
        return verdict.reason
    return guard_refusal(verdict.move, "-", note, CaseFacts(state, 0, None, False, tier))


def may_escalate(role: str, state: str, tier: str) -> bool:
    """Whether to offer the move at all (the reason is asked for when it is made)."""
    return refusal(role, state, tier, "-") is None


def escalate_and_tell(conn: Connection, producer, topic: str, alert_id: int, actor: str,
                      role: str, expected_version: int, note: str | None,
                      details: dict | None = None) -> tuple[Escalated, bool]:
    """Escalate, then tell the new tier; `producer` None (or a broker that did not take the
    message) leaves it unsent: the new tier sees the case on its desk, and a re-dispatch is
    sent later by `publish_pending`. The second value says whether it went out."""
    done = escalate(conn, alert_id, actor, role, expected_version, note, details=details)
    return done, producer is not None and notify(conn, producer, topic, done)


def escalate(conn: Connection, alert_id: int, actor: str, role: str, expected_version: int,
             note: str | None, at: datetime | None = None,
             details: dict | None = None, also=None) -> Escalated:
    """Raise the case one tier in one transaction; Refused / Conflict / CaseNotFound if not.
    The notice is written but not sent: call `notify` after this returns. `also(cur)` writes
    what else must commit with the escalation (a missed report-in's mark)."""
    at = at or datetime.now(UTC)
    notices: list[Notice] = []

    def tell(cur, moved: Moved) -> dict:
        notice = prepare(cur, alert_id, moved.from_tier, STAGE_OF.get(moved.from_state),
                         actor, at)
        notices.append(notice)
        if also is not None:
            also(cur)
        return {"from_tier": moved.from_tier, "to_tier": moved.to_tier,
                "notified": notice.details()}

    moved = transition(conn, alert_id, ACTION, actor, role, expected_version,
                       note.strip() if note else note,
                       {"by": "hand", "role": role, "at": at.isoformat(), **(details or {})},
                       effects=tell)
    return Escalated(alert_id, moved.from_tier, moved.to_tier, moved.version,
                     moved.event_id, notices[0])


def notify(conn: Connection, producer, topic: str, done: Escalated) -> bool:
    """Tell the new tier, after the commit; False (logged) when the broker did not take it.
    A re-dispatch left unsent is retried by `publish_pending` like any dispatch."""
    return send(conn, producer, topic, done.notice)
