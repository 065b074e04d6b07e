"""Simulated load with a ledger: every message the broker acknowledged, and what it implies.

Devices report a water-main pressure every 10 s of simulated time; every fourth device
drops below the rule's level at an instant of its own and stays there, so a case opens
one hold (5 simulated minutes) later, and at any moment of the run some holds are
pending. Hotline incidents come in between; a burst of bad messages from the corpus can
be sent beside. The ledger keeps only what the broker acknowledged, so the checks compare
the store with what was really produced.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cityops.stream import kafka_client
from tests.bad_messages import corpus
from tests.reliability.faults.world import HOLD_S, POINT, RULE_ID, World

STEP_S = 10            # simulated seconds between a device's readings
BREACH_EVERY = 4       # one device in this many breaches once
INCIDENT_EVERY = 3     # one hotline incident every this many instants
BIG = 64 * 1024        # corpus messages larger than this are sent once, not repeated


@dataclass
class Plan:
    instants: int          # rounds of one reading per device
    per_second: float      # rounds per wall-clock second

    @property
    def seconds(self) -> float:
        return self.instants / self.per_second


@dataclass
class Ledger:
    readings: set[str] = field(default_factory=set)
    incidents: set[str] = field(default_factory=set)
    bad: Counter = field(default_factory=Counter)      # (stream, reason) -> acknowledged
    failed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, into: set[str], line: str) -> None:
        with self.lock:
            into.add(line)

    def add_bad(self, stream: str, reason: str) -> None:
        with self.lock:
            self.bad[(stream, reason)] += 1

    def add_failed(self, _exc: BaseException | None = None) -> None:
        with self.lock:
            self.failed += 1


def digest(lines) -> str:
    """The checksum of a set of lines, independent of order."""
    h = hashlib.sha256()
    for line in sorted(lines):
        h.update(line.encode() + b"\n")
    return h.hexdigest()


def reading_line(device: str, ts: datetime, value: float) -> str:
    return f"{device}|{ts.astimezone(UTC).isoformat()}|{value:.1f}"


def incident_line(source_id: str, ts: datetime) -> str:
    return f"hotline|{source_id}|{ts.astimezone(UTC).isoformat()}"


class Load:
    """A producer thread that sends the plan at its pace; `ledger` fills as acks arrive."""

    def __init__(self, world: World, plan: Plan, label: str) -> None:
        self.world, self.plan, self.label = world, plan, label
        self.ledger = Ledger()
        # Old enough that the last reading is still in the past, recent enough to be kept.
        self.start = (datetime.now(UTC).replace(microsecond=0)
                      - timedelta(seconds=STEP_S * plan.instants + 600))
        devices = world.devices
        breaching = devices[::BREACH_EVERY]
        span = max(1, plan.instants - 20 - HOLD_S // STEP_S)
        self.breach_at = {d: 10 + (k * span) // len(breaching) for k, d in enumerate(breaching)}
        self.sent_instants = 0
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"load-{label}", daemon=True)

    # -- what the plan means -------------------------------------------------------------
    def ts(self, instant: int) -> datetime:
        return self.start + timedelta(seconds=STEP_S * instant)

    def value(self, d: int, device: str, instant: int) -> float:
        b = self.breach_at.get(device)
        if b is not None and instant >= b:
            return 120.0 + (d + instant) % 10          # at or below 150: breaching
        return 300.0 + (d * 7 + instant) % 50

    def expected_cases(self) -> dict[str, datetime]:
        """Fingerprint -> hold start, for every breach whose hold ended within the run."""
        hold = HOLD_S // STEP_S
        return {f"{RULE_ID}|{d}": self.ts(b) for d, b in self.breach_at.items()
                if b + hold < self.sent_instants}

    # -- sending -------------------------------------------------------------------------
    def begin(self) -> Load:
        self.thread.start()
        return self

    def join(self, timeout: float) -> None:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"the load did not finish within {timeout}s"
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            self._send_all()
        except BaseException as exc:  # noqa: BLE001 - handed to the test by join()
            self.error = exc
        finally:
            self.done.set()

    def _send_all(self) -> None:
        # Retries without end and a long delivery timeout: a broker outage delays the
        # devices' messages, as it would in the field; it does not drop them.
        producer = kafka_client.producer(self.world.settings, delivery_timeout_ms=300_000,
                                         max_block_ms=300_000, request_timeout_ms=10_000)
        began = time.monotonic()
        for instant in range(self.plan.instants):
            self._send_instant(producer, instant)
            self.sent_instants = instant + 1
            pause = began + (instant + 1) / self.plan.per_second - time.monotonic()
            if pause > 0:  # pacing at the planned rate, not a wait for a condition
                time.sleep(pause)
        producer.flush(timeout=300)
        producer.close()

    def _send_instant(self, producer, instant: int) -> None:
        ts = self.ts(instant)
        topic = self.world.settings.topic("readings")
        for d, device in enumerate(self.world.devices):
            value = self.value(d, device, instant)
            body = {"device": device, "ts": ts.isoformat(), "values": {"pressure_kpa": value}}
            future = producer.send(topic, key=device.encode(), value=json.dumps(body).encode())
            self._on_ack(future, self.ledger.readings, reading_line(device, ts, value))
        if instant % INCIDENT_EVERY == 0:
            n = instant // INCIDENT_EVERY
            source_id = f"{self.label}-{n}"
            body = {"source": "hotline", "source_id": source_id, "reported_at": ts.isoformat(),
                    "category": "市容环境", "description": f"fault drill call {n}",
                    "lon": POINT[0] + 0.002 * (n % 7), "lat": POINT[1] + 0.002 * (n % 5)}
            future = producer.send(self.world.settings.topic("incidents"),
                                   key=source_id.encode(), value=json.dumps(
                                       body, ensure_ascii=False).encode())
            self._on_ack(future, self.ledger.incidents, incident_line(source_id, ts))

    def _on_ack(self, future, into: set[str], line: str) -> None:
        future.add_callback(lambda _meta: self.ledger.add(into, line))
        future.add_errback(self.ledger.add_failed)

    def send_bad_burst(self, count: int) -> float:
        """`count` corpus messages as fast as the broker takes them, beside the load;
        returns when the broker has acknowledged the last."""
        producer = kafka_client.producer(self.world.settings)
        for i, bad in enumerate(bad_messages(count)):
            # A key spreads them over the partitions (and Kafka takes no message without
            # both key and value, which the corpus's empty message lacks).
            future = producer.send(self.world.settings.topic(bad.stream), key=b"bad-%d" % i,
                                   value=bad.value, headers=list(bad.headers))
            future.add_callback(lambda _meta, b=bad: self.ledger.add_bad(b.stream, b.reason))
            future.add_errback(self.ledger.add_failed)
        producer.flush(timeout=120)
        producer.close()
        return time.monotonic()


def bad_messages(count: int) -> list:
    """`count` messages of the corpus: the small ones repeated, the big ones once each."""
    items = corpus(datetime.now(UTC))
    small = [b for b in items if b.value is None or len(b.value) <= BIG]
    big = [b for b in items if b.value is not None and len(b.value) > BIG]
    return big + [small[i % len(small)] for i in range(count - len(big))]
