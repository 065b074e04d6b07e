"""A batch of decoded readings and the offsets that may be committed once it is stored."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from kafka import TopicPartition

from store.readings import Reading


@dataclass
class Batch:
    max_rows: int
    max_seconds: float
    rows: list[Reading] = field(default_factory=list)
    messages: int = 0
    # Next offset to consume per partition, i.e. what Kafka's commit expects.
    offsets: dict[TopicPartition, int] = field(default_factory=dict)
    started: float | None = None
    # Each message that gave rows, and where its rows end: should the database refuse the
    # batch for its content, the refused messages are found and dead-lettered. (Two flat
    # lists, not a tuple per message: this runs for every message ingest reads.)
    sources: list[Any] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def add(self, partition: TopicPartition, offset: int, rows: list[Reading],
            message: Any = None) -> None:
        if self.started is None:
            self.started = time.monotonic()
        self.rows.extend(rows)
        if rows:  # every message with rows, so that each one's rows start where the last's end
            self.sources.append(message)
            self.ends.append(len(self.rows))
        self.messages += 1
        self.offsets[partition] = offset + 1

    def skip(self, partition: TopicPartition, offset: int) -> None:
        """A message that was dead-lettered: nothing to store, but its offset moves on."""
        self.add(partition, offset, [])

    @property
    def parts(self) -> list[tuple[Any, int, int]]:
        """(message, first row, end row) for each message that gave rows."""
        starts = [0, *self.ends[:-1]]
        return list(zip(self.sources, starts, self.ends, strict=True))

    @property
    def empty(self) -> bool:
        return not self.offsets

    def ready(self) -> bool:
        if self.empty:
            return False
        aged = self.started is not None and time.monotonic() - self.started >= self.max_seconds
        return len(self.rows) >= self.max_rows or aged
