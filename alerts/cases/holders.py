"""Who holds a case and may work it: a grid worker, or a unit and the units a whistle called.

A case dispatched to a department or unit (issue #16) is held by the unit
(`alerts.unit_code`), not by a person: any of its staff (users of role `unit`) may accept,
handle or return it. A whistle (吹哨) also calls co-units, each of which reports in (报到)
and writes its part (`case_units`); only the lead unit holds and handles the case. These
checks need the database, so they run inside the move's transaction (moves.transition_in),
and the rows a unit's report-in and part change are written there too.
"""

from __future__ import annotations

from alerts.cases.flow import Move

# Moves a unit makes as the case's holder; report_in and contribute are for called units.
HOLDER_MOVES = frozenset({"accept", "return", "handle", "ask_extension", "resume",
                          "ask_park"})
CALLED_MOVES = frozenset({"report_in", "contribute"})

CALLED = "SELECT part, reported_at FROM case_units WHERE alert_id = %s AND unit_code = %s"
REPORTED = """
UPDATE case_units SET reported_at = now(), reported_by = %s
WHERE alert_id = %s AND unit_code = %s AND reported_at IS NULL
"""
# Writing a part counts as reporting in: the unit is evidently there.
WROTE = """
UPDATE case_units SET written_at = now(), reported_at = coalesce(reported_at, now()),
    reported_by = coalesce(reported_by, %s)
WHERE alert_id = %s AND unit_code = %s
"""


def unit_refusal(cur, move: Move, role: str, unit: str | None, alert_id: int,
                 holder: str | None) -> str | None:
    """Why a unit's staff member may not make this move on this case, or None."""
    if role != "unit":
        return None
    if not unit:
        return "this account belongs to no unit; an admin must set its unit"
    if move.action in CALLED_MOVES:
        cur.execute(CALLED, (alert_id, unit))
        row = cur.fetchone()
        if row is None:
            return f"unit {unit} was not called to this case"
        if move.action == "report_in" and row[1] is not None:
            return f"unit {unit} already reported in at {row[1]:%Y-%m-%d %H:%M}"
        return None
    if move.action in HOLDER_MOVES and holder != unit:
        return (f"the case is held by unit {holder}, not by {unit}" if holder
                else "the case is not held by a unit")
    return None


def record_unit_part(cur, action: str, alert_id: int, unit: str | None, actor: str) -> None:
    """The called unit's row after its report-in or its written part."""
    if action == "report_in":
        cur.execute(REPORTED, (actor, alert_id, unit))
    elif action == "contribute":
        cur.execute(WROTE, (actor, alert_id, unit))
