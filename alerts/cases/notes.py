"""A progress note on a case (进展备注): written to the case's audit trail, nothing else.

A note is not a move of the case flow: the state and the version stay as they are, so a
worker writing from the street never conflicts with the desk moving the case. Only
someone who may see the case may note it; the caller checks that with its scope first.
"""

from __future__ import annotations

from alerts.cases.moves import Connection, read_facts, record_event

NOTE_ACTION = "note"
LONGEST_NOTE = 2000


def add_note(conn: Connection, alert_id: int, actor: str, note: str,
             details: dict | None = None) -> int:
    """Append the note as an `alert_events` row (action 'note') in its own transaction;
    returns the event id. Raises CaseNotFound, or ValueError for an empty note."""
    text = (note or "").strip()
    if not text:
        raise ValueError("a note needs some text")
    with conn, conn.cursor() as cur:
        case = read_facts(cur, alert_id)
        return record_event(cur, alert_id, actor, NOTE_ACTION, case.state, None,
                            text[:LONGEST_NOTE], details)
