"""The simulator's producer on librdkafka (confluent-kafka): KafkaSink's semantics, in C.

kafka-python spends ~23 µs of Python on every message; librdkafka batches, compresses
and sends on its own threads, so the simulator's process is left to generating.
"""

from __future__ import annotations

import confluent_kafka

from cityops.settings import Settings
from cityops.stream import kafka_client
from sim.kafka_sink import TOPICS, Partitioner
from sim.message import Message

# Same batching as the kafka-python sink, but no compression: librdkafka's gzip halves its
# rate (~110k against ~220k msg/s, bench/sim.py) and takes the CPU the generator needs;
# lz4/zstd/snappy would need packages kafka-python consumers lack. The queue holds a few
# seconds at full speed, so a short stall of the broker does not block the generator.
CONFIG = {"acks": "all", "linger.ms": 50, "batch.size": 1_000_000,
          "compression.type": "none", "client.id": "cityops-sim",
          "queue.buffering.max.messages": 1_000_000,
          "queue.buffering.max.kbytes": 512 * 1024,
          # Reports only for failures: a Python callback per delivered message costs.
          "delivery.report.only.error": True}
POLL_EVERY = 1000  # sends between serving delivery reports


class LibrdkafkaSink:
    def __init__(self, settings: Settings, **config: object) -> None:
        kafka_client.probe(settings)
        self.topics = {name: settings.topic(name) for name in TOPICS}
        self.producer = confluent_kafka.Producer({
            "bootstrap.servers": settings.kafka_bootstrap, **CONFIG, **config,
            "on_delivery": self._delivered})
        self.errors = 0
        self.last_error: str | None = None
        self.partition = Partitioner({name: self._partitions(topic)
                                      for name, topic in self.topics.items()})
        self.unpolled = 0

    def _partitions(self, topic: str) -> int:
        meta = self.producer.list_topics(topic, timeout=10).topics[topic]
        if meta.error is not None:
            raise OSError(f"topic {topic}: {meta.error.str()}")
        return len(meta.partitions)

    def _delivered(self, err: confluent_kafka.KafkaError | None, _msg: object) -> None:
        if err is not None:
            self.errors += 1
            self.last_error = err.str()[:200]

    def send(self, m: Message) -> None:
        args = (self.topics[m.topic], m.value, m.key)
        part = self.partition(m.topic, m.key)
        while True:
            try:
                self.producer.produce(*args, partition=part, headers=list(m.headers))
                break
            except BufferError:  # the local queue is full: let the broker take some
                self.producer.poll(0.1)
        self.unpolled += 1
        if self.unpolled >= POLL_EVERY:
            self.producer.poll(0)
            self.unpolled = 0

    def flush(self) -> None:
        self.producer.flush()

    def close(self, timeout: float = 30.0) -> None:
        left = self.producer.flush(timeout)
        if left:  # never acknowledged: as lost as a refused message
            self.errors += left
            self.last_error = f"{left} messages not delivered within {timeout:.0f} s"
