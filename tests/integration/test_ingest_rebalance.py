"""A rebalance while ingest holds a batch it has not stored: the revoke listener stores it
and commits its offsets, and the stream goes on. kafka-python 3 runs that listener on its
IO thread, where a blocking commit raises; ingest's round then failed on every poll."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from cityops.stream import kafka_client
from ingest.dead_letter import DeadLetters
from ingest.metrics import IngestMetrics
from ingest.service import build_stream
from store import db as store_db
from tests.integration.ingest_run import committed
from tests.integration.test_ingest_e2e import produce_readings, register_devices, stored
from tests.rebalance import second_member, step_until

pytestmark = pytest.mark.integration


def test_a_rebalance_stores_the_batch_in_hand_and_ingest_goes_on(isolated) -> None:
    settings = isolated("ingrebal").replace(ingest_batch_size=1_000_000,
                                            ingest_batch_ms=3_600_000)
    db = store_db.connect(settings.database_url)
    register_devices(db)
    expected = produce_readings(settings, datetime.now(UTC).replace(microsecond=0))
    producer = kafka_client.producer(settings)
    loop = build_stream("readings", settings, IngestMetrics(),
                        DeadLetters(producer, settings.topic("dlq")))
    topic = settings.topic("readings")
    try:
        # Every message is read into one batch that nothing flushes but the rebalance.
        step_until(loop._round, lambda: len(loop.batch.rows) >= len(expected))
        assert stored(db) == []
        with second_member(settings, settings.ingest_group, [topic]):
            # _round() raised on every call here before the fix
            step_until(loop._round, lambda: len(stored(db)) >= len(expected))
            assert len(stored(db)) == len(expected)
            # The commit was sent without waiting; it arrives (10,000 and 2 bad messages).
            deadline = time.monotonic() + 30
            while committed(settings, settings.ingest_group, topic) < len(expected) + 2:
                assert time.monotonic() < deadline, "offsets never committed"
                loop._round()
                time.sleep(0.2)
    finally:
        loop.consumer.close(autocommit=False)
        loop.writer_thread.shutdown(wait=True)
        producer.close()
        db.close()
