"""`record_dispatch`: who holds a case now, and the dispatch row the message is sent from.

It runs as the effects of a move (派遣 by a desk or the engine, an escalation that
re-dispatches to the new tier), so the assignee, the row and the move commit together.
The message goes out after the commit (`alerts/dispatch/publish.py`); a row left unsent is
sent by `publish_pending`, which the SLA ticker runs every pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ASSIGN = "UPDATE alerts SET assignee_worker_id = %s WHERE id = %s"

INSERT_DISPATCH = """
INSERT INTO dispatches (delivery_id, alert_id, worker_id, tier, area_code, actor, at, body)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
"""


@dataclass(frozen=True)
class DispatchRow:
    delivery_id: str
    alert_id: int
    worker_id: str
    tier: str
    area_code: str | None
    actor: str
    at: datetime
    body: bytes


def record_dispatch(cur, row: DispatchRow) -> None:
    """Make the worker the case's assignee and keep the message to send."""
    cur.execute(ASSIGN, (row.worker_id, row.alert_id))
    cur.execute(INSERT_DISPATCH, (row.delivery_id, row.alert_id, row.worker_id, row.tier,
                                  row.area_code, row.actor, row.at,
                                  row.body.decode("utf-8")))
