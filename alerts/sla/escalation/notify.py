"""Who hears about an escalation, decided and written inside the ticker's transaction.

A case in someone's hands (dispatched, in progress) is re-dispatched to the on-duty worker
of the new tier's pool (the chooser's rule: fewest open tasks, then nearest), through a
`dispatches` row and the ordinary dispatch message, so worker apps, `publish_pending` and
the webhook need nothing new. Otherwise, or when nobody of that tier is on duty, the tier's
responsible unit gets an escalation notice. Either way the message is sent after the commit.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from kafka.errors import KafkaError

from alerts.cases.assignment import DispatchRow, record_dispatch
from alerts.dispatch.chooser import Choice, choose
from alerts.dispatch.errors import NobodyToDispatch
from alerts.dispatch.message import build_message, encode
from alerts.dispatch.pools import CaseToDispatch, pools, read_case
from alerts.dispatch.publish import SEND_TIMEOUT_S, publish
from alerts.sla.escalation.notice import build_notice, notice_key

log = logging.getLogger("cityops.alerts.escalation")

IN_HANDS: frozenset[str] = frozenset({"dispatched", "in_progress"})

UNIT_OF_AREA = "SELECT unit_code FROM unit_areas WHERE area_code = %s"


@dataclass(frozen=True)
class Notice:
    by: str  # "dispatch": a worker of the new tier; "tier": the tier's responsible unit
    key: str  # the message key: the worker id or the unit code
    delivery_id: str
    body: bytes

    def details(self) -> dict[str, str]:
        return {"by": self.by, "key": self.key, "delivery_id": self.delivery_id}


def prepare(cur, alert_id: int, from_tier: str, stage: str, actor: str,
            at: datetime) -> Notice:
    """Write whatever the notice needs (assignee, dispatch row) and return it, unsent."""
    case = read_case(cur, alert_id)  # already at the new tier and version
    # A unit's case stays with the unit: the tier above is told, it does not take it over.
    in_hands = case.state in IN_HANDS and case.unit_code is None
    choice = _worker_at_tier(cur, case, at) if in_hands else None
    if choice is not None:
        return _redispatch(cur, case, choice, actor, at)
    return _tier_notice(cur, case, from_tier, stage, at)


def _worker_at_tier(cur, case: CaseToDispatch, at: datetime) -> Choice | None:
    # Only the new tier's own pool: an escalation goes up exactly one tier.
    pool = next(pools(cur, case))
    try:
        return choose(case.alert_id, [pool], at, case.point)
    except NobodyToDispatch:
        return None


def _redispatch(cur, case: CaseToDispatch, choice: Choice, actor: str,
                at: datetime) -> Notice:
    delivery_id = str(uuid.uuid4())
    worker_id = choice.worker.worker_id
    body = encode(build_message(delivery_id, case, choice, actor, at, case.version))
    record_dispatch(cur, DispatchRow(delivery_id, case.alert_id, worker_id, choice.tier,
                                     choice.area_code, actor, at, body))
    return Notice("dispatch", worker_id, delivery_id, body)


def _tier_notice(cur, case: CaseToDispatch, from_tier: str, stage: str,
                 at: datetime) -> Notice:
    area = case.areas.get(case.tier)
    unit = None
    if area is not None:
        cur.execute(UNIT_OF_AREA, (area,))
        row = cur.fetchone()
        unit = row[0] if row else None
    delivery_id = str(uuid.uuid4())
    body = encode(build_notice(delivery_id, case, from_tier, stage, unit, at))
    return Notice("tier", notice_key(case.tier, area, unit), delivery_id, body)


def send(conn, producer, topic: str, notice: Notice) -> bool:
    """Put the committed notice on the topic; False (logged) if the broker did not take it."""
    if notice.by == "dispatch":
        return publish(conn, producer, topic, notice.delivery_id, notice.key, notice.body)
    try:
        producer.send(topic, key=notice.key.encode("utf-8"), value=notice.body).get(
            timeout=SEND_TIMEOUT_S)
    except KafkaError as exc:
        # The escalate event holds the delivery id; the unit's desk sees the case either way.
        log.warning("escalation notice not published",
                    extra={"delivery_id": notice.delivery_id, "error": str(exc)})
        return False
    return True
