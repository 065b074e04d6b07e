"""Writes on a case that are not moves: the version stays, so nobody's pending move is
disturbed, and the timeline records them where a person should see them.

The engine counts a repeat, records which rule opened a case, and merges a report into an
open case; the SLA ticker keeps a case's due time and markers. Like the moves in
`alerts/cases/moves.py` they are the cases module's writes: nothing else writes `alerts`.
"""

from __future__ import annotations

from typing import Any

from psycopg2.extras import Json

REPEAT = """
UPDATE alerts SET repeat_count = repeat_count + 1,
    last_seen_at = greatest(last_seen_at, to_timestamp(%s))
WHERE id = %s
"""
SET_RULE = """
UPDATE alerts SET rule_id = %s, last_seen_at = to_timestamp(%s), inhibits = %s WHERE id = %s
"""
# A person reported it, so a person verifies it: the sensor clearing no longer resolves it.
MERGED = """
UPDATE alerts SET last_seen_at = greatest(last_seen_at, to_timestamp(%s)),
    auto_resolve = auto_resolve AND %s
WHERE id = %s
"""
# Bookkeeping only: the version stays, so an operator's pending move is not disturbed.
WRITE_MARKERS = """
UPDATE alerts SET due_at = %(due_at)s, sla_level = %(level)s, sla_stage = %(stage)s,
    sla_stage_started_at = %(stage_started_at)s, sla_warned_at = %(warned_at)s,
    sla_escalated_elapsed = %(escalated_elapsed)s
WHERE id = %(id)s AND version = %(version)s
"""


def count_repeat(cur, alert_id: int, at: float) -> None:
    """The open case's source came again: one more repeat, seen at `at` (epoch seconds)."""
    cur.execute(REPEAT, (at, alert_id))


def set_rule(cur, alert_id: int, rule_id: str | None, at: float,
             inhibits: list[dict[str, Any]] | None) -> None:
    """The rule that opened the case and the fires its open case mutes (None: a report)."""
    cur.execute(SET_RULE, (rule_id, at, None if inhibits is None else Json(inhibits),
                           alert_id))


def note_merged(cur, alert_id: int, at: float, by_person: bool) -> None:
    """A report merged into the case; one a person made stops it resolving by itself."""
    cur.execute(MERGED, (at, not by_person, alert_id))


def write_sla_markers(cur, alert_id: int, version: int, markers: dict[str, Any]) -> None:
    """Due time and SLA markers, only on the version the ticker read under its lock."""
    cur.execute(WRITE_MARKERS, {**markers, "id": alert_id, "version": version})
