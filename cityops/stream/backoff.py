"""Waiting for the database (or broker) to come back, in a way a stop cuts short.

Both consumer loops retry a write until it lands, doubling the wait up to a ceiling.
The wait is on the service's stop event, never `time.sleep`: a SIGTERM during an outage
must end the process at once (its uncommitted offsets are simply read again on restart),
not after the supervisor's patience has run out.
"""

from __future__ import annotations

import threading


class Stopped(Exception):
    """A stop came while waiting to retry: nothing was stored, nothing is committed."""


class Backoff:
    def __init__(self, stop: threading.Event, first: float = 0.5, ceiling: float = 15.0) -> None:
        self.stop = stop
        self.delay = first
        self.ceiling = ceiling

    def wait(self) -> None:
        """Wait the current delay, then double it; raise Stopped at once if a stop comes."""
        if self.stop.wait(self.delay):
            raise Stopped
        self.delay = min(self.delay * 2, self.ceiling)
