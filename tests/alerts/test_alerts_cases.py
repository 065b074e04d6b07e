"""Opening and moving cases in the real database: versions, audit, separation of duties."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

import psycopg2
import pytest

from alerts.cases.errors import CaseNotFound, Conflict, Refused
from alerts.cases.moves import NewCase, open_case, transition
from alerts.cases.timeline import state_history
from alerts.sla.calendar import WorkingCalendar
from alerts.sla.clocks import SlaPolicy, sla_status
from store import db as store_db

POLICY = SlaPolicy(WorkingCalendar("Asia/Shanghai"))

pytestmark = pytest.mark.integration


def new_case(db, **extra) -> int:
    case = NewCase(fingerprint=uuid.uuid4().hex, kind=extra.pop("kind", "hotline"),
                   title="暴露垃圾 at 南京东路", category="暴露垃圾", **extra)
    return open_case(db, case, actor="operator:li")


def timeline(db, alert_id: int) -> list[tuple]:
    with db.cursor() as cur:
        cur.execute("SELECT actor, action, from_state, to_state FROM alert_events "
                    "WHERE alert_id = %s ORDER BY id", (alert_id,))
        return cur.fetchall()


def walk_to_handled(db, alert_id: int) -> int:
    steps = [("confirm", "operator:li", "operator"), ("dispatch", "operator:li", "operator"),
             ("accept", "worker:wang", "worker"), ("handle", "worker:wang", "worker")]
    version = 1
    for action, actor, role in steps:
        version = transition(db, alert_id, action, actor, role, version).version
    return version


def test_open_alert_starts_in_new_with_one_event(db) -> None:
    alert_id = new_case(db, grid_code="g1", labels={"source": "12345"})
    with db.cursor() as cur:
        cur.execute("SELECT state, version, labels FROM alerts WHERE id = %s", (alert_id,))
        assert cur.fetchone() == ("new", 1, {"source": "12345"})
    assert timeline(db, alert_id) == [("operator:li", "open", None, "new")]


def test_a_full_case_is_recorded_move_by_move_and_timed(db) -> None:
    alert_id = new_case(db)
    version = walk_to_handled(db, alert_id)
    moved = transition(db, alert_id, "verify", "operator:zhao", "operator", version)
    assert (moved.to_state, moved.version) == ("closed", 6)
    assert [e[1] for e in timeline(db, alert_id)] == [
        "open", "confirm", "dispatch", "accept", "handle", "verify"]
    with db.cursor() as cur:
        cur.execute("SELECT handled_by, closed_at IS NOT NULL FROM alerts WHERE id = %s",
                    (alert_id,))
        assert cur.fetchone() == ("worker:wang", True)
    history = state_history(db, alert_id)
    assert [e.state for e in history][-1] == "closed"
    assert sla_status(POLICY, "暴露垃圾", history, history[-1].at).level == "finished"


def test_the_handler_may_not_verify_their_own_work(db) -> None:
    alert_id = new_case(db)
    version = walk_to_handled(db, alert_id)
    with pytest.raises(Refused, match="worker:wang handled this case"):
        transition(db, alert_id, "verify", "worker:wang", "operator", version)
    assert len(timeline(db, alert_id)) == 5
    assert transition(db, alert_id, "verify", "operator:zhao", "manager", version)


def test_reopened_work_is_handled_again_and_verified_by_someone_else(db) -> None:
    alert_id = new_case(db)
    version = walk_to_handled(db, alert_id)
    version = transition(db, alert_id, "reopen", "operator:zhao", "operator", version,
                         note="垃圾未清运干净").version
    version = transition(db, alert_id, "accept", "worker:wang", "worker", version).version
    version = transition(db, alert_id, "handle", "worker:wang", "worker", version).version
    with pytest.raises(Refused):
        transition(db, alert_id, "verify", "worker:wang", "operator", version)


def test_stale_version_is_a_conflict_that_names_the_current_state(db) -> None:
    alert_id = new_case(db)
    transition(db, alert_id, "confirm", "operator:li", "operator", 1)
    with pytest.raises(Conflict, match="now version 2, confirmed") as caught:
        transition(db, alert_id, "reject", "operator:zhao", "operator", 1, note="误报")
    assert (caught.value.state, caught.value.version) == ("confirmed", 2)
    assert len(timeline(db, alert_id)) == 2


def test_auto_resolve_only_where_the_rule_asked_for_it(db) -> None:
    sensor = new_case(db, kind="threshold", auto_resolve=True)
    assert transition(db, sensor, "resolve", "engine", "system", 1).to_state == "resolved"
    hotline = new_case(db)
    with pytest.raises(Refused, match="does not resolve by itself"):
        transition(db, hotline, "resolve", "engine", "system", 1)


def test_unknown_case_is_not_found(db) -> None:
    with pytest.raises(CaseNotFound):
        transition(db, 10**12, "confirm", "operator:li", "operator", 1)


def test_audit_rows_cannot_be_changed_or_deleted(db) -> None:
    alert_id = new_case(db)
    transition(db, alert_id, "confirm", "operator:li", "operator", 1)
    for statement in ("UPDATE alert_events SET note = 'edited' WHERE alert_id = %s",
                      "DELETE FROM alert_events WHERE alert_id = %s"):
        # The services' role has no right to (#13 defect 5); the trigger stops the owner.
        with pytest.raises(psycopg2.Error, match="permission denied|append-only"), \
                db.cursor() as cur:
            cur.execute(statement, (alert_id,))
        db.rollback()
    assert len(timeline(db, alert_id)) == 2


def _waiting_on_locks(conn) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'")
        return cur.fetchone()[0]


def test_two_operators_at_once_one_wins_the_other_gets_a_conflict(settings, db) -> None:
    alert_id = new_case(db)
    holder = store_db.connect(settings.database_url)
    operators = [store_db.connect(settings.database_url) for _ in range(2)]
    outcomes: list[object] = []

    def act(conn, name: str) -> None:
        try:
            outcomes.append(transition(conn, alert_id, "confirm", name, "operator", 1))
        except Conflict as conflict:
            outcomes.append(conflict)

    try:
        # Hold the row so both operators have read version 1 and wait at their UPDATE.
        with holder.cursor() as cur:
            cur.execute("SELECT 1 FROM alerts WHERE id = %s FOR UPDATE", (alert_id,))
        threads = [threading.Thread(target=act, args=(conn, f"operator:{n}"))
                   for n, conn in enumerate(operators)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while _waiting_on_locks(db) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _waiting_on_locks(db) == 2
        holder.commit()
        for thread in threads:
            thread.join(timeout=10)
    finally:
        for conn in [holder, *operators]:
            conn.close()
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Moved"]
    assert [e[1] for e in timeline(db, alert_id)] == ["open", "confirm"]


def test_pauses_show_in_the_stored_history(db) -> None:
    alert_id = new_case(db, kind="threshold")
    version = 1
    for action, role, note in [("confirm", "operator", None), ("dispatch", "system", None),
                               ("accept", "worker", None), ("extend", "manager", "等待配件"),
                               ("resume", "system", None)]:
        version = transition(db, alert_id, action, f"{role}:x", role, version, note).version
    states = [e.state for e in state_history(db, alert_id)]
    assert states == ["new", "confirmed", "dispatched", "in_progress", "extended",
                      "in_progress"]
    status = sla_status(POLICY, "路面积水", state_history(db, alert_id),
                        state_history(db, alert_id)[-1].at + timedelta(minutes=30))
    assert status.stage == "handle" and status.elapsed >= timedelta(minutes=30)
