"""Login attempts per username and address: a sliding window of recent failures.

Five wrong passwords for one name from one address within five minutes lock that pair
until the oldest failure leaves the window; other addresses and other names are not
affected, so an attacker cannot lock a colleague out from elsewhere. Kept in memory: one
API process per box is the deployment today. Behind several processes the limit applies
per process; move it to a table then.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class LoginLimiter:
    MAX_KEYS = 10_000

    def __init__(self, max_failures: int = 5, window_seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        times = self._failures[key]
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    def retry_after(self, username: str, address: str) -> float:
        """Seconds until this pair may try again; 0 when it may try now."""
        key = (username.casefold(), address)
        with self._lock:
            times = self._recent(key)
            if not times:
                self._failures.pop(key, None)  # retry_after must not grow the table
                return 0.0
            if len(times) < self.max_failures:
                return 0.0
            return max(times[0] + self.window - self.clock(), 0.001)

    def failed(self, username: str, address: str) -> None:
        with self._lock:
            self._recent((username.casefold(), address)).append(self.clock())
            if len(self._failures) > self.MAX_KEYS:
                self._forget_quiet()

    def _forget_quiet(self) -> None:
        """Drop pairs with no failure in the window, so guessing many names cannot fill memory."""
        for key in list(self._failures):
            if not self._recent(key):
                del self._failures[key]

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop((username.casefold(), address), None)
