"""The 派遣 move through the API: `alerts.dispatch.assign.dispatch` chooses the on-duty worker
by the roster rules, makes the move in one transaction and publishes on the dispatch topic.

`create_app(..., dispatcher=)` takes any callable of the `Dispatcher` shape, so tests can
hand in one with their own producer; `cityops api` builds a `BrokerDispatcher` from the
settings. An app without a dispatcher answers a dispatch with 503 (never a move without a
worker).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from alerts.dispatch.assign import Dispatched, dispatch
from cityops.stream import kafka_client

DISPATCHER_KEY = "cityops_dispatcher"


class Dispatcher(Protocol):
    def producer_or_none(self):
        """The producer, or None while the broker is unreachable (a notice then waits)."""
        try:
            return self.producer()
        except BrokerUnavailable:
            return None

    def __call__(self, conn, alert_id: int, *, actor: str, role: str,
                 expected_version: int, note: str | None) -> Dispatched: ...


class BrokerUnavailable(RuntimeError):
    """The dispatch topic cannot be reached; nothing was dispatched."""


class BrokerDispatcher:
    """Dispatch with one shared producer, opened on the first dispatch (so the API starts and
    serves reads while the broker is down) and closed by `close()`."""

    def __init__(self, settings, make_producer: Callable = kafka_client.producer) -> None:
        self.settings = settings
        self.topic = settings.topic("dispatch")
        self.make_producer = make_producer
        self._producer = None
        self._lock = threading.Lock()

    def producer(self):
        with self._lock:
            if self._producer is None:
                try:
                    self._producer = self.make_producer(self.settings)
                except Exception as exc:  # noqa: BLE001 - kafka_client raises ConfigError & co.
                    raise BrokerUnavailable(str(exc).splitlines()[0]) from exc
            return self._producer

    def producer_or_none(self):
        """The producer, or None while the broker is unreachable (a notice then waits)."""
        try:
            return self.producer()
        except BrokerUnavailable:
            return None

    def __call__(self, conn, alert_id: int, *, actor: str, role: str,
                 expected_version: int, note: str | None,
                 unit: str | None = None) -> Dispatched:
        # The producer first: when the broker is unreachable nothing is written at all.
        producer = self.producer()
        return dispatch(conn, producer, alert_id, actor, role, expected_version,
                        topic=self.topic, note=note, unit=unit)

    def close(self) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.close()
                self._producer = None


def producer_and_topic(dispatcher) -> tuple[object | None, str | None]:
    """The producer and topic of a server that dispatches, for a move that also tells
    someone (an escalation, a whistle); (None, None) without one or with the broker away:
    the message then waits in its row for `publish_pending`, or the desk sees the case."""
    if not isinstance(dispatcher, BrokerDispatcher):
        return None, None
    return dispatcher.producer_or_none(), dispatcher.topic
