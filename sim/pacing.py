"""Sending on time: simulated instants mapped onto the wall clock at a chosen speed."""

from __future__ import annotations

import time

from cityops.service import StopSignal


class Pacer:
    """Holds each message until its moment: (t - first t) / speed after the start.

    speed 1 is real time; None sends as fast as the sink takes them. When the sink
    falls behind, messages go out at once and the backlog shows as lag.
    """

    def __init__(self, speed: float | None, stop: StopSignal | None = None) -> None:
        self.speed = speed
        self.stop = stop
        self.origin: tuple[float, float] | None = None  # (simulated t, wall clock)

    def wait(self, t: float) -> float:
        """Sleep until t is due; returns how far behind schedule we are, in seconds."""
        if self.speed is None:
            return 0.0
        now = time.monotonic()
        if self.origin is None:
            self.origin = (t, now)
        ahead = self.origin[1] + (t - self.origin[0]) / self.speed - now
        if ahead > 0.002:  # below a couple of ms a sleep costs more than it keeps
            if self.stop is not None:
                self.stop.wait(ahead)
            else:
                time.sleep(ahead)
        return max(0.0, -ahead)
