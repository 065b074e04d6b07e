"""When a consumer is asked to rejoin: only when its last join finished uncollected."""

from __future__ import annotations

from dataclasses import dataclass, field

from cityops.stream.stalled_assignment import StalledAssignment, join_left_uncollected


@dataclass
class Task:
    is_done: bool


@dataclass
class Coordinator:
    _join_task: Task | None
    rejoin: bool = False
    asked: list[bool] = field(default_factory=list)

    def need_rejoin(self) -> bool:
        return self.rejoin

    def request_rejoin(self) -> None:
        self.asked.append(True)


@dataclass
class Consumer:
    _coordinator: Coordinator


def test_a_finished_join_nobody_will_collect_is_stalled() -> None:
    assert join_left_uncollected(Consumer(Coordinator(Task(is_done=True))))


def test_no_join_a_join_in_flight_or_one_the_next_poll_collects_is_not() -> None:
    assert not join_left_uncollected(Consumer(Coordinator(None)))
    assert not join_left_uncollected(Consumer(Coordinator(Task(is_done=False))))
    assert not join_left_uncollected(Consumer(Coordinator(Task(is_done=True), rejoin=True)))


def test_a_client_without_that_coordinator_is_left_alone() -> None:
    assert not join_left_uncollected(object())
    assert not StalledAssignment().check(object(), "group")


def test_check_asks_the_coordinator_to_rejoin_once_per_stall() -> None:
    coordinator = Coordinator(Task(is_done=True))
    stall = StalledAssignment()
    assert stall.check(Consumer(coordinator), "ingest")
    assert coordinator.asked == [True] and stall.rejoins == 1
    coordinator.rejoin = True  # what request_rejoin does to the real one
    assert not stall.check(Consumer(coordinator), "ingest")
    assert coordinator.asked == [True]
