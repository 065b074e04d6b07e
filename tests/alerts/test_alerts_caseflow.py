"""The role × transition table answers and explains, without a database."""

from __future__ import annotations

from alerts.cases.flow import MOVES, ROLES, may
from alerts.cases.states import FINISHED, STATES


def test_every_move_leads_to_a_known_state_from_known_states() -> None:
    for move in MOVES.values():
        assert move.sources <= set(STATES), move.action
        assert move.target is None or move.target in STATES, move.action
        assert move.roles <= set(ROLES), move.action


def test_every_open_state_has_a_way_forward_and_finished_ones_have_none() -> None:
    for state in STATES:
        # The caller's 不满意 (review, made only by a rating) is the one way back from a
        # finished case; it is not a way forward of the flow.
        leaving = [m for m in MOVES.values() if state in m.sources and m.target != state
                   and m.action != "review"]
        assert bool(leaving) == (state not in FINISHED), state


def test_refusals_say_why() -> None:
    assert may("operator", "confirm", "new")
    wrong_state = may("operator", "verify", "in_progress")
    assert not wrong_state and "handled (处置完毕)" in wrong_state.reason
    assert "in_progress (处置)" in wrong_state.reason
    wrong_role = may("worker", "extend", "in_progress")
    assert not wrong_role and "leader or manager" in wrong_role.reason
    assert "unknown action" in may("operator", "teleport", "new").reason
    assert "unknown role" in may("mayor", "confirm", "new").reason


def test_admins_run_the_system_not_the_cases() -> None:
    assert not any(may("admin", action, state) for action in MOVES for state in STATES)
