"""Report-ins missed (报到超时): each escalates the case one tier, like any late SLA stage.

The SLA ticker runs `escalate_missed` every pass. A unit's row is marked missed in the
same transaction as the escalation, so a missed report-in escalates once, whichever
ticker process finds it; at the city tier (nobody higher) it is marked and noted only.
"""

from __future__ import annotations

import logging
from datetime import datetime

from alerts.cases.errors import Conflict, Refused
from alerts.cases.states import FINISHED
from alerts.sla.escalation.manual import escalate, notify

log = logging.getLogger("cityops.alerts.report_ins")

MISSED = """
SELECT c.alert_id, c.unit_code, a.version, c.report_by FROM case_units c
JOIN alerts a ON a.id = c.alert_id
WHERE c.reported_at IS NULL AND c.missed_at IS NULL AND c.report_by < %s
  AND a.state <> ALL(%s)
ORDER BY c.report_by LIMIT %s
"""
MARK = ("UPDATE case_units SET missed_at = %s WHERE alert_id = %s AND unit_code = %s "
        "AND missed_at IS NULL AND reported_at IS NULL")


def escalate_missed(conn, producer, topic: str, now: datetime, limit: int = 200) -> int:
    """Escalate every case with a report-in overdue at `now`; how many were escalated."""
    with conn, conn.cursor() as cur:
        cur.execute(MISSED, (now, list(FINISHED), limit))
        late = cur.fetchall()
    escalated = 0
    for alert_id, unit, version, report_by in late:
        escalated += _one(conn, producer, topic, alert_id, unit, version, report_by, now)
    return escalated


def _one(conn, producer, topic: str, alert_id: int, unit: str, version: int,
         report_by: datetime, now: datetime) -> int:
    note = f"单位 {unit} 未按时报到 (report-in due {report_by.isoformat()})"
    try:
        done = escalate(conn, alert_id, "system", "system", version, note, at=now,
                        details={"missed_report_in": unit, "by": "report_in"},
                        also=lambda cur: cur.execute(MARK, (now, alert_id, unit)))
    except Conflict:
        return 0  # the case moved meanwhile; the next pass reads it again
    except Refused as refused:
        with conn, conn.cursor() as cur:
            cur.execute(MARK, (now, alert_id, unit))
        log.info("missed report-in not escalated", extra={"alert_id": alert_id,
                                                          "unit": unit, "why": refused.reason})
        return 0
    if producer is not None:
        notify(conn, producer, topic, done)
    return 1
