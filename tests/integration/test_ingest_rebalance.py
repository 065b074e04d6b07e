"""A rebalance while ingest holds a batch it has not stored: the revoke listener stores it
and commits its offsets, and the stream goes on. kafka-python 3 runs that listener on its
IO thread, where a blocking commit raises; ingest's round then failed on every poll."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from kafka import TopicPartition

from cityops import kafka_client
from ingest.dead_letter import DeadLetters
from ingest.metrics import IngestMetrics
from ingest.service import build_stream
from store import db as store_db
from tests.integration.test_ingest_e2e import produce_readings, register_devices, stored

pytestmark = pytest.mark.integration


def rounds_until(loop, done, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        loop._round()  # raised on every round before the fix


def committed(settings, group: str, topic: str) -> int:
    consumer = kafka_client.consumer(settings, group, [])
    try:
        parts = [TopicPartition(topic, p)
                 for p in consumer.partitions_for_topic(topic)]
        return sum(consumer.committed(tp) or 0 for tp in parts)
    finally:
        consumer.close(autocommit=False)


def test_a_rebalance_stores_the_batch_in_hand_and_ingest_goes_on(isolated) -> None:
    settings = isolated("ingrebal").replace(ingest_batch_size=1_000_000, ingest_batch_ms=3_600_000)
    db = store_db.connect(settings.database_url)
    register_devices(db)
    expected = produce_readings(settings, datetime.now(UTC).replace(microsecond=0))
    producer = kafka_client.producer(settings)
    loop = build_stream("readings", settings, IngestMetrics(),
                        DeadLetters(producer, settings.topic("dlq")))
    topic = settings.topic("readings")
    stop = threading.Event()
    intruder = None
    try:
        # Every message is read into one batch that nothing flushes but the rebalance.
        rounds_until(loop, lambda: len(loop.batch.rows) >= len(expected))
        assert stored(db) == []
        intruder = kafka_client.consumer(settings, settings.ingest_group, [])
        kafka_client.subscribe(intruder, [topic])
        polling = threading.Thread(target=lambda: [intruder.poll(200) for _ in iter(
            stop.is_set, True)])
        polling.start()
        rounds_until(loop, lambda: len(stored(db)) >= len(expected))
        assert len(stored(db)) == len(expected)
        # The commit was sent without waiting; it arrives.
        deadline = time.monotonic() + 30
        while committed(settings, settings.ingest_group, topic) < len(expected) + 2:
            assert time.monotonic() < deadline, "offsets never committed"
            loop._round()
            time.sleep(0.2)
    finally:
        stop.set()
        if intruder is not None:
            intruder.close(autocommit=False)
        loop.consumer.close(autocommit=False)
        loop.writer_thread.shutdown(wait=True)
        producer.close()
        db.close()
