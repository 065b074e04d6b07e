"""kill -9 one broker of three under load (issue #18): every reading sent is stored once,
none lost, none written twice, and how long the producer and ingest took to recover is
measured (printed as one JSON line)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from psycopg2.extras import Json

from cityops.stream import kafka_client
from store import db as store_db
from store import devices as store_devices
from tests.integration.ingest_run import count, messages_in, wait_for
from tests.process import serving

pytestmark = pytest.mark.integration
DEVICES, RATE, SECONDS = 100, 1500, 6.0


class Load:
    """Readings sent at a steady rate; when each was sent and acknowledged."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.sent: list[tuple[str, str]] = []
        self.sent_at: list[float] = []
        self.acked_at: dict[int, float] = {}
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        producer = kafka_client.producer(self.settings)
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)
        total = int(RATE * SECONDS)
        began = time.monotonic()
        for i in range(total):
            ahead = began + i / RATE - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)  # pacing the load, not waiting for a condition
            device, ts = f"loss-{i % DEVICES:03d}", start + timedelta(seconds=i // DEVICES)
            self.sent.append((device, ts.isoformat()))
            self.sent_at.append(time.monotonic())
            future = producer.send(self.settings.topic("readings"), key=device.encode(),
                                   value=json.dumps({"device": device, "ts": ts.isoformat(),
                                                     "values": {"pressure_kpa": 300.0}}
                                                    ).encode())
            future.add_callback(lambda _, i=i: self.acked_at.__setitem__(i, time.monotonic()))
            future.add_errback(lambda exc: self.errors.append(repr(exc)))
        producer.flush()
        producer.close()


def leader_of_most(settings) -> int:
    admin = kafka_client.admin_client(settings)
    try:
        [topic] = admin.describe_topics([settings.topic("readings")])
    finally:
        admin.close()
    return Counter(p["leader_id"] for p in topic["partitions"]).most_common(1)[0][0]


def test_killing_one_broker_of_three_loses_and_doubles_nothing(on_cluster, kafka_cluster,
                                                               tmp_path) -> None:
    settings = on_cluster("brokerloss")
    conn = store_db.connect(settings.database_url)
    store_devices.upsert(conn, [{"device_id": f"loss-{d:03d}", "kind": "water_main",
                                 "placed": False, "meta": Json({})} for d in range(DEVICES)])
    stored: list[tuple[float, int]] = []
    load = Load(settings)
    health = f"http://{settings.metrics_host}:{settings.ingest_metrics_port}/healthz"
    try:
        with serving(settings, tmp_path / "ingest.log", "ingest", health_url=health):
            load.thread.start()
            wait_for(lambda: len(load.sent) >= RATE * SECONDS / 3, timeout=30, every=0.05)
            victim = leader_of_most(settings)
            killed_at = time.monotonic()
            kafka_cluster.kill(victim)
            watching = threading.Event()
            sampler = threading.Thread(target=_sample, args=(conn, stored, watching))
            sampler.start()
            load.thread.join(timeout=SECONDS + 150)
            total = len(load.sent)
            try:
                wait_for(lambda: count(conn, "SELECT count(*) FROM readings") >= total,
                         timeout=120, every=0.2)
            finally:
                watching.set()
                sampler.join()
        assert load.errors == [] and len(load.acked_at) == total
        rows = _rows(conn)
        assert len(rows) == total and set(rows) == set(load.sent)      # none lost, none twice
        assert messages_in(settings, settings.topic("readings")) == total  # none sent twice
        print(json.dumps(_recovery(load, stored, killed_at, victim, total)))
    finally:
        conn.close()
        kafka_cluster.start()   # the next tests get three brokers again


def _sample(conn, stored: list, done: threading.Event) -> None:
    own = store_db.connect(conn.dsn)
    try:
        while not done.wait(0.1):  # sampling interval of the stored count
            stored.append((time.monotonic(), count(own, "SELECT count(*) FROM readings")))
    finally:
        own.close()


def _rows(conn) -> list[tuple[str, str]]:
    with conn.cursor() as cur:
        cur.execute("SELECT device_id, ts FROM readings")
        rows = [(d, ts.astimezone(UTC).isoformat()) for d, ts in cur.fetchall()]
    conn.rollback()
    return rows


def _recovery(load: Load, stored: list, killed_at: float, victim: int, total: int) -> dict:
    after = [i for i, at in enumerate(load.sent_at) if at >= killed_at]
    first_ack = min(load.acked_at[i] for i in after) if after else killed_at
    latency = [load.acked_at[i] - load.sent_at[i] for i in after]
    longest_stall, last = 0.0, None
    for at, n in stored:
        if last is None or n > last[1]:
            last = (at, n)
        elif n < total:
            longest_stall = max(longest_stall, at - last[0])
    return {"killed_broker": victim, "readings": total,
            "producer_first_ack_after_kill_s": round(first_ack - killed_at, 2),
            "producer_ack_latency_max_s": round(max(latency, default=0.0), 2),
            "ingest_longest_stall_s": round(longest_stall, 2),
            "all_stored_after_kill_s": round(stored[-1][0] - killed_at, 2) if stored else None}
