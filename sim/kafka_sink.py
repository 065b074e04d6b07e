"""Messages into the Kafka topics of the settings, keyed as ingest expects."""

from __future__ import annotations

from kafka.partitioner.default import murmur2

from cityops import kafka_client
from cityops.settings import Settings
from sim.message import Message

# Measured in bench/sim.py: large batches with gzip (zlib is C) beat no compression for
# kafka-python; acks=all stays, losing simulated data is still a bug.
PRODUCER_OPTIONS = {"linger_ms": 50, "batch_size": 1024 * 1024, "compression_type": "gzip",
                    "max_request_size": 8 * 1024 * 1024, "client_id": "cityops-sim"}


class KafkaSink:
    def __init__(self, settings: Settings, **options: object) -> None:
        self.topics = {name: settings.topic(name) for name in ("readings", "incidents",
                                                                "truth")}
        self.producer = kafka_client.producer(settings, **{**PRODUCER_OPTIONS, **options})
        self.errors = 0
        self.last_error: str | None = None
        self.partitions = {name: len(self.producer.partitions_for(topic))
                           for name, topic in self.topics.items()}
        self.partition_of: dict[tuple[str, bytes], int] = {}

    def _partition(self, topic: str, key: bytes) -> int:
        # Kafka's default partitioner (murmur2 of the key), worked out once per key: in
        # kafka-python it is pure Python and was a fifth of the cost of every send.
        found = self.partition_of.get((topic, key))
        if found is None:
            found = (murmur2(key) & 0x7FFFFFFF) % self.partitions[topic]
            self.partition_of[(topic, key)] = found
        return found

    def _failed(self, exc: Exception) -> None:
        self.errors += 1
        self.last_error = str(exc)[:200]

    def send(self, m: Message) -> None:
        future = self.producer.send(self.topics[m.topic], key=m.key, value=m.value,
                                    headers=list(m.headers),
                                    partition=self._partition(m.topic, m.key))
        future.add_errback(self._failed)

    def close(self, timeout: float = 30.0) -> None:
        self.producer.flush(timeout=timeout)
        self.producer.close(timeout=timeout)
