"""What the alerts engine writes: cases for fire / clear signals, and its own state.

Every function works inside the caller's transaction (a cursor), so the engine commits
the cases of a batch, its evaluator snapshot and its stream offsets together.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from psycopg2.extras import Json

from alerts.cases import NewCase, open_alert_in, transition_in
from alerts.errors import CaseError
from alerts.evaluate import Signal

log = logging.getLogger("cityops.alerts")
ACTOR = "system"

OPEN_CASE = """
SELECT id, version FROM alerts
WHERE fingerprint = %s AND state NOT IN ('closed', 'rejected', 'resolved')
FOR UPDATE
"""
REPEAT = """
UPDATE alerts SET repeat_count = repeat_count + 1,
    last_seen_at = greatest(last_seen_at, to_timestamp(%s))
WHERE id = %s
"""
SET_RULE = "UPDATE alerts SET rule_id = %s, last_seen_at = to_timestamp(%s) WHERE id = %s"
SAVE_STATE = """
INSERT INTO alert_engine_state (consumer_group, state, offsets, saved_at)
VALUES (%s, %s, %s, now())
ON CONFLICT (consumer_group) DO UPDATE
SET state = EXCLUDED.state, offsets = EXCLUDED.offsets, saved_at = EXCLUDED.saved_at
"""
LOAD_STATE = "SELECT state, offsets FROM alert_engine_state WHERE consumer_group = %s"


def record_fire(cur, sig: Signal) -> str:
    """Open a case, or count a repeat on the fingerprint's open one: 'opened' / 'repeated'."""
    cur.execute(OPEN_CASE, (sig.fingerprint,))
    row = cur.fetchone()
    if row is not None:
        cur.execute(REPEAT, (sig.at, row[0]))
        return "repeated"
    alert_id = open_alert_in(cur, new_case(sig), ACTOR)
    cur.execute(SET_RULE, (sig.rule.id, sig.at, alert_id))
    return "opened"


def record_clear(cur, sig: Signal) -> str:
    """Auto-resolve the open case of the fingerprint: 'resolved', 'none' or 'kept'."""
    cur.execute(OPEN_CASE, (sig.fingerprint,))
    row = cur.fetchone()
    if row is None:
        return "none"
    try:
        transition_in(cur, row[0], "resolve", ACTOR, "system", row[1],
                      note=f"{sig.rule.name_zh}: 条件已恢复 (condition cleared)",
                      details={"rule": sig.rule.id, "at": sig.at})
    except CaseError as exc:
        # A handled case waits for a person to verify it; that is the flow, not a fault.
        log.info("case not auto-resolved", extra={"fingerprint": sig.fingerprint,
                                                  "reason": str(exc)})
        return "kept"
    return "resolved"


def new_case(sig: Signal) -> NewCase:
    rule = sig.rule
    where = sig.device_id or sig.fingerprint.split("|", 1)[1]
    kind = {"reading": "sensor", "incident": "incident"}.get(rule.watches, "composite")
    return NewCase(
        fingerprint=sig.fingerprint, kind=kind, title=f"{rule.name_zh}: {where}",
        category=sig.category, severity=rule.severity,
        description=f"{rule.name_en} ({rule.id}) at {where}", lon=sig.lon, lat=sig.lat,
        grid_code=sig.areas.grid_code, community_code=sig.areas.community_code,
        street_code=sig.areas.street_code, district_code=sig.areas.district_code,
        auto_resolve=rule.auto_resolve,
        labels={"rule": rule.id, "rule_kind": rule.kind, "name_en": rule.name_en,
                "device": sig.device_id, "detail": _plain(sig.detail)})


def _plain(detail: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(detail, default=str))


def save_state(cur, group: str, snapshot: dict, offsets: dict[str, int]) -> None:
    cur.execute(SAVE_STATE, (group, Json(snapshot), Json(offsets)))


def load_state(conn, group: str) -> tuple[dict, dict[str, int]] | None:
    with conn.cursor() as cur:
        cur.execute(LOAD_STATE, (group,))
        row = cur.fetchone()
    conn.rollback()
    return None if row is None else (row[0], row[1])
