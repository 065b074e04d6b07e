"""A one-line progress bar on stderr (only when it is a terminal): rate and totals."""

from __future__ import annotations

import sys
import time
from typing import IO

from sim.tally import Tally


class Progress:
    def __init__(self, tally: Tally, duration: float | None = None,
                 out: IO[str] | None = None, enabled: bool = True) -> None:
        self.tally = tally
        self.duration = duration
        self.out = out or sys.stderr
        self.enabled = enabled and self.out.isatty()
        self.shown = 0.0

    def line(self) -> str:
        t = self.tally
        elapsed = time.monotonic() - t.started
        bar = ""
        if self.duration:
            done = min(elapsed / self.duration, 1.0)
            bar = "[" + "#" * int(done * 20) + "." * (20 - int(done * 20)) + "] "
        return (f"{bar}{elapsed:6.0f}s  {t.rate():9,.0f} msg/s  sent {t.total:,}  "
                f"readings {t.by_topic['readings']:,}  incidents {t.by_topic['incidents']:,}  "
                f"labels {t.by_topic['truth']:,}  malformed {t.malformed:,}")

    def show(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.enabled and (force or now - self.shown > 0.25):
            self.out.write("\r" + self.line() + "\x1b[K")
            self.out.flush()
            self.shown = now

    def close(self) -> None:
        if self.enabled:
            self.show(force=True)
            self.out.write("\n")
            self.out.flush()
