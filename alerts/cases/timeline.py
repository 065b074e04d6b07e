"""A case's timeline as stored in alert_events, for the SLA clock and for people."""

from __future__ import annotations

from alerts.cases.moves import Connection
from alerts.sla.clocks import Entry

STATE_ENTRIES = """
SELECT at, to_state FROM alert_events
WHERE alert_id = %s AND to_state IS NOT NULL
ORDER BY at, id
"""


def state_history(conn: Connection, alert_id: int) -> list[Entry]:
    """Each state the case entered and when, oldest first."""
    with conn.cursor() as cur:
        cur.execute(STATE_ENTRIES, (alert_id,))
        return [Entry(at, state) for at, state in cur.fetchall()]
