"""Opening a case and moving it through the case flow, against the database: the one door.

Every change of a case's state, tier, version or handler is a move of `flow.MOVES`
made here, with its event on the timeline; escalation, the rating's review and
auto-resolve included. Writes that ride along with a move (the assignee and dispatch row,
an escalation notice) run as the move's `effects`, inside its transaction. Bookkeeping
that changes no version (repeats, merges, SLA markers) is in `alerts/cases/bookkeeping.py`.
A test (tests/unit/test_layers.py) keeps every other module from writing `alerts`.

Each call is one transaction on the given connection: it commits when the move is made and
rolls back when it is refused or conflicts, so a refusal never leaves a trace. Versions are
optimistic: a move names the version the caller saw and loses cleanly if it is stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import psycopg2.extensions
from psycopg2.extras import Json

from alerts.cases.errors import CaseNotFound, Conflict, Refused
from alerts.cases.flow import may
from alerts.cases.guards import CaseFacts, refusal
from alerts.cases.holders import record_unit_part, unit_refusal
from alerts.cases.states import FINISHED
from alerts.cases.tiers import next_tier

Connection = psycopg2.extensions.connection


@dataclass(frozen=True)
class NewCase:
    fingerprint: str
    kind: str
    title: str
    category: str | None = None
    severity: str = "minor"
    description: str | None = None
    lon: float | None = None
    lat: float | None = None
    grid_code: str | None = None
    community_code: str | None = None
    street_code: str | None = None
    district_code: str | None = None
    tier: str = "grid"
    auto_resolve: bool = False
    labels: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Moved:
    alert_id: int
    action: str
    from_state: str
    to_state: str
    version: int
    event_id: int
    from_tier: str | None = None
    to_tier: str | None = None


# Writes that ride along with a move, inside its transaction, after the case row changed
# and before its event: they return details for the event (or None).
Effects = Callable[[Any, Moved], dict[str, Any] | None]

INSERT_CASE = """
INSERT INTO alerts (fingerprint, kind, title, category, severity, description, lon, lat,
    grid_code, community_code, street_code, district_code, tier, auto_resolve, labels)
VALUES (%(fingerprint)s, %(kind)s, %(title)s, %(category)s, %(severity)s, %(description)s,
    %(lon)s, %(lat)s, %(grid_code)s, %(community_code)s, %(street_code)s, %(district_code)s,
    %(tier)s, %(auto_resolve)s, %(labels)s)
RETURNING id
"""

INSERT_EVENT = """
INSERT INTO alert_events (alert_id, actor, action, from_state, to_state, note, details)
VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id
"""

READ_CASE = ("SELECT state, version, handled_by, auto_resolve, tier, unit_code FROM alerts "
             "WHERE id = %s")

# closed_at marks the end of the flow; a reopened or reviewed case is open again.
UPDATE_CASE = """
UPDATE alerts SET state = %(to)s, version = version + 1, tier = %(tier)s,
    handled_by = CASE WHEN %(action)s = 'handle' THEN %(actor)s ELSE handled_by END,
    closed_at = CASE WHEN %(finished)s THEN now() ELSE NULL END
WHERE id = %(id)s AND version = %(version)s
RETURNING version
"""


def record_event(cur, alert_id: int, actor: str, action: str, from_state: str | None,
                 to_state: str | None, note: str | None, details: dict | None) -> int:
    cur.execute(INSERT_EVENT, (alert_id, actor, action, from_state, to_state, note,
                               Json(details or {})))
    return cur.fetchone()[0]


def open_case(conn: Connection, case: NewCase, actor: str, note: str | None = None) -> int:
    """Create a case in state new (受理) with its first event; returns its id."""
    with conn, conn.cursor() as cur:
        return open_case_in(cur, case, actor, note)


def open_case_in(cur, case: NewCase, actor: str, note: str | None = None) -> int:
    """open_case inside the caller's transaction (the alerts engine commits its state with it)."""
    values = asdict(case)
    values["labels"] = Json(values["labels"])
    cur.execute(INSERT_CASE, values)
    alert_id = cur.fetchone()[0]
    record_event(cur, alert_id, actor, "open", None, "new", note, None)
    return alert_id


def read_facts(cur, alert_id: int, *, lock: bool = False) -> CaseFacts:
    cur.execute(READ_CASE + (" FOR UPDATE" if lock else ""), (alert_id,))
    row = cur.fetchone()
    if row is None:
        raise CaseNotFound(alert_id)
    return CaseFacts(*row)


def transition(conn: Connection, alert_id: int, action: str, actor: str, role: str,
               expected_version: int, note: str | None = None,
               details: dict[str, Any] | None = None, *, effects: Effects | None = None,
               event_action: str | None = None, tier: str | None = None,
               unit: str | None = None) -> Moved:
    """Make one move of the case flow, or raise Refused / Conflict / CaseNotFound."""
    with conn, conn.cursor() as cur:
        return transition_in(cur, alert_id, action, actor, role, expected_version, note,
                             details, effects=effects, event_action=event_action, tier=tier,
                             unit=unit)


def transition_in(cur, alert_id: int, action: str, actor: str, role: str,
                  expected_version: int, note: str | None = None,
                  details: dict[str, Any] | None = None, *, effects: Effects | None = None,
                  event_action: str | None = None, tier: str | None = None,
                  unit: str | None = None) -> Moved:
    """transition inside the caller's transaction; Refused / Conflict leave it usable.

    `effects` writes what rides along with the move (see `Effects`); `event_action` names
    the event when something other than the move itself made it (a rating: `rate`);
    `tier` is the tier answering after a dispatch (the chosen worker's); `unit` is the
    unit a `unit` role acts for (the account's)."""
    case = read_facts(cur, alert_id)
    if case.version != expected_version:
        raise Conflict(alert_id, expected_version, case.state, case.version)
    verdict = may(role, action, case.state)
    if not verdict:
        raise Refused(alert_id, action, verdict.reason)
    why_not = (refusal(verdict.move, actor, note, case)
               or unit_refusal(cur, verdict.move, role, unit, alert_id, case.unit_code))
    if why_not:
        raise Refused(alert_id, action, why_not)
    move = verdict.move
    to_state = move.leads_to(case.state)
    to_tier = next_tier(case.tier) if move.raises_tier else (tier or case.tier)
    cur.execute(UPDATE_CASE, {"to": to_state, "action": action, "actor": actor,
                              "tier": to_tier, "finished": to_state in FINISHED,
                              "id": alert_id, "version": expected_version})
    row = cur.fetchone()
    if row is None:
        # Another transaction committed between our read and our update.
        now = read_facts(cur, alert_id)
        raise Conflict(alert_id, expected_version, now.state, now.version)
    moved = Moved(alert_id, action, case.state, to_state, row[0], 0, case.tier, to_tier)
    record_unit_part(cur, action, alert_id, unit, actor)
    more = effects(cur, moved) if effects is not None else None
    if unit:
        more = {"unit_code": unit, **(more or {})}
    event_id = record_event(cur, alert_id, actor, event_action or action, case.state,
                            to_state if move.records_state else None, note,
                            {**(details or {}), **(more or {})} or None)
    return replace(moved, event_id=event_id)
