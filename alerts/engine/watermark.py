"""The engine's sense of time for ticks: how far the consumed stream has come.

Absence, windows and quiet zones let time pass on ticks. Ticking by the wall clock while
readings wait unread in Kafka makes the unread look like silence: after a restart, an
engine that was down longer than an offline window opened an offline case for every
device (#13.4). So the tick time is a watermark:

- while any assigned partition is behind its high watermark, the oldest point the
  lagging partitions have been read to: the Kafka timestamp of the last record read from
  each, and no tick at all until each has given one record;
- once every partition is read to its high watermark, the wall clock, as long as the
  stream is known to be live: something arrived within `live_s`, or the broker has just
  answered for the partitions' end offsets. An engine cut off from the broker (its polls
  come back empty) therefore does not let time pass either.

Kafka's timestamps (when the broker took the message) measure this, not the readings' own
times: a device clock that runs late must not hold the city's time back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping

from kafka import TopicPartition
from kafka.errors import KafkaError

from cityops.stream.lag import partition_lags

log = logging.getLogger("cityops.alerts")
ASK_TIMEOUT_MS = 1000


class Watermark:
    def __init__(self, live_s: float = 30.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.live_s = live_s
        self.monotonic = monotonic
        self.read_to: dict[TopicPartition, float] = {}  # Kafka time of the last record read
        self.live_at: float | None = None  # monotonic: last sign that the stream is live
        self.value: float | None = None    # never goes back
        self.standing_still = False
        # Kafka's time onto the engine's clock: the same unless the clock is simulated.
        self.to_clock: Callable[[float], float] = lambda wall: wall

    def consumed(self, tp: TopicPartition, timestamp_ms: int | None) -> None:
        self.live_at = self.monotonic()
        if timestamp_ms is not None and timestamp_ms >= 0:
            self.read_to[tp] = self.to_clock(timestamp_ms / 1000)

    def forget(self, partitions: Iterable[TopicPartition]) -> None:
        for tp in partitions:
            self.read_to.pop(tp, None)

    def now(self, consumer, read: Mapping[TopicPartition, int], wall: float) -> float | None:
        """The time to tick at, or None while it cannot be known (nothing assigned, a
        lagging partition not read from yet, or a caught-up stream not known to be live).

        `read` is the next offset to read per partition where the caller has read; `wall`
        is the engine's clock, the time once the stream is read to its end."""
        assigned = consumer.assignment()
        if not assigned:
            return None
        lags = partition_lags(consumer, read)
        behind = [tp for tp in assigned if lags.get(tp, 1) > 0]
        if behind:
            times = [self.read_to.get(tp) for tp in behind]
            candidate = None if None in times else min(times)
        else:
            candidate = wall if self._live(consumer, assigned, read) else None
        if candidate is None:
            return None
        if self.value is None or candidate > self.value:
            self.value = candidate
        return self.value

    def _live(self, consumer, assigned: set[TopicPartition],
              read: Mapping[TopicPartition, int]) -> bool:
        if self.live_at is not None and self.monotonic() - self.live_at <= self.live_s:
            return True
        # Quiet for a while: a quiet city, or a broker we no longer reach. Ask the broker.
        try:
            # Briefly: a loop that blocks here for the request timeout while the broker is
            # away is late to see it back (a 30 s outage then took 42 s to recover from).
            ends = consumer.end_offsets(list(assigned), timeout_ms=ASK_TIMEOUT_MS)
        except KafkaError as exc:
            if not self.standing_still:  # once an outage, not every tick
                log.warning("broker not answering: time stands still for the rules",
                            extra={"error": str(exc)[:200]})
            self.standing_still = True
            return False
        self.standing_still = False
        if all((read[tp] if tp in read else consumer.position(tp)) >= end
               for tp, end in ends.items()):
            self.live_at = self.monotonic()
            return True
        return False
