"""A consumer on librdkafka (confluent-kafka) with the slice of kafka-python's interface
that ingest uses, so the same stream loop runs on either client.

kafka-python stays the default and the reference; this exists because its per-record
decoding in pure Python caps one process at roughly 30,000 messages/s on this machine
(docs/benchmarks.md). Choose it with CITYOPS_KAFKA_CLIENT=librdkafka.
"""

from __future__ import annotations

from typing import NamedTuple

import confluent_kafka
from kafka import TopicPartition


class Record(NamedTuple):
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list


class LibrdkafkaConsumer:
    def __init__(self, bootstrap: str, group: str, client_id: str,
                 session_timeout_ms: int = 10_000) -> None:
        self.client = confluent_kafka.Consumer({
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "client.id": client_id,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": session_timeout_ms,
            "fetch.max.bytes": 16 * 1024 * 1024,
            "max.partition.fetch.bytes": 4 * 1024 * 1024,
            "topic.metadata.refresh.interval.ms": 5000,  # see kafka_client.consumer
        })

    def subscribe(self, topics: list[str], listener=None) -> None:
        def assigned(_consumer, partitions) -> None:
            if listener is not None:
                listener.on_partitions_assigned({_ours(p) for p in partitions})

        def revoked(_consumer, partitions) -> None:
            if listener is not None:
                listener.on_partitions_revoked({_ours(p) for p in partitions})

        self.client.subscribe(topics, on_assign=assigned, on_revoke=revoked)

    def poll(self, timeout_ms: int = 0, max_records: int = 500) -> dict:
        batch: dict[TopicPartition, list[Record]] = {}
        for message in self.client.consume(num_messages=max_records,
                                           timeout=timeout_ms / 1000):
            if message.error() is not None:
                if message.error().retriable() or not message.error().fatal():
                    continue  # librdkafka retries transient errors itself
                raise confluent_kafka.KafkaException(message.error())
            tp = TopicPartition(message.topic(), message.partition())
            batch.setdefault(tp, []).append(Record(
                message.topic(), message.partition(), message.offset(), message.key(),
                message.value(), message.headers() or []))
        return batch

    def commit(self, offsets: dict) -> None:
        self.client.commit(offsets=_offsets(offsets), asynchronous=False)

    def commit_async(self, offsets: dict) -> None:
        self.client.commit(offsets=_offsets(offsets), asynchronous=True)

    def assignment(self) -> set[TopicPartition]:
        return {_ours(p) for p in self.client.assignment()}

    def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        # Cached: the high watermark arrives with every fetch; asking the broker blocks.
        return {tp: max(self.client.get_watermark_offsets(_theirs(tp), cached=True)[1], 0)
                for tp in partitions}

    def partitions_for_topic(self, topic: str) -> set[int]:
        found = self.client.list_topics(topic, timeout=10).topics.get(topic)
        return set(found.partitions) if found is not None and found.partitions else set()

    def highwater(self, tp: TopicPartition) -> int | None:
        """The high watermark the last fetch brought back; None before the first."""
        high = self.client.get_watermark_offsets(_theirs(tp), cached=True)[1]
        return high if high >= 0 else None

    def position(self, tp: TopicPartition) -> int:
        (found,) = self.client.position([_theirs(tp)])
        return max(found.offset, 0)

    def close(self, autocommit: bool = False) -> None:
        self.client.close()  # auto-commit is off, so closing commits nothing


def _offsets(offsets: dict) -> list[confluent_kafka.TopicPartition]:
    return [confluent_kafka.TopicPartition(tp.topic, tp.partition, meta.offset)
            for tp, meta in offsets.items()]


def _ours(p: confluent_kafka.TopicPartition) -> TopicPartition:
    return TopicPartition(p.topic, p.partition)


def _theirs(tp: TopicPartition) -> confluent_kafka.TopicPartition:
    return confluent_kafka.TopicPartition(tp.topic, tp.partition)
