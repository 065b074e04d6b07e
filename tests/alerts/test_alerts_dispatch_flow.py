"""Dispatch through the real database and broker: who gets the case, what is written, what
is sent, and that a refused or conflicting dispatch leaves nothing behind."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaTimeoutError

from alerts.cases.errors import Conflict, Refused
from alerts.cases.moves import NewCase, open_case, transition
from alerts.dispatch import assign
from alerts.dispatch.assign import dispatch
from alerts.dispatch.errors import NobodyToDispatch
from alerts.dispatch.publish import publish_pending
from store import db as store_db
from tests.alerts.street_world import open_street_world

pytestmark = pytest.mark.integration

MONDAY_10 = datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = ["mon-fri 08:00-17:00"]
NIGHT = ["daily 20:00-08:00"]


@pytest.fixture(scope="module")
def world(isolated):
    settings = isolated("dispatch")
    conn, producer = open_street_world(settings)
    yield settings, conn, producer
    producer.close()
    conn.close()


def place(conn) -> dict[str, str]:
    """A fresh community with two grid cells, so each test has workers of its own."""
    tag = uuid.uuid4().hex[:6]
    codes = {"community": f"C{tag}", "grid": f"G{tag}1", "other_grid": f"G{tag}2"}
    rows = [(codes["community"], "community", "310101002", None),
            (codes["grid"], "grid", codes["community"], codes["community"]),
            (codes["other_grid"], "grid", codes["community"], codes["community"])]
    with conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO areas (code, level, parent_code, name_zh, district_code, street_code,"
            " community_code) VALUES (%s, %s, %s, %s, '310101', '310101002', %s)",
            [(code, level, parent, f"area {code}", community)
             for code, level, parent, community in rows])
    return codes


def add_worker(conn, worker_id: str, tier: str = "grid", grid: str | None = None,
               unit: str | None = None, schedule=DAY, lon: float = 121.48,
               lat: float = 31.23) -> str:
    worker_id = f"{worker_id}-{uuid.uuid4().hex[:6]}"
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO workers (worker_id, name, phone, grid_code, tier, unit_code,"
                    " lon, lat, schedule) VALUES (%s, %s, '13800000000', %s, %s, %s, %s, %s,"
                    " %s)", (worker_id, f"工作人员 {worker_id}", grid, tier, unit, lon, lat,
                             json.dumps(schedule)))
    return worker_id


def add_unit(conn, area: str) -> str:
    unit = f"U-{area}"
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO units (unit_code, name) VALUES (%s, %s)", (unit, unit))
        cur.execute("INSERT INTO unit_areas (area_code, unit_code) VALUES (%s, %s)",
                    (area, unit))
    return unit


def confirmed_case(conn, grid: str, **extra) -> int:
    case = NewCase(fingerprint=uuid.uuid4().hex, kind="hotline", title="井盖破损 南京东路",
                   category="井盖破损", lon=121.4801, lat=31.2301, grid_code=grid, **extra)
    alert_id = open_case(conn, case, actor="operator:li")
    transition(conn, alert_id, "confirm", "operator:li", "operator", 1)
    return alert_id


def row(conn, query: str, params: tuple) -> tuple:
    with conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchone()


def events(conn, alert_id: int) -> list[tuple]:
    with conn, conn.cursor() as cur:
        cur.execute("SELECT action, actor, to_state, details FROM alert_events"
                    " WHERE alert_id = %s ORDER BY id", (alert_id,))
        return cur.fetchall()


def read_dispatches(settings) -> list:
    """Every record on the dispatch topic up to its current end, without waiting for a timeout."""
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, group_id=None)
    topic = settings.topic("dispatch")
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    end = consumer.end_offsets(partitions)
    records: list = []
    deadline = time.monotonic() + 10
    while any(consumer.position(p) < end[p] for p in partitions) and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(batch)
    consumer.close()
    return records


def send(world, alert_id: int, version: int = 2, **options):
    settings, conn, producer = world
    return dispatch(conn, producer, alert_id, "operator:li", "operator", version,
                    topic=settings.topic("dispatch"), at=MONDAY_10, **options)


def test_the_case_goes_to_the_least_busy_on_duty_worker_of_its_grid(world) -> None:
    settings, conn, _ = world
    codes = place(conn)
    busy = add_worker(conn, "busy", grid=codes["grid"], lat=31.2301)
    free = add_worker(conn, "free", grid=codes["grid"], lat=31.25)
    add_worker(conn, "asleep", grid=codes["grid"], schedule=NIGHT)
    add_worker(conn, "neighbour", grid=codes["other_grid"])
    send(world, confirmed_case(conn, codes["grid"]))  # the first goes to the nearest: busy
    alert_id = confirmed_case(conn, codes["grid"])

    done = send(world, alert_id, note="请尽快处置")

    assert (done.worker_id, done.tier, done.version, done.published) == (free, "grid", 3, True)
    assert row(conn, "SELECT state, version, assignee_worker_id, tier FROM alerts WHERE id = %s",
               (alert_id,)) == ("dispatched", 3, free, "grid")
    action, actor, to_state, details = events(conn, alert_id)[-1]
    assert (action, actor, to_state) == ("dispatch", "operator:li", "dispatched")
    assert details == {"worker_id": free, "tier": "grid", "area_code": codes["grid"],
                       "delivery_id": done.delivery_id, "passed_over": []}
    assert row(conn, "SELECT worker_id, tier, published_at IS NOT NULL FROM dispatches"
                     " WHERE delivery_id = %s", (done.delivery_id,)) == (free, "grid", True)
    assert busy != free


def test_the_dispatch_message_is_on_the_topic_keyed_by_worker(world) -> None:
    settings, conn, _ = world
    codes = place(conn)
    worker = add_worker(conn, "wang", grid=codes["grid"])
    alert_id = confirmed_case(conn, codes["grid"])
    done = send(world, alert_id)

    mine = [r for r in read_dispatches(settings) if r.key == worker.encode()]
    assert len(mine) == 1
    message = json.loads(mine[0].value)
    assert message["delivery_id"] == done.delivery_id
    assert (message["alert_id"], message["version"], message["tier"]) == (alert_id, 3, "grid")
    assert message["worker"]["id"] == worker and message["worker"]["phone"] == "13800000000"
    assert (message["title"], message["category"]) == ("井盖破损 南京东路", "井盖破损")
    assert message["location"]["grid_code"] == codes["grid"]
    assert message["location"]["community_code"] == codes["community"]
    assert message["location"]["street_code"] == "310101002"
    assert message["dispatched_at"] == MONDAY_10.isoformat()
    stored = row(conn, "SELECT body FROM dispatches WHERE delivery_id = %s",
                 (done.delivery_id,))[0]
    assert stored.encode() == mine[0].value  # the same bytes the webhook signs


def test_nobody_on_duty_in_the_grid_sends_it_to_the_community_pool(world) -> None:
    _, conn, _ = world
    codes = place(conn)
    add_worker(conn, "grid-night", grid=codes["grid"], schedule=NIGHT)
    unit = add_unit(conn, codes["community"])
    office = add_worker(conn, "community-office", tier="community", unit=unit)
    add_worker(conn, "community-off", tier="community", unit=unit, schedule=[])
    alert_id = confirmed_case(conn, codes["grid"])

    done = send(world, alert_id)

    assert (done.worker_id, done.tier) == (office, "community")
    assert row(conn, "SELECT assignee_worker_id, tier FROM alerts WHERE id = %s",
               (alert_id,)) == (office, "community")
    details = events(conn, alert_id)[-1][3]
    assert details["passed_over"] == [
        f"grid (网格) {codes['grid']}: 1 worker(s), none on duty"]


def assert_untouched(conn, alert_id: int, version: int = 2, state: str = "confirmed") -> None:
    assert row(conn, "SELECT state, version, assignee_worker_id, tier FROM alerts"
                     " WHERE id = %s", (alert_id,)) == (state, version, None, "grid")
    assert row(conn, "SELECT count(*) FROM dispatches WHERE alert_id = %s", (alert_id,)) == (0,)


def test_nobody_on_duty_anywhere_is_a_clear_error_and_writes_nothing(world) -> None:
    _, conn, _ = world
    codes = place(conn)
    add_worker(conn, "grid-night", grid=codes["grid"], schedule=NIGHT)
    alert_id = confirmed_case(conn, codes["grid"])
    with pytest.raises(NobodyToDispatch, match=r"grid \(网格\) .*none on duty; community"):
        send(world, alert_id)
    assert_untouched(conn, alert_id)
    assert [e[0] for e in events(conn, alert_id)] == ["open", "confirm"]


def test_a_stale_version_or_a_wrong_role_is_refused_before_choosing(world) -> None:
    settings, conn, producer = world
    codes = place(conn)
    add_worker(conn, "w", grid=codes["grid"])
    alert_id = confirmed_case(conn, codes["grid"])
    with pytest.raises(Conflict):
        send(world, alert_id, version=1)
    with pytest.raises(Refused, match="a worker may not make it"):
        dispatch(conn, producer, alert_id, "worker:wang", "worker", 2,
                 topic=settings.topic("dispatch"), at=MONDAY_10)
    assert_untouched(conn, alert_id)


def test_a_move_committed_meanwhile_rolls_back_the_assignment(world, monkeypatch) -> None:
    settings, conn, _ = world
    codes = place(conn)
    add_worker(conn, "w", grid=codes["grid"])
    alert_id = confirmed_case(conn, codes["grid"])
    other = store_db.connect(settings.database_url)
    real_choose = assign.choose

    def choose_while_someone_else_dispatches(*args, **kwargs):
        chosen = real_choose(*args, **kwargs)
        transition(other, alert_id, "dispatch", "operator:zhao", "operator", 2)
        return chosen

    monkeypatch.setattr(assign, "choose", choose_while_someone_else_dispatches)
    try:
        with pytest.raises(Conflict, match="now version 3"):
            send(world, alert_id)
    finally:
        other.close()
    # zhao's dispatch stands; ours left no assignee, no dispatch row and no event.
    assert_untouched(conn, alert_id, version=3, state="dispatched")
    assert [e[1] for e in events(conn, alert_id)] == ["operator:li"] * 2 + ["operator:zhao"]


def test_an_autocommit_connection_still_gets_one_transaction(world, monkeypatch) -> None:
    settings, conn, producer = world
    codes = place(conn)
    add_worker(conn, "w", grid=codes["grid"])
    alert_id = confirmed_case(conn, codes["grid"])
    conn.autocommit = True

    def refuse(*args, **kwargs):
        raise Refused(alert_id, "dispatch", "refused for the test")

    monkeypatch.setattr(assign, "transition", refuse)
    try:
        with pytest.raises(Refused):
            send(world, alert_id)
        assert conn.autocommit is True
    finally:
        conn.autocommit = False
    assert_untouched(conn, alert_id)


class BrokerDown:
    def send(self, *args, **kwargs):
        raise KafkaTimeoutError("broker down for the test")


def test_a_message_the_broker_missed_is_sent_later_not_lost(world) -> None:
    settings, conn, producer = world
    codes = place(conn)
    worker = add_worker(conn, "w", grid=codes["grid"])
    alert_id = confirmed_case(conn, codes["grid"])
    done = dispatch(conn, BrokerDown(), alert_id, "operator:li", "operator", 2,
                    topic=settings.topic("dispatch"), at=MONDAY_10)
    # The dispatch itself stands: the case moved and the row waits to be published.
    assert (done.published, done.worker_id) == (False, worker)
    assert row(conn, "SELECT state FROM alerts WHERE id = %s", (alert_id,)) == ("dispatched",)
    assert publish_pending(conn, producer, settings.topic("dispatch")) >= 1
    assert publish_pending(conn, producer, settings.topic("dispatch")) == 0
    sent = [r for r in read_dispatches(settings) if r.key == worker.encode()]
    assert [json.loads(r.value)["delivery_id"] for r in sent] == [done.delivery_id]
