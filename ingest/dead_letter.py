"""The dead-letter topic: the original bytes, where they came from, and why they were refused."""

from __future__ import annotations

from kafka import KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord


class DeadLetters:
    def __init__(self, producer: KafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic
        self.pending: list = []

    def send(self, record: ConsumerRecord, reason: str, detail: str) -> None:
        headers = [
            ("reason", reason.encode()),
            ("detail", detail[:500].encode("utf-8", "replace")),
            ("source_topic", record.topic.encode()),
            ("source_partition", str(record.partition).encode()),
            ("source_offset", str(record.offset).encode()),
        ]
        self.pending.append(self.producer.send(self.topic, key=record.key, value=record.value,
                                               headers=headers))

    def flush(self, timeout: float = 30) -> None:
        """Before offsets are committed, every dead letter must be safely in Kafka."""
        if self.pending:
            self.producer.flush(timeout)
            for future in self.pending:
                future.get(timeout)  # raises if the broker refused it: then nothing commits
            self.pending = []
