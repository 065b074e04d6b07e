"""A dead letter the broker refuses does not stall ingest.

Before the fix, `DeadLetters.flush` asked the same failed future again on every retry, so
one refused dead letter stopped ingest for good: nothing written, nothing committed, the
batch growing. Here the dead-letter topic takes at most 1 KiB, and a malformed message of
900 bytes plus its reason headers is over that: ingest must send the letter without its
value (the original stays in the source topic) and go on.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from kafka.admin import ConfigResource, ConfigResourceType
from psycopg2.extras import Json

from cityops.stream import kafka_client
from store import db as store_db
from store import devices as store_devices
from tests.integration.ingest_run import (
    committed,
    count,
    read_topic,
    start_ingest,
    stop,
    wait_for,
)

pytestmark = pytest.mark.integration


def test_a_dead_letter_too_large_for_its_topic_does_not_stall_ingest(isolated) -> None:
    figures = dead_letter_run(isolated("dlq_stall"), bad=1, good=0)
    assert figures["committed"] == 1 and figures["letters"] == 1
    assert figures["without_value"] == 1 and figures["first_offset"] == "0"


def dead_letter_run(settings, bad: int, good: int) -> dict:
    """`bad` messages whose dead letters the topic refuses, among `good` readings, through
    a real ingest. Also the `dead-letter send failure` family of `make reliability`."""
    admin = kafka_client.admin_client(settings)
    admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, settings.topic("dlq"),
                                        configs={"max.message.bytes": "1024"})])
    admin.close()
    conn = store_db.connect(settings.database_url)
    store_devices.upsert(conn, [{"device_id": "dlq-good", "kind": "water_main",
                                 "placed": False, "meta": Json({})}])
    producer = kafka_client.producer(settings)
    start = datetime.now(UTC) - timedelta(seconds=bad + good + 3600)  # none in the future
    step = max(1, (bad + good) // bad) if bad else 0
    spoiled = {i * step for i in range(bad)}  # spread among the good ones
    for i in range(bad + good):
        if i in spoiled:
            value = b"\xff" * 900  # malformed, and its letter is over the topic's limit
        else:
            value = json.dumps({"device": "dlq-good", "ts": (start + timedelta(
                seconds=i)).isoformat(), "values": {"pressure_kpa": 300.0}}).encode()
        producer.send(settings.topic("readings"), key=b"dev-x", value=value)
    producer.flush()
    producer.close()

    started = time.monotonic()
    proc = start_ingest(settings)
    try:
        wait_for(lambda: committed(settings, settings.ingest_group,
                                   settings.topic("readings")) == bad + good, timeout=120)
    except AssertionError:
        raise AssertionError(stop(proc)[-4000:]) from None
    caught_up_s = time.monotonic() - started
    stop(proc)

    letters = read_topic(settings, settings.topic("dlq"))
    figures = {
        "produced": bad + good, "committed": bad + good, "letters": len(letters),
        "without_value": sum(1 for r in letters if r.value is None
                             and b"900 bytes" in dict(r.headers).get("value_dropped", b"")),
        "first_offset": dict(letters[0].headers)["source_offset"].decode() if letters else "",
        "stored": count(conn, "SELECT count(*) FROM readings"),
        "caught_up_s": round(caught_up_s, 1)}
    conn.close()
    return figures
