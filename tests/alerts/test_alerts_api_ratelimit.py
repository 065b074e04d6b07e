"""Failed logins per username and address, over a sliding window."""

from __future__ import annotations

from identity.ratelimit import LoginLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_locks_after_the_limit_and_opens_when_the_window_passes():
    clock = Clock()
    limiter = LoginLimiter(max_failures=3, window_seconds=60, clock=clock)
    for _ in range(3):
        assert limiter.retry_after("wang", "10.0.0.1") == 0
        limiter.failed("wang", "10.0.0.1")
        clock.now += 1
    assert 55 < limiter.retry_after("Wang", "10.0.0.1") <= 58  # names compare without case
    assert limiter.retry_after("wang", "10.0.0.2") == 0  # another address is not locked
    assert limiter.retry_after("li", "10.0.0.1") == 0
    clock.now += 58
    assert limiter.retry_after("wang", "10.0.0.1") == 0


def test_success_clears_the_failures():
    limiter = LoginLimiter(max_failures=2, window_seconds=60, clock=Clock())
    limiter.failed("wang", "a")
    limiter.succeeded("wang", "a")
    limiter.failed("wang", "a")
    assert limiter.retry_after("wang", "a") == 0


def test_many_names_do_not_fill_memory():
    clock = Clock()
    limiter = LoginLimiter(max_failures=2, window_seconds=60, clock=clock)
    limiter.MAX_KEYS = 100
    for n in range(150):
        limiter.failed(f"guess{n}", "a")
        clock.now += 1
    assert len(limiter._failures) <= 100
    assert limiter.retry_after("never-tried", "b") == 0 and len(limiter._failures) <= 100
