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
from kafka.errors import KafkaError


class Record(NamedTuple):
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list
    timestamp: int  # ms; -1 when the message has none, as kafka-python gives it


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
                raise KafkaError(f"librdkafka: {message.error()}")
            tp = TopicPartition(message.topic(), message.partition())
            batch.setdefault(tp, []).append(Record(
                message.topic(), message.partition(), message.offset(), message.key(),
                message.value(), message.headers() or [], message.timestamp()[1]))
        return batch

    def commit(self, offsets: dict, timeout_ms: int | None = None) -> None:
        # timeout_ms: kafka-python's signature; librdkafka bounds the request itself.
        try:
            self.client.commit(offsets=_offsets(offsets), asynchronous=False)
        except confluent_kafka.KafkaException as exc:
            raise _ours_error(exc) from exc

    def commit_async(self, offsets: dict) -> None:
        try:
            self.client.commit(offsets=_offsets(offsets), asynchronous=True)
        except confluent_kafka.KafkaException as exc:
            raise _ours_error(exc) from exc

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


def _ours_error(exc: confluent_kafka.KafkaException) -> KafkaError:
    """kafka-python's error for librdkafka's: the stream loops catch KafkaError (a commit
    refused in a rebalance, a broker away), and librdkafka's own got past them."""
    return KafkaError(f"librdkafka: {exc.args[0] if exc.args else exc}")


def _offsets(offsets: dict) -> list[confluent_kafka.TopicPartition]:
    return [confluent_kafka.TopicPartition(tp.topic, tp.partition, meta.offset)
            for tp, meta in offsets.items()]


def _ours(p: confluent_kafka.TopicPartition) -> TopicPartition:
    return TopicPartition(p.topic, p.partition)


def _theirs(tp: TopicPartition) -> confluent_kafka.TopicPartition:
    return confluent_kafka.TopicPartition(tp.topic, tp.partition)
