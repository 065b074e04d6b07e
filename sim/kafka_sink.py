"""Messages into the Kafka topics of the settings, keyed as ingest expects.

Two producers with the same semantics (key, headers, Kafka's default partition for the
key, acks=all, refused messages counted, flush on close), chosen by the setting
`kafka_client`: kafka-python (the default) or librdkafka (confluent-kafka), which
sends several times faster (docs/benchmarks-sim.md).
"""

from __future__ import annotations

from typing import Protocol

from kafka.partitioner.default import murmur2

from cityops.settings import Settings
from cityops.stream import kafka_client
from sim.message import Message

# Measured in bench/sim.py: large batches with gzip (zlib is C) beat no compression for
# kafka-python; acks=all stays, losing simulated data is still a bug.
PRODUCER_OPTIONS = {"linger_ms": 50, "batch_size": 1024 * 1024, "compression_type": "gzip",
                    "max_request_size": 8 * 1024 * 1024, "client_id": "cityops-sim"}
TOPICS = ("readings", "incidents", "truth")


class Sink(Protocol):
    errors: int
    last_error: str | None

    def send(self, m: Message) -> None: ...
    def flush(self) -> None: ...
    def close(self, timeout: float = 30.0) -> None: ...


class Partitioner:
    """Kafka's default partitioner (murmur2 of the key), worked out once per key: in
    kafka-python it is pure Python and was a fifth of the cost of every send."""

    def __init__(self, partitions: dict[str, int]) -> None:
        self.partitions = partitions
        self.known: dict[tuple[str, bytes], int] = {}

    def __call__(self, topic: str, key: bytes) -> int:
        found = self.known.get((topic, key))
        if found is None:
            found = (murmur2(key) & 0x7FFFFFFF) % self.partitions[topic]
            self.known[(topic, key)] = found
        return found


def open_sink(settings: Settings) -> Sink:
    """The producer the settings ask for."""
    if settings.kafka_client == "librdkafka":
        from sim.librdkafka_sink import LibrdkafkaSink
        return LibrdkafkaSink(settings)
    return KafkaSink(settings)


class KafkaSink:
    def __init__(self, settings: Settings, **options: object) -> None:
        self.topics = {name: settings.topic(name) for name in TOPICS}
        self.producer = kafka_client.producer(settings, **{**PRODUCER_OPTIONS, **options})
        self.errors = 0
        self.last_error: str | None = None
        self.partition = Partitioner({name: len(self.producer.partitions_for(topic))
                                      for name, topic in self.topics.items()})

    def _failed(self, exc: Exception) -> None:
        self.errors += 1
        self.last_error = str(exc)[:200]

    def send(self, m: Message) -> None:
        future = self.producer.send(self.topics[m.topic], key=m.key, value=m.value,
                                    headers=list(m.headers),
                                    partition=self.partition(m.topic, m.key))
        future.add_errback(self._failed)

    def flush(self) -> None:
        self.producer.flush()

    def close(self, timeout: float = 30.0) -> None:
        self.producer.flush(timeout=timeout)
        self.producer.close(timeout=timeout)
