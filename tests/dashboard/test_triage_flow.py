"""The triage console's reads and moves against the real database of the seeded city: what a
district manager sees, that another district's case gives nothing, and that every move goes
through alerts/ with its audit row — or, refused, changes nothing."""

from __future__ import annotations

import json

import pytest

from alerts.api.dispatching import BrokerDispatcher
from dashboard.triage.detail import read_view
from dashboard.triage.moves import MoveRequest, make_move
from dashboard.triage.queue import OPEN_STATES, QueueFilter, read_queue
from identity.users import credentials
from identity.viewer import Viewer, scope_of

pytestmark = pytest.mark.integration

HUANGPU, JINGAN = "310101", "310106"


@pytest.fixture(scope="module")
def conn(dashboard_world):
    conn = dashboard_world.connect()
    yield conn
    conn.close()


def viewer_of(conn, username: str) -> Viewer:
    with conn.cursor() as cur:
        user = credentials(cur, username)[0]
        scope = scope_of(cur, user)
    conn.rollback()
    return Viewer(user, scope, "test")


def one(conn, sql: str, params: tuple = ()):
    with conn.cursor() as cur:
        cur.execute(sql, params)
        found = cur.fetchone()
    conn.rollback()
    return found


def a_case(conn, district: str, state: str) -> tuple[int, int]:
    """(id, version) of the newest case of a district in a state, not touched by a test."""
    found = one(conn, "SELECT id, version FROM alerts WHERE district_code = %s AND state = %s"
                      " ORDER BY id DESC LIMIT 1", (district, state))
    assert found, f"the seeded city has no {state} case in {district}"
    return found


def events_of(conn, case_id: int) -> int:
    return one(conn, "SELECT count(*) FROM alert_events WHERE alert_id = %s", (case_id,))[0]


def test_the_queue_holds_only_the_managers_district_newest_first(conn) -> None:
    manager = viewer_of(conn, "manager_hp")
    with conn.cursor() as cur:
        cases, total = read_queue(cur, manager.scope, QueueFilter())
    conn.rollback()
    expected = one(conn, "SELECT count(*) FROM alerts WHERE district_code = %s AND "
                         "state = ANY(%s)", (HUANGPU, list(OPEN_STATES)))[0]
    assert total == expected and len(cases) == min(expected, 500) and cases
    assert {c["district_code"] for c in cases} == {HUANGPU}
    opened = [c["opened_at"] for c in cases]
    assert opened == sorted(opened, reverse=True)


def test_queue_filters_narrow_within_the_scope(conn) -> None:
    manager = viewer_of(conn, "manager_hp")
    with conn.cursor() as cur:
        new_only, total = read_queue(cur, manager.scope, QueueFilter(states=("new",)))
        everything, all_total = read_queue(cur, manager.scope, QueueFilter(states=()))
    conn.rollback()
    assert {c["state"] for c in new_only} == {"new"}
    assert all_total > total
    assert any(c["state"] == "closed" for c in everything)


def test_another_districts_case_reads_as_nothing(conn) -> None:
    outside, _ = a_case(conn, JINGAN, "new")
    assert read_view(conn, viewer_of(conn, "manager_hp"), outside) is None
    assert read_view(conn, viewer_of(conn, "manager_ja"), outside) is not None


def test_the_detail_has_timeline_sources_and_surroundings(conn) -> None:
    case_id, _ = a_case(conn, HUANGPU, "in_progress")
    view = read_view(conn, viewer_of(conn, "manager_hp"), case_id)
    assert [e["action"] for e in view.events][:1] == ["open"]
    assert len(view.events) >= 4  # open, confirm, dispatch, accept
    assert view.sources and view.sources[0]["source_kind"] == "incident"
    assert all(d for d in view.devices_nearby)
    assert all(c["id"] != case_id for c in view.cases_nearby)


def test_reporters_are_whole_for_the_manager_and_masked_for_the_leader(conn) -> None:
    found = one(conn, "SELECT a.id FROM alerts a JOIN case_sources s ON s.alert_id = a.id "
                      "WHERE s.source_key LIKE 'hotline:%%' AND a.district_code = %s "
                      "ORDER BY a.id LIMIT 1", (HUANGPU,))
    manager = read_view(conn, viewer_of(conn, "manager_hp"), found[0])
    leader = read_view(conn, viewer_of(conn, "leader"), found[0])
    whole = next(s for s in manager.sources if s.get("reporter_phone"))
    masked = next(s for s in leader.sources if s["source_key"] == whole["source_key"])
    assert "*" not in whole["reporter_phone"]
    assert "****" in masked["reporter_phone"] and masked["reporter_name"].endswith("*")


def test_confirm_moves_the_case_and_writes_the_managers_event(conn) -> None:
    case_id, version = a_case(conn, HUANGPU, "new")
    outcome = make_move(conn, viewer_of(conn, "manager_hp"),
                        MoveRequest(case_id, "confirm", version, None))
    assert outcome.ok and outcome.refresh, outcome
    assert one(conn, "SELECT state, version FROM alerts WHERE id = %s",
               (case_id,)) == ("confirmed", version + 1)
    assert one(conn, "SELECT actor, from_state, to_state, details->>'via' FROM alert_events "
                     "WHERE alert_id = %s ORDER BY id DESC LIMIT 1", (case_id,)) == (
        "manager_hp", "new", "confirmed", "dashboard")


def test_a_stale_version_is_a_conflict_that_changes_nothing(conn) -> None:
    case_id, version = a_case(conn, HUANGPU, "new")
    before = events_of(conn, case_id)
    outcome = make_move(conn, viewer_of(conn, "manager_hp"),
                        MoveRequest(case_id, "confirm", version - 1, None))
    assert (outcome.ok, outcome.key, outcome.refresh) == (False, "triage.msg.conflict", True)
    assert one(conn, "SELECT state FROM alerts WHERE id = %s", (case_id,)) == ("new",)
    assert events_of(conn, case_id) == before


def test_a_move_on_another_districts_case_is_not_found_and_changes_nothing(conn) -> None:
    case_id, version = a_case(conn, JINGAN, "new")
    before = events_of(conn, case_id)
    outcome = make_move(conn, viewer_of(conn, "manager_hp"),
                        MoveRequest(case_id, "confirm", version, None))
    assert (outcome.ok, outcome.key) == (False, "triage.msg.not_found")
    assert one(conn, "SELECT state, version FROM alerts WHERE id = %s",
               (case_id,)) == ("new", version)
    assert events_of(conn, case_id) == before


def test_a_refused_move_says_why_and_changes_nothing(conn) -> None:
    case_id, version = a_case(conn, HUANGPU, "in_progress")
    outcome = make_move(conn, viewer_of(conn, "leader"),
                        MoveRequest(case_id, "confirm", version, None))
    assert outcome.key == "triage.msg.refused" and "confirm" in outcome.values["reason"]
    assert one(conn, "SELECT version FROM alerts WHERE id = %s", (case_id,)) == (version,)


def test_reject_needs_a_note_and_then_records_it(conn) -> None:
    case_id, version = a_case(conn, HUANGPU, "new")
    manager = viewer_of(conn, "manager_hp")
    assert make_move(conn, manager, MoveRequest(case_id, "reject", version, " ")).key == \
        "triage.msg.note_needed"
    assert make_move(conn, manager, MoveRequest(case_id, "reject", version, "重复上报")).ok
    assert one(conn, "SELECT note FROM alert_events WHERE alert_id = %s ORDER BY id DESC "
                     "LIMIT 1", (case_id,)) == ("重复上报",)


def test_escalate_raises_the_tier_with_an_audited_event(conn) -> None:
    case_id, version = a_case(conn, HUANGPU, "in_progress")
    tier = one(conn, "SELECT tier FROM alerts WHERE id = %s", (case_id,))[0]
    outcome = make_move(conn, viewer_of(conn, "manager_hp"),
                        MoveRequest(case_id, "escalate", version, "积水严重，需街道协调"))
    assert outcome.ok, outcome
    assert outcome.values["from_tier"] == tier
    new_tier, new_version = one(conn, "SELECT tier, version FROM alerts WHERE id = %s",
                                (case_id,))
    assert new_version == version + 1 and new_tier == outcome.values["to_tier"] != tier
    actor, action, note, by = one(
        conn, "SELECT actor, action, note, details->>'by' FROM alert_events "
              "WHERE alert_id = %s ORDER BY id DESC LIMIT 1", (case_id,))
    assert (actor, action, note, by) == ("manager_hp", "escalate", "积水严重，需街道协调", "hand")


def on_duty_in_grid_of(conn, case_id: int) -> str:
    """A worker of this test, always on duty, in the case's grid cell."""
    worker = f"w-triage-{case_id}"
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO workers (worker_id, name, grid_code, tier, schedule) "
                    "SELECT %s, '测试网格员', grid_code, 'grid', %s FROM alerts WHERE id = %s",
                    (worker, json.dumps(["daily 00:00-24:00"]), case_id))
    return worker


def test_dispatch_goes_to_a_worker_through_the_dispatcher(conn, dashboard_world) -> None:
    case_id, version = a_case(conn, HUANGPU, "confirmed")
    on_duty_in_grid_of(conn, case_id)
    dispatcher = BrokerDispatcher(dashboard_world.settings)
    try:
        outcome = make_move(conn, viewer_of(conn, "manager_hp"),
                            MoveRequest(case_id, "dispatch", version, None), dispatcher)
    finally:
        dispatcher.close()
    assert outcome.ok, outcome
    state, worker = one(conn, "SELECT state, assignee_worker_id FROM alerts WHERE id = %s",
                        (case_id,))
    assert state == "dispatched" and worker == outcome.values["worker"]


def test_without_a_dispatcher_dispatch_is_refused_plainly(conn) -> None:
    case_id, version = a_case(conn, HUANGPU, "confirmed")
    outcome = make_move(conn, viewer_of(conn, "manager_hp"),
                        MoveRequest(case_id, "dispatch", version, None), None)
    assert (outcome.ok, outcome.key) == (False, "triage.msg.no_dispatcher")
    assert one(conn, "SELECT state FROM alerts WHERE id = %s", (case_id,)) == ("confirmed",)
