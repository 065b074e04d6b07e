"""Every role × transition × state against the real database.

The expected table is written out here on its own, from the case flow of DESIGN.md and
issue 6, so a change to alerts/cases/flow.py that breaks the process fails this test.
"""

from __future__ import annotations

import uuid

import pytest

from alerts.cases.errors import Refused
from alerts.cases.flow import ROLES
from alerts.cases.moves import transition
from alerts.cases.states import STATES

DESK = {"operator", "manager"}
HANDS = {"worker", "unit"}
OPEN = set(STATES) - {"closed", "rejected", "resolved"}
WORK = {"dispatched", "in_progress", "returned"}
WORKED = {"dispatched", "in_progress", "extended"}
# Every case is placed as held by this unit, which a whistle also called (issue #16).
UNIT = "matrix-unit"

# action: (states it starts from, state it leads to or None to stay, roles)
EXPECTED: dict[str, tuple[set[str], str | None, set[str]]] = {
    "confirm": ({"new"}, "confirmed", DESK),
    "reject": ({"new"}, "rejected", DESK),
    "dispatch": ({"confirmed", "returned"}, "dispatched", DESK | {"system"}),
    "whistle": ({"confirmed", "returned"}, "dispatched", DESK),
    "accept": ({"dispatched"}, "in_progress", HANDS),
    "return": ({"dispatched", "in_progress"}, "returned", HANDS),
    "handle": ({"in_progress"}, "handled", HANDS),
    "report_in": (WORKED, None, {"unit"}),
    "contribute": (WORKED | {"handled"}, None, {"unit"}),
    "verify": ({"handled"}, "closed", DESK | {"worker"}),
    "reopen": ({"handled"}, "dispatched", DESK),
    "ask_extension": ({"in_progress"}, None, HANDS),
    "extend": ({"in_progress"}, "extended", {"manager", "leader"}),
    "resume": ({"extended"}, "in_progress", HANDS | {"manager", "system"}),
    "ask_park": (WORK, None, HANDS | {"operator"}),
    "park": (WORK, "parked", {"leader"}),
    "unpark": ({"parked"}, "dispatched", {"manager", "leader"}),
    "resolve": (OPEN - {"handled"}, "resolved", {"system"}),
}

PLACE = """
INSERT INTO alerts (fingerprint, kind, title, state, handled_by, auto_resolve, unit_code)
VALUES (%s, 'threshold', 'matrix case', %s, 'worker:handler', true, %s) RETURNING id
"""
CALL = """
INSERT INTO case_units (alert_id, unit_code, part, report_by)
VALUES (%s, %s, 'lead', now() + interval '1 hour')
"""
UNIT_ROW = ("INSERT INTO units (unit_code, name, tier) VALUES (%s, 'matrix unit', 'street') "
            "ON CONFLICT DO NOTHING")


def place(db, state: str) -> int:
    with db.cursor() as cur:
        cur.execute(UNIT_ROW, (UNIT,))
        cur.execute(PLACE, (uuid.uuid4().hex, state, UNIT))
        alert_id = cur.fetchone()[0]
        cur.execute(CALL, (alert_id, UNIT))
    db.commit()
    return alert_id


def row(db, alert_id: int) -> tuple:
    with db.cursor() as cur:
        cur.execute("SELECT state, version FROM alerts WHERE id = %s", (alert_id,))
        return cur.fetchone()


def events(db, alert_id: int) -> list[tuple]:
    with db.cursor() as cur:
        cur.execute("SELECT actor, action, from_state, to_state, note FROM alert_events "
                    "WHERE alert_id = %s", (alert_id,))
        return cur.fetchall()


def check_one(db, role: str, action: str, state: str) -> str | None:
    """Make the move; a description of what went wrong, or None."""
    sources, target, roles = EXPECTED[action]
    legal = state in sources and role in roles
    alert_id = place(db, state)
    try:
        moved = transition(db, alert_id, action, "person:tester", role, 1, note="a reason",
                           unit=UNIT if role == "unit" else None)
    except Refused as refused:
        if legal:
            return f"legal move refused: {refused}"
        if row(db, alert_id) != (state, 1) or events(db, alert_id):
            return "a refused move left a trace"
        return None
    if not legal:
        return f"illegal move made: {state} -> {moved.to_state}"
    to_state = target or state
    if row(db, alert_id) != (to_state, 2):
        return f"case is {row(db, alert_id)}, expected ({to_state}, 2)"
    recorded = None if action in ("report_in", "contribute") else to_state
    if events(db, alert_id) != [("person:tester", action, state, recorded, "a reason")]:
        return f"events: {events(db, alert_id)}"
    return None


@pytest.mark.integration
@pytest.mark.parametrize("role", ROLES)
def test_role_transition_state_matrix(db, role: str) -> None:
    failures = []
    for action in EXPECTED:
        for state in STATES:
            problem = check_one(db, role, action, state)
            if problem:
                failures.append(f"{role} {action} from {state}: {problem}")
    assert not failures, "\n".join(failures)


@pytest.mark.integration
@pytest.mark.parametrize("action", [a for a in EXPECTED if a in
                                    ("reject", "return", "reopen", "extend", "park",
                                     "ask_extension", "ask_park")])
def test_moves_that_need_a_reason_are_refused_without_one(db, action: str) -> None:
    sources, _, roles = EXPECTED[action]
    state, role = sorted(sources)[0], sorted(roles)[0]
    alert_id = place(db, state)
    for note in (None, "   "):
        with pytest.raises(Refused, match="needs a reason"):
            transition(db, alert_id, action, "person:tester", role, 1, note=note)
    assert row(db, alert_id) == (state, 1) and not events(db, alert_id)
