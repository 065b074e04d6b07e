"""The rules' time: behind while a backlog is read, the wall clock once caught up and live,
standing still while the broker is away."""

from __future__ import annotations

from kafka import TopicPartition
from kafka.errors import KafkaTimeoutError

from alerts.engine.watermark import Watermark

A, B = TopicPartition("t", 0), TopicPartition("t", 1)
WALL = 1_000_000.0


class Consumer:
    def __init__(self, high: dict, broker_up: bool = True) -> None:
        self.high = high
        self.broker_up = broker_up

    def assignment(self) -> set:
        return set(self.high)

    def highwater(self, tp):
        return self.high[tp]

    def position(self, tp) -> int:
        return 0

    def end_offsets(self, partitions, timeout_ms=None) -> dict:
        if not self.broker_up:
            raise KafkaTimeoutError("no broker")
        return {tp: self.high[tp] for tp in partitions}


class Monotonic:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_nothing_assigned_or_a_partition_not_fetched_yet_means_no_tick() -> None:
    mark = Watermark()
    assert mark.now(Consumer({}), {}, WALL) is None
    assert mark.now(Consumer({A: None}), {}, WALL) is None


def test_behind_means_the_oldest_point_the_lagging_partitions_are_read_to() -> None:
    mark = Watermark()
    mark.consumed(A, int((WALL - 600) * 1000))
    consumer = Consumer({A: 100, B: 50})
    assert mark.now(consumer, {A: 40}, WALL) is None  # B lags and nothing was read from it
    mark.consumed(B, int((WALL - 300) * 1000))
    assert mark.now(consumer, {A: 40, B: 20}, WALL) == WALL - 600
    assert mark.now(consumer, {A: 100, B: 20}, WALL) == WALL - 300  # A caught up


def test_caught_up_and_live_is_the_wall_clock_and_never_goes_back() -> None:
    mark = Watermark()
    mark.consumed(A, int((WALL - 5) * 1000))
    consumer = Consumer({A: 10})
    assert mark.now(consumer, {A: 10}, WALL) == WALL
    assert mark.now(consumer, {A: 10}, WALL - 50) == WALL


def test_a_quiet_stream_asks_the_broker_and_stands_still_while_it_is_away() -> None:
    clock = Monotonic()
    mark = Watermark(live_s=30, monotonic=clock)
    mark.consumed(A, int(WALL * 1000))
    clock.t = 31  # nothing for longer than live_s
    away = Consumer({A: 10}, broker_up=False)
    assert mark.now(away, {A: 10}, WALL + 600) is None
    back = Consumer({A: 10})
    assert mark.now(back, {A: 10}, WALL + 600) == WALL + 600
