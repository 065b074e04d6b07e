"""Which MQTT messages the bridge may acknowledge, and in what order.

MQTT 3.1.1 §4.6 asks a receiver to send PUBACKs in the order the PUBLISHes arrived, while
Kafka confirms records in whatever order its partitions answer. The ledger holds the
messages of the current connection in arrival order and releases acknowledgements from the
front as Kafka confirms them. A reconnect starts a new ledger: an id of the old connection
may name another message on the new one, so its late confirmation is dropped — the broker
sends that message again (it was never acknowledged), and the sink stores it once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class AckLedger:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation = 0
        self.waiting: OrderedDict[int, bool] = OrderedDict()  # mid -> confirmed by Kafka

    def connected(self) -> int:
        """A new connection: forget the old one's messages; returns its generation."""
        with self.lock:
            self.generation += 1
            self.waiting.clear()
            return self.generation

    def received(self, generation: int, mid: int) -> None:
        with self.lock:
            if generation == self.generation:
                self.waiting[mid] = False

    def confirmed(self, generation: int, mid: int) -> None:
        with self.lock:
            if generation == self.generation and mid in self.waiting:
                self.waiting[mid] = True

    def releasable(self, generation: int) -> list[int]:
        """The ids to acknowledge now, in arrival order: the confirmed run at the front."""
        with self.lock:
            if generation != self.generation:
                return []
            ready = []
            while self.waiting:
                mid, done = next(iter(self.waiting.items()))
                if not done:
                    break
                self.waiting.popitem(last=False)
                ready.append(mid)
            return ready

    def pending(self) -> int:
        with self.lock:
            return len(self.waiting)
