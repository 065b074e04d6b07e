"""One rule's state by key, noting which keys were touched since the last save.

The engine saves a partition's state key by key (alerts/engine/partition.py): only keys
read or written since the last save can have changed, so only those are compared with
what was saved, and a save costs what changed, not the whole state. Rule functions use
it as a plain dict; reads through [] / get / setdefault / pop count as touches, because
rule state is mutated in place after being read.
"""

from __future__ import annotations

import heapq
from typing import Any


class States(dict):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.touched: set[str] = set()
        # Absence's due-time index (alerts/rules/evaluate/absence.py): built on first use,
        # so restored state needs no rebuild step of its own.
        self.due: list[tuple[float, str]] | None = None
        self.scheduled: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.touched.add(key)
        return super().__getitem__(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.touched.add(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.touched.add(key)
        super().__delitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.touched.add(key)
        return super().get(key, default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self.touched.add(key)
        return super().setdefault(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        self.touched.add(key)
        return super().pop(key, *default)

    def take_touched(self) -> set[str]:
        touched, self.touched = self.touched, set()
        return touched

    def schedule(self, key: str, at: float) -> None:
        """Look at `key` again at `at` (at most one entry per key)."""
        if self.due is not None and key not in self.scheduled:
            self.scheduled.add(key)
            heapq.heappush(self.due, (at, key))

    def due_keys(self, now: float, first: Any) -> list[str]:
        """Keys whose time came, building the index from `first(key, state)` (the due time,
        or None for a key with nothing to wait for) the first time it is asked."""
        if self.due is None:
            self.due = [(at, key) for key, st in super().items()
                        if (at := first(key, st)) is not None]
            heapq.heapify(self.due)
            self.scheduled = {key for _, key in self.due}
        found = []
        while self.due and self.due[0][0] <= now:
            _, key = heapq.heappop(self.due)
            self.scheduled.discard(key)
            found.append(key)
        return found
