"""`dispatch`: choose the unit or the worker, make the 派遣 move, record it, then tell them.

A case whose place and category the responsibility list (alerts/units) names a unit for
goes to that unit, or to the unit the desk names; any other case goes to the on-duty worker
the roster rules choose.

The assignment, the dispatch row and the case-flow move are one transaction: the move goes
through `alerts.cases.moves.transition`, so the role table, the optimistic version and the audit
event are exactly those of every other move. Only after the commit is the message put on
the dispatch topic (and, if configured, posted to the webhook).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from alerts.cases.assignment import DispatchRow, record_dispatch
from alerts.cases.errors import Conflict, Refused
from alerts.cases.flow import may
from alerts.cases.moves import Connection, transition
from alerts.dispatch.chooser import Choice, choose
from alerts.dispatch.message import build_message, build_unit_message, encode
from alerts.dispatch.pools import CaseToDispatch, pools, read_case
from alerts.dispatch.publish import publish
from alerts.dispatch.unit_choice import UnitChoice, choose_unit
from alerts.dispatch.webhook import Outcome, Webhook, send_webhook


@dataclass(frozen=True)
class Dispatched:
    alert_id: int
    delivery_id: str
    worker_id: str | None
    tier: str
    version: int
    event_id: int
    published: bool
    webhook: Outcome | None = None
    unit_code: str | None = None  # set when the case went to a unit (worker_id is None)


def dispatch(conn: Connection, producer, alert_id: int, actor: str, role: str,
             expected_version: int, *, topic: str, note: str | None = None,
             at: datetime | None = None, webhook: Webhook | None = None,
             unit: str | None = None) -> Dispatched:
    """Dispatch the case to the right unit or worker; Refused / Conflict / NobodyToDispatch /
    UnknownUnit if not.

    `topic` is `settings.topic("dispatch")`; `at` (default now) decides who is on duty;
    `unit` is the unit the desk names (otherwise the responsibility list decides). With
    `producer` None the message waits in its row for `publish_pending` (a seed, a script).
    """
    at = at or datetime.now(UTC)
    case, to_unit = _read(conn, alert_id, role, expected_version, unit)
    if to_unit is not None:
        return _to_unit(conn, producer, case, to_unit, actor, role, expected_version,
                        topic=topic, note=note, at=at, webhook=webhook)
    choice = _choose_worker(conn, case, at)
    delivery_id = str(uuid.uuid4())
    # transition() raises the version by exactly one, so the message can carry the new one.
    body = encode(build_message(delivery_id, case, choice, actor, at, expected_version + 1))
    moved = _commit(conn, case, choice, delivery_id, body, actor, role, expected_version,
                    note, at)
    worker_id = choice.worker.worker_id
    published = (producer is not None
                 and publish(conn, producer, topic, delivery_id, worker_id, body))
    outcome = send_webhook(conn, webhook, delivery_id) if webhook else None
    return Dispatched(alert_id, delivery_id, worker_id, choice.tier, moved.version,
                      moved.event_id, published, outcome)


def _read(conn: Connection, alert_id: int, role: str, expected_version: int,
          unit: str | None) -> tuple[CaseToDispatch, UnitChoice | None]:
    """The case, and the unit it goes to if any. Says no before looking for anyone."""
    with conn, conn.cursor() as cur:
        case = read_case(cur, alert_id)
        if case.version != expected_version:
            raise Conflict(alert_id, expected_version, case.state, case.version)
        verdict = may(role, "dispatch", case.state)
        if not verdict:
            raise Refused(alert_id, "dispatch", verdict.reason)
        return case, choose_unit(cur, case, unit)


def _to_unit(conn: Connection, producer, case: CaseToDispatch, unit: UnitChoice, actor: str,
             role: str, expected_version: int, *, topic: str, note: str | None,
             at: datetime, webhook: Webhook | None) -> Dispatched:
    """The 派遣 move to a unit: the unit holds the case, its staff see it in their tasks."""
    delivery_id = str(uuid.uuid4())
    body = encode(build_unit_message(
        delivery_id, case, {"code": unit.unit_code, "name": unit.name, "phone": unit.phone,
                            "tier": unit.tier}, actor, at, expected_version + 1))
    row = DispatchRow(delivery_id, case.alert_id, None, unit.tier, case.areas.get(unit.tier),
                      actor, at, body, unit_code=unit.unit_code)
    moved = transition(conn, case.alert_id, "dispatch", actor, role, expected_version, note,
                       details={"to": "unit", "unit_code": unit.unit_code, "by": unit.by,
                                "tier": unit.tier, "delivery_id": delivery_id},
                       effects=lambda cur, _moved: record_dispatch(cur, row), tier=unit.tier)
    published = (producer is not None
                 and publish(conn, producer, topic, delivery_id, unit.unit_code, body))
    outcome = send_webhook(conn, webhook, delivery_id) if webhook else None
    return Dispatched(case.alert_id, delivery_id, None, unit.tier, moved.version,
                      moved.event_id, published, outcome, unit_code=unit.unit_code)


def _choose_worker(conn: Connection, case: CaseToDispatch, at: datetime) -> Choice:
    """The on-duty worker by the roster rules; transition() checks the case again under
    the lock, so a move made meanwhile still loses cleanly."""
    with conn, conn.cursor() as cur:
        return choose(case.alert_id, pools(cur, case), at, case.point)


def _commit(conn: Connection, case: CaseToDispatch, choice: Choice, delivery_id: str,
            body: bytes, actor: str, role: str, expected_version: int, note: str | None,
            at: datetime):
    """The 派遣 move, with the assignment and the dispatch row as its effects: all three
    commit together or not at all."""
    worker = choice.worker
    row = DispatchRow(delivery_id, case.alert_id, worker.worker_id, choice.tier,
                      choice.area_code, actor, at, body)
    return transition(conn, case.alert_id, "dispatch", actor, role, expected_version, note,
                      details={"worker_id": worker.worker_id, "tier": choice.tier,
                               "area_code": choice.area_code, "delivery_id": delivery_id,
                               "passed_over": list(choice.passed_over)},
                      effects=lambda cur, _moved: record_dispatch(cur, row),
                      tier=choice.tier)
