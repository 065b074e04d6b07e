"""Both consumer clients keep the contract the stream loops rely on (#13.8): a commit the
broker refuses raises kafka-python's KafkaError, which ingest catches and logs (the rows
are stored; a later commit or the next owner covers them). librdkafka's own
KafkaException got past that handler and killed ingest."""

from __future__ import annotations

import uuid

import pytest
from kafka import OffsetAndMetadata, TopicPartition
from kafka.errors import KafkaError

from cityops.stream import kafka_client
from cityops.topics import delete_topics, ensure_topics, topic_specs

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("client", ["kafka-python", "librdkafka"])
def test_a_refused_commit_is_a_kafka_error_on_either_client(base_settings, client) -> None:
    settings = base_settings.replace(kafka_client=client,
                                     topic_prefix=f"test.contract.{uuid.uuid4().hex[:8]}.")
    admin = kafka_client.admin_client(settings)
    ensure_topics(admin, topic_specs(settings))
    group = f"contract-{uuid.uuid4().hex[:8]}"
    consumer = kafka_client.consumer(settings, group, [settings.topic("readings")])
    try:
        for _ in range(50):  # until the group has given this member its partitions
            consumer.poll(timeout_ms=200, max_records=10)
            if consumer.assignment():
                break
        assert consumer.assignment()
        with pytest.raises(KafkaError):
            consumer.commit({TopicPartition("no.such.topic", 0): OffsetAndMetadata(1, "", -1)},
                            timeout_ms=3000)
    finally:
        consumer.close(autocommit=False)
        delete_topics(admin, list(settings.topics.values()))
        admin.close()
