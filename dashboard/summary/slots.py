"""Bounded Chromium for PDF exports, across every dashboard worker process.

Each export prints with a Chromium of its own (about 200 MB and a core for a second or
two), and gunicorn runs several worker processes with several threads each: with no bound
a few clicks at once could start a dozen. A slot is a lock file in the export folder
(`flock`), so the bound holds across processes, and a process that dies frees its slot.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Busy(Exception):
    """No slot came free within the wait."""


@contextmanager
def _locked(path: Path, deadline: float) -> Iterator[None]:
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(str(path)) from None
                time.sleep(0.1)  # flock has no timeout: try again until the deadline
        yield
    finally:
        os.close(fd)  # closing releases the lock


class ChromiumSlots:
    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder
        self.limit = max(1, limit)

    @contextmanager
    def held(self, wait_seconds: float) -> Iterator[None]:
        """One of the `limit` slots, waiting up to `wait_seconds`; Busy when none came."""
        self.folder.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + wait_seconds
        while True:
            for n in range(self.limit):
                try:
                    with _locked(self.folder / f"chromium-slot-{n}.lock", 0):
                        yield
                        return
                except Busy:
                    continue
            if time.monotonic() >= deadline:
                raise Busy(f"all {self.limit} Chromium slots busy")
            time.sleep(0.1)  # every slot taken: look again until the deadline

    @contextmanager
    def only_one(self, key: str, wait_seconds: float) -> Iterator[None]:
        """At most one process works on `key` at a time (the others wait, then find its
        result in the cache); Busy when the wait runs out."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with _locked(self.folder / f"{key}.lock", time.monotonic() + wait_seconds):
            yield
