"""A dead letter the broker refuses does not stall ingest.

Before the fix, `DeadLetters.flush` asked the same failed future again on every retry, so
one refused dead letter stopped ingest for good: nothing written, nothing committed, the
batch growing. Here the dead-letter topic takes at most 1 KiB, and a malformed message of
900 bytes plus its reason headers is over that: ingest must send the letter without its
value (the original stays in the source topic) and go on.
"""

from __future__ import annotations

import pytest
from kafka.admin import ConfigResource, ConfigResourceType

from cityops.stream import kafka_client
from tests.integration.ingest_run import committed, read_topic, start_ingest, stop, wait_for

pytestmark = pytest.mark.integration


def test_a_dead_letter_too_large_for_its_topic_does_not_stall_ingest(isolated) -> None:
    settings = isolated("dlq_stall")
    admin = kafka_client.admin_client(settings)
    admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, settings.topic("dlq"),
                                        configs={"max.message.bytes": "1024"})])
    admin.close()
    producer = kafka_client.producer(settings)
    producer.send(settings.topic("readings"), key=b"dev-x", value=b"\xff" * 900).get(10)
    producer.close()

    proc = start_ingest(settings)
    try:
        wait_for(lambda: committed(settings, settings.ingest_group,
                                   settings.topic("readings")) == 1, timeout=60)
    except AssertionError:
        raise AssertionError(stop(proc)[-4000:]) from None
    stop(proc)

    [letter] = read_topic(settings, settings.topic("dlq"))
    headers = dict(letter.headers)
    assert letter.value is None and b"900 bytes" in headers["value_dropped"]
    assert headers["source_offset"] == b"0" and headers["reason"]
