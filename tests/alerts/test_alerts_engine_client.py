"""The alerts engine resumes at the offsets saved with its state, whichever Kafka client
the deployment chose for ingest (#13.8).

Its guarantees (no fire lost or doubled across a crash between the database commit and
the Kafka commit) rest on seeking to the offsets saved with the evaluator's state. The
librdkafka consumer could not seek, so with CITYOPS_KAFKA_CLIENT=librdkafka the engine
skipped the seek and read again what it had already turned into cases. The engine now
always reads with kafka-python, the client that keeps its contract.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime

import pytest
from kafka import KafkaConsumer, TopicPartition
from psycopg2.extras import Json

from alerts.engine.metrics import EngineMetrics
from alerts.engine.service import build
from alerts.rules.evaluate.evaluator import FORMAT
from cityops.stream import kafka_client
from store import db as store_db
from store import devices as store_devices
from tests.database import query

pytestmark = pytest.mark.integration

RULES = """\
rules:
  - id: cl-low
    kind: threshold
    name: {zh: 压力过低, en: Pressure low}
    category: 供水管网异常
    severity: major
    match: {device_kind: water_main, metric: pressure_kpa}
    params: {op: "<=", value: 150}
"""


def test_the_engine_resumes_at_its_saved_offsets_on_either_client(isolated, tmp_path) -> None:
    settings = isolated("engclient").replace(kafka_client="librdkafka")
    (tmp_path / "low.yaml").write_text(RULES, encoding="utf-8")
    conn = store_db.connect(settings.database_url)
    store_devices.upsert(conn, [{"device_id": "cl-1", "kind": "water_main", "placed": False,
                                 "meta": Json({})}])
    producer = kafka_client.producer(settings)
    sent = producer.send(settings.topic("readings"), key=b"cl-1", value=json.dumps(
        {"device": "cl-1", "ts": datetime.now(UTC).isoformat(),
         "values": {"pressure_kpa": 90.0}}).encode()).get(10)
    producer.close()
    # As if an engine had turned that reading into a case and died before its Kafka
    # commit: the database holds the state and the offsets past the reading. Written as
    # the one-row engine before #18 wrote it: an upgraded engine resumes there too.
    offsets = {f"{settings.topic(s)}:{p}": 0 for s in ("readings", "incidents")
               for p in range(settings.topic_partitions)}
    offsets[f"{sent.topic}:{sent.partition}"] = sent.offset + 1
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO alert_engine_state (consumer_group, state, offsets) "
                    "VALUES (%s, %s, %s)", (settings.alerts_group,
                                            Json({"format": FORMAT, "rules": {}}),
                                            Json(offsets)))
    conn.close()

    engine = build(settings, tmp_path, EngineMetrics())
    assert isinstance(engine.consumer, KafkaConsumer), type(engine.consumer)
    stop = threading.Event()
    thread = threading.Thread(target=engine.run, args=(stop,), daemon=True)
    thread.start()
    try:
        part = TopicPartition(sent.topic, sent.partition)
        deadline = time.monotonic() + 30
        while not (part in engine.consumer.assignment()
                   and engine.consumer.position(part) == sent.offset + 1):
            assert time.monotonic() < deadline, "the engine did not seek to its offsets"
            time.sleep(0.2)  # poll interval: waiting for the seek, bounded by the deadline
        ticks, deadline = engine.last_tick, time.monotonic() + 30
        while engine.last_tick < ticks + 2:
            assert time.monotonic() < deadline, "the engine stopped ticking"
            time.sleep(0.1)  # poll interval: waiting for two more ticks (a condition)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert query(settings, "SELECT count(*) FROM alerts")[0][0] == 0
