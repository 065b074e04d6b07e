"""The triage console's pure pieces: which moves show for a role and state, what a refusal
or conflict says, how a case becomes a grid row, and that every word is in both catalogues."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alerts.api.dispatching import BrokerUnavailable
from alerts.cases.errors import CaseNotFound, Conflict, Refused
from alerts.cases.states import STATES
from alerts.dispatch.errors import NobodyToDispatch
from alerts.sla.escalation.manual import refusal
from dashboard.i18n import catalogue, translate
from dashboard.triage.detail import by_distance
from dashboard.triage.moves import (
    CONSOLE_MOVES,
    MoveRequest,
    Outcome,
    check_request,
    explain,
    message,
    offered,
)
from dashboard.triage.queue import OPEN_STATES, columns, grid_text, queue_filter, row
from screens.triage.readings import watched_device, window
from screens.triage.surroundings import box_around

T0 = datetime(2026, 11, 25, 6, 5, tzinfo=UTC)  # 14:05 in Shanghai


@pytest.mark.parametrize(("role", "state", "tier", "expected"), [
    ("manager", "new", "grid", ["confirm", "reject", "escalate"]),
    ("operator", "new", "grid", ["confirm", "reject"]),
    ("manager", "confirmed", "grid", ["dispatch", "escalate"]),
    ("manager", "returned", "grid", ["dispatch", "escalate"]),
    ("manager", "handled", "grid", ["verify", "reopen", "escalate"]),
    ("manager", "in_progress", "grid", ["escalate", "extend"]),
    ("manager", "extended", "street", ["escalate", "resume"]),
    ("manager", "parked", "grid", ["escalate", "unpark"]),
    ("operator", "dispatched", "grid", ["ask_park"]),
    ("leader", "in_progress", "grid", ["escalate", "extend", "park"]),
    ("manager", "closed", "grid", []),
    ("manager", "rejected", "grid", []),
    ("manager", "new", "city", ["confirm", "reject"]),  # nobody above the city
    # Workers never open the console (dashboard/access.py); the table alone would offer
    # these, and not `accept`, which is no console move.
    ("worker", "dispatched", "grid", ["ask_park", "return"]),
    ("admin", "new", "grid", []),
])
def test_the_moves_offered_follow_the_case_flow_table(role, state, tier, expected) -> None:
    assert offered(role, state, tier) == expected


def test_every_console_move_has_words_in_both_languages() -> None:
    for action in CONSOLE_MOVES:
        for lang in ("zh-CN", "en"):
            assert f"triage.move.{action}" in catalogue(lang), (lang, action)


def test_state_words_in_chinese_are_the_case_flow_names() -> None:
    for state, name in STATES.items():
        assert translate("zh-CN", f"triage.state.{state}") == name
        assert f"triage.state.{state}" in catalogue("en")


def test_both_catalogues_hold_the_same_triage_keys() -> None:
    zh = {k for k in catalogue("zh-CN") if k.startswith("triage.")}
    en = {k for k in catalogue("en") if k.startswith("triage.")}
    assert zh == en


def test_a_conflict_says_someone_else_moved_it_and_asks_for_a_refresh() -> None:
    outcome = explain(Conflict(7, 2, "confirmed", 3), "confirm")
    assert outcome == Outcome(False, "triage.msg.conflict", refresh=True)
    assert message("zh-CN", outcome) == "案件已被他人更新，已刷新"


def test_a_refusal_shows_its_reason() -> None:
    outcome = explain(Refused(7, "verify", "wang handled this case"), "verify")
    assert not outcome.refresh
    assert message("zh-CN", outcome) == "操作被拒绝：wang handled this case"


def test_nobody_to_dispatch_lists_what_each_tier_had() -> None:
    outcome = explain(NobodyToDispatch(7, ["grid 1: no active workers", "community 2: none"]),
                      "dispatch")
    assert message("en", outcome) == ("Nobody to dispatch to: grid 1: no active workers；"
                                      "community 2: none")


def test_not_found_and_broker_trouble_have_their_own_words() -> None:
    assert explain(CaseNotFound(7), "confirm").key == "triage.msg.not_found"
    assert explain(BrokerUnavailable("down"), "dispatch").key == "triage.msg.broker"
    with pytest.raises(ZeroDivisionError):
        explain(ZeroDivisionError(), "confirm")  # a bug is never dressed up as a refusal


def test_a_done_move_names_the_move_and_the_states_in_words() -> None:
    done = Outcome(True, "triage.msg.moved", {"action": "confirm", "from_state": "new",
                                              "to_state": "confirmed"})
    assert message("zh-CN", done) == "立案完成：受理 → 立案"
    assert message("en", done) == "Confirm done: New → Confirmed"


def test_escalation_message_names_the_tiers() -> None:
    done = Outcome(True, "triage.msg.escalated", {"from_tier": "grid", "to_tier": "community"})
    assert message("zh-CN", done) == "已由网格升级至社区，已通知"


@pytest.mark.parametrize(("action", "note", "key"), [
    ("reject", "", "triage.msg.note_needed"),
    ("reject", "   ", "triage.msg.note_needed"),
    ("escalate", None, "triage.msg.note_needed"),
    ("delete", "x", "triage.msg.unknown_move"),
    ("accept", None, "triage.msg.unknown_move"),  # a worker's move, not the console's
])
def test_the_console_asks_for_a_note_before_asking_alerts(action, note, key) -> None:
    assert check_request(MoveRequest(1, action, 1, note)).key == key


def test_a_move_with_its_note_passes_the_console_checks() -> None:
    assert check_request(MoveRequest(1, "reject", 1, "重复上报")) is None
    assert check_request(MoveRequest(1, "confirm", 1, None)) is None


def test_manual_escalation_rules() -> None:
    assert refusal("manager", "new", "grid", "积水严重") is None
    assert "needs a reason" in refusal("manager", "new", "grid", " ")
    assert "nobody is higher" in refusal("leader", "new", "city", "x")
    assert "may not" in refusal("operator", "new", "grid", "x")
    assert "only an open case" in refusal("manager", "closed", "grid", "x")


CASE = {"id": 42, "title": "井盖破损: 12345热线 H1", "state": "new", "severity": "critical",
        "category": "井盖破损", "tier": "grid", "opened_at": T0, "due_at": None,
        "overdue": True, "assignee_worker_id": None, "version": 3,
        "street_code": "310101002", "district_code": "310101", "grid_code": None}


def test_a_case_becomes_a_grid_row_with_words_and_codes() -> None:
    names = {"310101002": ("南京东路街道", "Nanjing East Road")}
    shaped = row(CASE, "zh-CN", names)
    assert shaped["state_label"] == "受理" and shaped["state"] == "new"
    assert shaped["severity_label"] == "紧急" and shaped["severity"] == "critical"
    assert shaped["area"] == "南京东路街道"
    assert shaped["tier_label"] == "网格"
    assert shaped["opened"] == "11-25 14:05"  # the city's clock, not UTC
    assert shaped["due"] == "" and shaped["overdue"] is True
    assert row(CASE, "en", names)["area"] == "Nanjing East Road"


def test_a_case_without_a_place_says_so() -> None:
    unplaced = dict(CASE, street_code=None, district_code=None)
    assert row(unplaced, "zh-CN", {})["area"] == "未定位"


def test_every_column_has_a_header_in_the_language() -> None:
    assert [c["headerName"] for c in columns("zh-CN")][:4] == ["编号", "等级", "案件", "状态"]
    assert all(not h.startswith("triage.") for h in grid_text("en").values())


def test_the_filter_bar_drops_values_it_does_not_know() -> None:
    wanted = queue_filter(["new", "bogus", "closed"], "huge", "", None, ["overdue"])
    assert wanted.states == ("new", "closed")
    assert wanted.severity is None and wanted.category is None and wanted.overdue is True
    assert queue_filter(None, None, None, None, []).states == ()
    assert "closed" not in OPEN_STATES and "new" in OPEN_STATES


def test_the_watched_device_comes_from_labels_then_rule_sources() -> None:
    assert watched_device({"device": "wl-1"}, []) == "wl-1"
    rule = {"source_kind": "rule", "details": {"device": "mh-2"}}
    assert watched_device({}, [{"source_kind": "incident", "details": {}}, rule]) == "mh-2"
    assert watched_device(None, []) is None


def test_the_readings_window_ends_at_close_and_is_bounded() -> None:
    start, end = window(T0, None, T0.replace(hour=10))
    assert end == T0.replace(hour=10) and (T0 - start).total_seconds() == 12 * 3600
    start, end = window(T0.replace(day=1), None, T0)
    assert (end - start).days == 2


def test_nearest_devices_come_first() -> None:
    case = {"lon": 121.48, "lat": 31.23}
    devices = [{"device_id": "far", "lon": 121.50, "lat": 31.23},
               {"device_id": "near", "lon": 121.481, "lat": 31.23}]
    assert by_distance(case, devices) == ["near", "far"]
    assert by_distance({"lon": None, "lat": None}, devices) == []


def test_the_map_box_is_wider_in_degrees_of_longitude() -> None:
    box = box_around(121.48, 31.23, 1000)
    assert box.lon1 - box.lon0 > box.lat1 - box.lat0
