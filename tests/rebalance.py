"""Driving a consumer loop by hand, and a second group member that forces a rebalance."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from cityops.stream import kafka_client


def step_until(step: Callable[[], object], done: Callable[[], bool],
               timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        step()


@contextmanager
def second_member(settings, group: str, topics: list[str],
                  **options: object) -> Iterator[None]:
    """Join `group` on `topics` and keep polling, so that the group rebalances now; leave
    (another rebalance) on exit. `options` as the group's members have them (its
    assignor)."""
    member = kafka_client.consumer(settings, group, [], **options)
    kafka_client.subscribe(member, topics)
    stop = threading.Event()
    polling = threading.Thread(target=lambda: [member.poll(200) for _ in iter(stop.is_set,
                                                                                True)])
    polling.start()
    try:
        yield
    finally:
        stop.set()
        polling.join(timeout=10)
        member.close(autocommit=False)
