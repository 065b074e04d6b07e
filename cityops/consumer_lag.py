"""Consumer lag per partition from what the client already knows.

The high watermark comes back with every fetch, so lag can be read without asking the
broker. Asking (`end_offsets`) blocks for the request timeout while the broker is away,
and a loop that blocks there is late to notice that the broker is back.
"""

from __future__ import annotations

from collections.abc import Mapping

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
