"""The thin end-to-end path: readings through the real broker into the real database."""

import hashlib
import json
import signal
import time
from datetime import UTC, datetime, timedelta

import pytest
from kafka import KafkaConsumer
from psycopg2.extras import Json

from cityops.stream import kafka_client
from store import db as store_db
from store import devices as store_devices
from tests.integration.ingest_run import committed
from tests.process import start_cli, wait_http

pytestmark = pytest.mark.integration

DEVICES = 500
PER_DEVICE = 20  # 10,000 readings


def produce_readings(settings, now: datetime) -> list[tuple[str, str, str, float]]:
    producer = kafka_client.producer(settings)
    expected = []
    for i in range(PER_DEVICE):
        ts = (now - timedelta(seconds=PER_DEVICE - i)).isoformat()
        for d in range(DEVICES):
            device = f"e2e-{d:04d}"
            value = round((d % 50) * 0.5 + i * 0.05, 3)  # within level_m's range
            producer.send(settings.topic("readings"), key=device.encode(),
                          value=json.dumps({"device": device, "ts": ts,
                                            "values": {"level_m": value}}).encode())
            expected.append((ts, device, "level_m", value))
    producer.send(settings.topic("readings"), key=b"bad", value=b"{broken json")
    producer.send(settings.topic("readings"), key=b"bad",
                  value=json.dumps({"device": "e2e-x", "ts": now.isoformat(),
                                    "values": {"level_m": "high"}}).encode())
    producer.flush()
    producer.close()
    return expected


def checksum(rows) -> str:
    digest = hashlib.sha256()
    for device, metric, value in sorted(rows):
        digest.update(f"{device}|{metric}|{value:.3f}\n".encode())
    return digest.hexdigest()


def stored(db) -> list[tuple[str, str, float]]:
    with db.cursor() as cur:
        cur.execute("SELECT device_id, metric, value FROM readings WHERE device_id LIKE 'e2e-%'")
        rows = cur.fetchall()
    db.rollback()
    return rows


def rolled_up(db) -> int:
    with db.cursor() as cur:
        cur.execute("SELECT coalesce(sum(n), 0) FROM readings_1m WHERE device_id LIKE 'e2e-%'")
        total = int(cur.fetchone()[0])
    db.rollback()
    return total


def dead_letters(settings) -> list:
    consumer = KafkaConsumer(settings.topic("dlq"), bootstrap_servers=settings.kafka_bootstrap,
                             auto_offset_reset="earliest", consumer_timeout_ms=5000,
                             group_id=None)
    records = list(consumer)
    consumer.close()
    return records


def register_devices(db) -> None:
    store_devices.upsert(db, [{"device_id": f"e2e-{d:04d}", "kind": "gauge", "placed": False,
                               "meta": Json({})} for d in range(DEVICES)])


@pytest.mark.parametrize("client", ["kafka-python", "librdkafka"])
def test_ten_thousand_readings_arrive_exactly_once(isolated, client: str) -> None:
    settings = isolated(f"e2e-{client}").replace(kafka_client=client)
    db = store_db.connect(settings.database_url)
    register_devices(db)
    expected = produce_readings(settings, datetime.now(UTC).replace(microsecond=0))
    assert len(expected) == 10_000
    proc = start_cli(settings, "ingest")
    try:
        metrics_url = f"http://{settings.metrics_host}:{settings.ingest_metrics_port}"
        health = json.loads(wait_http(f"{metrics_url}/healthz", proc=proc))
        assert health["ok"] is True and health["service"] == "ingest"
        deadline = time.monotonic() + 90
        # Every message handled and its offset committed (the 10,000 and the two bad
        # ones): whatever ingest will ever store from them is stored by now.
        topic = settings.topic("readings")
        while (time.monotonic() < deadline
               and committed(settings, settings.ingest_group, topic) < len(expected) + 2):
            time.sleep(0.5)
        rows = stored(db)
        while time.monotonic() < deadline and rolled_up(db) < len(expected):
            time.sleep(0.5)
        in_rollups = rolled_up(db)
        metrics = wait_http(f"{metrics_url}/metrics").decode()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err[-2000:]
    assert "ingest stopped cleanly" in err
    assert len(rows) == len(expected)
    assert in_rollups == len(expected)  # the service keeps the 1-minute rollup current
    assert checksum(rows) == checksum([(d, m, v) for _, d, m, v in expected])
    labels = 'cityops_ingest_dead_letters_total{reason="%s",stream="readings"} 1.0'
    assert labels % "malformed_json" in metrics
    assert labels % "bad_value" in metrics
    reasons = sorted(dict(r.headers)["reason"].decode() for r in dead_letters(settings))
    assert reasons == ["bad_value", "malformed_json"]
