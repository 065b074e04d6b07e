"""`record_dispatch`: who holds a case now, and the dispatch row the message is sent from.

It runs as the effects of a move (派遣 by a desk or the engine, an escalation that
re-dispatches to the new tier), so the assignee, the row and the move commit together.
The message goes out after the commit (`alerts/dispatch/publish.py`); a row left unsent is
sent by `publish_pending`, which the SLA ticker runs every pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# A case is held by a worker or by a unit (issue #16), never both.
ASSIGN = "UPDATE alerts SET assignee_worker_id = %s, unit_code = %s WHERE id = %s"

INSERT_DISPATCH = """
INSERT INTO dispatches (delivery_id, alert_id, worker_id, unit_code, tier, area_code, actor,
    at, body)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


@dataclass(frozen=True)
class DispatchRow:
    delivery_id: str
    alert_id: int
    worker_id: str | None
    tier: str
    area_code: str | None
    actor: str
    at: datetime
    body: bytes
    unit_code: str | None = None  # a dispatch to a unit names no worker


def record_dispatch(cur, row: DispatchRow) -> None:
    """Make the worker (or the unit) the case's holder and keep the message to send."""
    cur.execute(ASSIGN, (row.worker_id, row.unit_code, row.alert_id))
    cur.execute(INSERT_DISPATCH, (row.delivery_id, row.alert_id, row.worker_id, row.unit_code,
                                  row.tier, row.area_code, row.actor, row.at,
                                  row.body.decode("utf-8")))


def record_call(cur, row: DispatchRow) -> None:
    """Keep the message to a unit a whistle called without making it the holder (a co-unit)."""
    cur.execute(INSERT_DISPATCH, (row.delivery_id, row.alert_id, row.worker_id, row.unit_code,
                                  row.tier, row.area_code, row.actor, row.at,
                                  row.body.decode("utf-8")))
