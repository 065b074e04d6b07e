"""kill -9 in the middle of a batch loses nothing and duplicates nothing; two ingest
processes in one group share the partitions and store every message once."""

import hashlib
import json
import os
import signal
from datetime import UTC, datetime, timedelta

import pytest
from psycopg2.extras import Json

from cityops.stream import kafka_client
from store import db as store_db
from store import devices as store_devices
from tests.conftest import free_port
from tests.integration.ingest_run import count, start_ingest, stop, wait_for
from tests.process import wait_http

pytestmark = pytest.mark.integration

DEVICES = 200


def produce(settings, instants: int, back: timedelta = timedelta(hours=1)) -> str:
    """Readings for DEVICES devices at `instants` moments; returns their checksum."""
    store = store_db.connect(settings.database_url)
    store_devices.upsert(store, [{"device_id": f"crash-{d:03d}", "kind": "water_main",
                                  "placed": False, "meta": Json({})} for d in range(DEVICES)])
    store.close()
    producer = kafka_client.producer(settings)
    start = datetime.now(UTC).replace(microsecond=0) - back
    digest = hashlib.sha256()
    lines = []
    for i in range(instants):
        ts = start + timedelta(seconds=i)
        for d in range(DEVICES):
            device, value = f"crash-{d:03d}", float((d * 7 + i) % 900)
            producer.send(settings.topic("readings"), key=device.encode(), value=json.dumps(
                {"device": device, "ts": ts.isoformat(), "values": {"pressure_kpa": value}}
            ).encode())
            lines.append(f"{device}|{ts.isoformat()}|{value:.1f}")
    producer.flush()
    producer.close()
    for line in sorted(lines):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def stored_checksum(conn) -> str:
    with conn.cursor() as cur:
        cur.execute("SELECT device_id, ts, value FROM readings ORDER BY device_id, ts")
        rows = cur.fetchall()
    conn.rollback()
    digest = hashlib.sha256()
    lines = sorted(f"{d}|{ts.astimezone(UTC).isoformat()}|{v:.1f}" for d, ts, v in rows)
    for line in lines:
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def test_kill_9_mid_batch_then_restart_stores_exactly_the_produced_set(isolated) -> None:
    settings = isolated("crash")
    expected = produce(settings, instants=300)  # 60,000 readings
    total = DEVICES * 300
    conn = store_db.connect(settings.database_url)
    small_batches = {"CITYOPS_INGEST_BATCH_SIZE": "1500"}
    proc = start_ingest(settings, **small_batches)
    wait_for(lambda: count(conn, "SELECT count(*) FROM readings") >= 6000, every=0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    at_kill = count(conn, "SELECT count(*) FROM readings")
    assert 0 < at_kill < total, "the kill must land while work remains"

    proc = start_ingest(settings, **small_batches)
    try:
        wait_for(lambda: count(conn, "SELECT count(*) FROM readings") >= total)
        wait_for(lambda: b"cityops_ingest_consumer_lag" in wait_http(
            f"http://127.0.0.1:{settings.ingest_metrics_port}/metrics"), timeout=15)
    finally:
        stop(proc)
    assert count(conn, "SELECT count(*) FROM readings") == total
    assert stored_checksum(conn) == expected
    conn.close()


def test_two_processes_in_one_group_store_every_message_once(isolated) -> None:
    settings = isolated("pair")
    ports = [settings.ingest_metrics_port, free_port()]
    procs = [start_ingest(settings, CITYOPS_INGEST_METRICS_PORT=str(port),
                          CITYOPS_INGEST_BATCH_SIZE="1000") for port in ports]
    conn = store_db.connect(settings.database_url)
    try:
        # Both members hold partitions (their lag gauges appear) before anything is sent.
        shares = lambda: [_partitions(port) for port in ports]  # noqa: E731
        wait_for(lambda: all(shares()) and sum(shares()) == settings.topic_partitions,
                 timeout=60)
        expected = produce(settings, instants=150)  # 30,000 readings over 4 partitions
        total = DEVICES * 150
        wait_for(lambda: count(conn, "SELECT count(*) FROM readings") >= total)
        consumed = [_messages(port) for port in ports]
    finally:
        for proc in procs:
            stop(proc)
    assert count(conn, "SELECT count(*) FROM readings") == total
    assert stored_checksum(conn) == expected
    assert all(n > 0 for n in consumed), f"both members must consume: {consumed}"
    assert sum(consumed) == total
    conn.close()


def _partitions(port: int) -> int:
    text = wait_http(f"http://127.0.0.1:{port}/metrics").decode()
    return sum(1 for line in text.splitlines()
               if line.startswith("cityops_ingest_consumer_lag{") and "readings" in line)


def _messages(port: int) -> float:
    text = wait_http(f"http://127.0.0.1:{port}/metrics").decode()
    for line in text.splitlines():
        if line.startswith('cityops_ingest_messages_total{stream="readings"}'):
            return float(line.split()[-1])
    return 0.0


def drop_new_session(conn, dropped: list[int]) -> bool:
    """Terminate one of ingest's sessions not in `dropped`; True (and noted) if one was."""
    with conn.cursor() as cur:
        # Two statements: in one, the planner may call pg_terminate_backend before the
        # name filter, on any session (this test's own included).
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = 'cityops-ingest-readings' AND pid <> ALL(%s)",
                    (dropped,))
        for (pid,) in cur.fetchall():
            cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
            if cur.fetchone()[0]:
                dropped.append(pid)
                conn.rollback()
                return True
    conn.rollback()
    return False


def test_lost_database_connections_are_retried_without_loss(isolated) -> None:
    settings = isolated("dbloss")
    expected = produce(settings, instants=200)  # 40,000 readings
    total = DEVICES * 200
    conn = store_db.connect(settings.database_url)
    proc = start_ingest(settings, CITYOPS_INGEST_BATCH_SIZE="1000")
    try:
        wait_for(lambda: count(conn, "SELECT count(*) FROM readings") >= 4000, every=0.05)
        # The server drops ingest's session twice, as a failover would: each time one it has
        # not dropped before (a dropped one may still be listed for a moment).
        dropped: list[int] = [0]
        for _ in range(2):
            wait_for(lambda: drop_new_session(conn, dropped), every=0.05)
        wait_for(lambda: count(conn, "SELECT count(*) FROM readings") >= total)
        metrics = wait_http(f"http://127.0.0.1:{settings.ingest_metrics_port}/metrics").decode()
    finally:
        stop(proc)
    assert count(conn, "SELECT count(*) FROM readings") == total
    assert stored_checksum(conn) == expected
    errors = [line for line in metrics.splitlines()
              if line.startswith("cityops_ingest_db_errors_total{")]
    assert errors and float(errors[0].split()[-1]) >= 1
    conn.close()
