"""One message of the simulated stream, as it goes to Kafka and into a recording."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Message:
    t: float                                 # simulated epoch seconds: when it is sent
    topic: str                               # readings | incidents | truth
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    ref: str                                 # what ground-truth labels point at
    malformed: str | None = None             # the dead-letter reason ingest should give

    @property
    def format(self) -> str:
        for name, value in self.headers:
            if name == "format":
                return value.decode("utf-8", "replace")
        return ""
