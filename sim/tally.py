"""What the simulator has sent so far, for its progress bar and its /metrics."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge

from sim.message import Message


class Tally:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter("cityops_sim_messages", "messages sent, by topic", ["topic"],
                                registry=self.registry)
        self.malformed_total = Counter("cityops_sim_malformed", "broken messages sent",
                                       registry=self.registry)
        self.lag = Gauge("cityops_sim_lag_seconds", "how far sending is behind schedule",
                         registry=self.registry)
        self.errors_total = Gauge("cityops_sim_send_errors", "messages the broker refused",
                                  registry=self.registry)
        self.by_topic = {"readings": 0, "incidents": 0, "truth": 0}
        self.malformed = 0
        self.started = time.monotonic()
        self._pending = {"readings": 0, "incidents": 0, "truth": 0}
        self._pending_malformed = 0

    def count(self, m: Message) -> None:
        self._pending[m.topic] += 1
        if m.malformed:
            self._pending_malformed += 1

    def add(self, topic: str, n: int, malformed: int = 0) -> None:
        """Counts sent elsewhere (by a child process), added at the next flush."""
        self._pending[topic] += n
        self._pending_malformed += malformed

    def flush(self, lag: float = 0.0, errors: int = 0) -> None:
        """Moves counts to Prometheus in bulk: a labelled inc() per message costs too much."""
        for topic, n in self._pending.items():
            if n:
                self.messages.labels(topic).inc(n)
                self.by_topic[topic] += n
                self._pending[topic] = 0
        if self._pending_malformed:
            self.malformed_total.inc(self._pending_malformed)
            self.malformed += self._pending_malformed
            self._pending_malformed = 0
        self.lag.set(lag)
        self.errors_total.set(errors)

    @property
    def total(self) -> int:
        return sum(self.by_topic.values())

    def rate(self) -> float:
        return self.total / max(time.monotonic() - self.started, 1e-9)
