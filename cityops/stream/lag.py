"""Consumer lag per partition from what the client already knows.

The high watermark comes back with every fetch, so lag can be read without asking the
broker. Asking (`end_offsets`) blocks for the request timeout while the broker is away,
and a loop that blocks there is late to notice that the broker is back.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

from kafka import TopicPartition


def partition_lags(consumer, next_offsets: Mapping[TopicPartition, int]) -> dict[
        TopicPartition, int]:
    """Messages not yet read, per assigned partition whose high watermark is known.

    `next_offsets` holds the next offset the caller will read where it has read something;
    other partitions fall back to the client's position, which is local once a fetch has
    come back (and one has, or the high watermark would be unknown).
    """
    lags: dict[TopicPartition, int] = {}
    for tp in consumer.assignment():
        high = consumer.highwater(tp)
        if high is None:
            continue
        position = next_offsets.get(tp)
        if position is None:
            position = consumer.position(tp)
        if position is not None:
            lags[tp] = max(0, high - position)
    return lags


class LagGauge:
    """Lag per partition on a gauge labelled (topic, partition), measured every `every_s`
    at most; both consumer loops (ingest's streams, the alerts engine) keep one."""

    def __init__(self, gauge, every_s: float = 5.0) -> None:
        self.gauge = gauge
        self.every_s = every_s
        self.measured_at = 0.0  # monotonic; 0: measure at the next update

    def due(self) -> bool:
        """Whether to measure now (callers skip building their offsets otherwise)."""
        return time.monotonic() - self.measured_at >= self.every_s

    def update(self, consumer, read: Mapping[TopicPartition, int]) -> None:
        if not self.due():
            return
        self.measured_at = time.monotonic()
        for tp, lag in partition_lags(consumer, read).items():
            self.gauge.labels(tp.topic, str(tp.partition)).set(lag)

    def forget(self, partitions: Iterable[TopicPartition]) -> None:
        """Partitions this member no longer reads: their lag is another member's to show."""
        for tp in partitions:
            try:
                self.gauge.remove(tp.topic, str(tp.partition))
            except KeyError:
                pass  # never measured: nothing to forget
