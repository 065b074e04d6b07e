"""The SLA ticker through the real database and broker: due times, one warning, escalation
by exactly one tier with a notice or a re-dispatch, idempotence, pauses, no clobbering.

Times: cases are opened now (the database clock) and the tick's `now` is set from their
last event, with an emergency category (井盖破损: 15 min to dispatch, 2 h to handle, around
the clock) so the result does not depend on the day the tests run.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import pytest
from kafka import KafkaConsumer, TopicPartition

from alerts.cases.errors import Conflict
from alerts.cases.moves import NewCase, open_case, transition
from alerts.sla.escalation.ticker import default_policy, tick
from store import db as store_db
from tests.alerts.street_world import open_street_world

pytestmark = pytest.mark.integration

POLICY = default_policy("Asia/Shanghai")
ALWAYS = ["daily 00:00-24:00"]


@pytest.fixture(scope="module")
def world(isolated):
    settings = isolated("escalation")
    conn, producer = open_street_world(settings)
    yield settings, conn, producer
    producer.close()
    conn.close()


def place(conn) -> dict[str, str]:
    """A fresh community and grid with a community unit and an always-on community worker."""
    tag = uuid.uuid4().hex[:6]
    community, grid, unit = f"C{tag}", f"G{tag}", f"U-C{tag}"
    worker = f"cw-{tag}"
    with conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO areas (code, level, parent_code, name_zh, district_code, street_code,"
            " community_code) VALUES (%s, %s, %s, %s, '310101', '310101002', %s)",
            [(community, "community", "310101002", "社区", community),
             (grid, "grid", community, "网格", community)])
        cur.execute("INSERT INTO units (unit_code, name) VALUES (%s, '社区工作站')", (unit,))
        cur.execute("INSERT INTO unit_areas (area_code, unit_code) VALUES (%s, %s)",
                    (community, unit))
        cur.execute("INSERT INTO workers (worker_id, name, tier, unit_code, lon, lat, schedule)"
                    " VALUES (%s, '社区工作人员', 'community', %s, 121.48, 31.23, %s)",
                    (worker, unit, json.dumps(ALWAYS)))
    return {"community": community, "grid": grid, "unit": unit, "worker": worker}


def confirmed_case(conn, grid: str) -> int:
    case = NewCase(fingerprint=uuid.uuid4().hex, kind="hotline", title="井盖破损 南京东路",
                   category="井盖破损", lon=121.4801, lat=31.2301, grid_code=grid)
    alert_id = open_case(conn, case, actor="operator:li")
    transition(conn, alert_id, "confirm", "operator:li", "operator", 1)
    return alert_id


def one(conn, query: str, params: tuple) -> tuple:
    with conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchone()


def last_move_at(conn, alert_id: int):
    return one(conn, "SELECT max(at) FROM alert_events WHERE alert_id = %s", (alert_id,))[0]


def events(conn, alert_id: int, action: str) -> list[tuple]:
    with conn, conn.cursor() as cur:
        cur.execute("SELECT actor, from_state, to_state, note, details FROM alert_events"
                    " WHERE alert_id = %s AND action = %s ORDER BY id", (alert_id, action))
        return cur.fetchall()


def run(world, now):
    settings, conn, producer = world
    return tick(conn, producer, settings.topic("dispatch"), now, POLICY)


def messages(settings, key: str) -> list[dict]:
    """Every message on the dispatch topic with this key, read up to the topic's end."""
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, group_id=None)
    topic = settings.topic("dispatch")
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    end = consumer.end_offsets(partitions)
    found: list[dict] = []
    deadline = time.monotonic() + 10
    while any(consumer.position(p) < end[p] for p in partitions) and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            found.extend(json.loads(r.value) for r in batch if r.key == key.encode())
    consumer.close()
    return found


def test_a_case_past_its_dispatch_limit_escalates_one_tier_and_its_unit_hears(world) -> None:
    settings, conn, _ = world
    codes = place(conn)
    alert_id = confirmed_case(conn, codes["grid"])
    now = last_move_at(conn, alert_id) + timedelta(minutes=20)  # the limit is 15 min

    report = run(world, now)

    assert alert_id in report.escalated and report.failed == 0
    state, version, tier, due_at, level = one(
        conn, "SELECT state, version, tier, due_at, sla_level FROM alerts WHERE id = %s",
        (alert_id,))
    assert (state, version, tier, level) == ("confirmed", 3, "community", "ok")
    assert due_at == now + timedelta(minutes=15)  # the community's own 15 minutes
    [(actor, from_state, to_state, note, details)] = events(conn, alert_id, "escalate")
    assert (actor, from_state, to_state) == ("system:sla", "confirmed", None)
    assert note == "派遣超时,由网格升级至社区"
    assert (details["from_tier"], details["to_tier"]) == ("grid", "community")
    assert details["notified"]["by"] == "tier" and details["notified"]["key"] == codes["unit"]
    [notice] = messages(settings, codes["unit"])
    assert notice["schema"] == "cityops.escalation/1"
    assert (notice["alert_id"], notice["tier"], notice["area_code"]) == (
        alert_id, "community", codes["community"])

    again = run(world, now)  # the same moment once more: nothing at all

    assert alert_id not in again.escalated and again.updated == 0 and not again.warned
    assert one(conn, "SELECT version, tier FROM alerts WHERE id = %s",
               (alert_id,)) == (3, "community")
    assert len(events(conn, alert_id, "escalate")) == 1
    assert len(messages(settings, codes["unit"])) == 1


def test_warning_is_recorded_once_before_the_deadline(world) -> None:
    _, conn, _ = world
    alert_id = confirmed_case(conn, place(conn)["grid"])
    confirmed_at = last_move_at(conn, alert_id)

    first = run(world, confirmed_at + timedelta(minutes=13))  # 80 % of 15 min is 12
    second = run(world, confirmed_at + timedelta(minutes=14))

    assert alert_id in first.warned and alert_id not in second.warned
    [(actor, _, to_state, note, details)] = events(conn, alert_id, "warn")
    assert (actor, to_state, details["stage"]) == ("system:sla", None, "dispatch")
    assert note.startswith("派遣即将超时")
    assert one(conn, "SELECT version, due_at, sla_level FROM alerts WHERE id = %s",
               (alert_id,)) == (2, confirmed_at + timedelta(minutes=15), "warning")


def test_an_overdue_case_in_hand_is_redispatched_to_the_next_tier(world) -> None:
    settings, conn, _ = world
    codes = place(conn)
    alert_id = confirmed_case(conn, codes["grid"])
    transition(conn, alert_id, "dispatch", "operator:li", "operator", 2)
    transition(conn, alert_id, "accept", "worker:wang", "worker", 3)
    now = last_move_at(conn, alert_id) + timedelta(hours=2, minutes=5)

    report = run(world, now)

    assert alert_id in report.escalated
    assert one(conn, "SELECT state, version, tier, assignee_worker_id FROM alerts"
                     " WHERE id = %s", (alert_id,)) == (
        "in_progress", 5, "community", codes["worker"])
    [(*_, details)] = events(conn, alert_id, "escalate")
    assert details["notified"]["by"] == "dispatch"
    assert one(conn, "SELECT worker_id, tier, actor, published_at IS NOT NULL FROM dispatches"
                     " WHERE delivery_id = %s", (details["notified"]["delivery_id"],)) == (
        codes["worker"], "community", "system:sla", True)
    [message] = messages(settings, codes["worker"])
    assert (message["schema"], message["version"], message["tier"]) == (
        "cityops.dispatch/1", 5, "community")


def test_an_extended_case_does_not_escalate(world) -> None:
    _, conn, _ = world
    alert_id = confirmed_case(conn, place(conn)["grid"])
    transition(conn, alert_id, "dispatch", "operator:li", "operator", 2)
    transition(conn, alert_id, "accept", "worker:wang", "worker", 3)
    transition(conn, alert_id, "extend", "manager:zhao", "manager", 4, note="等待配件")
    now = last_move_at(conn, alert_id) + timedelta(hours=5)

    report = run(world, now)

    assert alert_id not in report.escalated and alert_id not in report.warned
    assert one(conn, "SELECT version, tier, due_at, sla_level FROM alerts WHERE id = %s",
               (alert_id,)) == (5, "grid", None, "paused")
    assert events(conn, alert_id, "escalate") == []


def test_an_operator_acting_on_the_version_before_an_escalation_gets_a_conflict(world) -> None:
    _, conn, _ = world
    alert_id = confirmed_case(conn, place(conn)["grid"])
    run(world, last_move_at(conn, alert_id) + timedelta(minutes=30))
    with pytest.raises(Conflict):
        transition(conn, alert_id, "dispatch", "operator:li", "operator", 2)
    assert one(conn, "SELECT state FROM alerts WHERE id = %s", (alert_id,)) == ("confirmed",)


def test_a_case_someone_is_moving_is_left_for_the_next_tick(world) -> None:
    settings, conn, _ = world
    alert_id = confirmed_case(conn, place(conn)["grid"])
    now = last_move_at(conn, alert_id) + timedelta(minutes=30)
    operator = store_db.connect(settings.database_url)
    try:
        with operator.cursor() as cur:  # an operator's move, not yet committed
            cur.execute("SELECT 1 FROM alerts WHERE id = %s FOR UPDATE", (alert_id,))
            busy = run(world, now)
        operator.rollback()
    finally:
        operator.close()
    assert alert_id not in busy.escalated and busy.busy >= 1
    assert alert_id in run(world, now).escalated  # the next tick gets it


def test_the_runner_serves_health_and_stops_when_asked(world) -> None:
    import threading
    import urllib.request

    from alerts.sla.escalation.runner import run as run_ticker
    from tests.conftest import free_port

    settings = world[0]
    port, stop = free_port(), threading.Event()
    thread = threading.Thread(target=run_ticker, args=(settings, 0.2, port, stop))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as answer:
                    assert json.loads(answer.read())["ok"] is True
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as answer:
                    assert b"cityops_sla_ticks_total" in answer.read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
