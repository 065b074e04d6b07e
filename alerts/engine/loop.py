"""The alerts engine: readings and incidents in, cases out, state that survives restarts.

poll -> decode -> evaluate -> (cases + evaluator snapshot + offsets in one transaction)
-> commit Kafka offsets. On start the snapshot is restored and each partition resumes at
the offset saved with it, so a restart neither loses a hold timer nor fires twice, even
if the process died between the database commit and the Kafka commit.

Count and composite rules need every incident of an area in one process, and incidents
are keyed by source id, so run one engine per consumer group.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg2
from kafka import ConsumerRebalanceListener, OffsetAndMetadata, TopicPartition
from kafka.errors import KafkaError

from alerts.cases.grouping.reports import report_signal
from alerts.engine import writes
from alerts.engine.decode import Decoder, Skipped
from alerts.engine.metrics import EngineMetrics
from alerts.engine.watermark import Watermark
from alerts.rules import RuleSet, reload
from alerts.rules.evaluate import Evaluator, Signal
from cityops.settings import ConfigError
from cityops.stream import kafka_client
from cityops.stream.backoff import Backoff, Stopped
from cityops.stream.lag import LagGauge
from cityops.stream.stalled_assignment import StalledAssignment
from ingest.errors import BadMessage

log = logging.getLogger("cityops.alerts")


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, engine: AlertEngine) -> None:
        self.engine = engine

    def on_partitions_revoked(self, revoked) -> None:
        # What we evaluated belongs with these partitions' offsets. kafka-python 3 calls
        # this on its IO thread, where a blocking Kafka commit raises, so the commit is sent
        # without waiting; the offsets that count are saved in the database either way.
        self.engine.save([], wait_for_commit=False)
        self.engine.lag.forget(revoked)
        self.engine.watermark.forget(revoked)

    def on_partitions_assigned(self, assigned) -> None:
        self.engine.resume_at_saved_offsets(assigned)


class AlertEngine:
    def __init__(self, consumer, connect: Callable, rules: RuleSet, decoder: Decoder,
                 group: str, topics: dict[str, str], metrics: EngineMetrics,
                 clock: Callable[[], float] = time.time, checkpoint_seconds: float = 1.0,
                 tick_seconds: float = 1.0, max_records: int = 2000,
                 save_seconds: float = 0.0) -> None:
        self.consumer = consumer
        self.connect = connect
        self.conn = None
        self.evaluator = Evaluator(rules)
        self.decoder = decoder
        self.group = group
        self.streams = {topic: stream for stream, topic in topics.items()}
        self.metrics = metrics
        self.clock = clock
        self.checkpoint_seconds = checkpoint_seconds
        # Least time between two saves: each writes the whole snapshot (about 200 B a
        # device), so at thousands of messages a second with a signal in most polls, saving
        # on every signal made the database's busiest work the engine's snapshots. Signals
        # wait in `pending` meanwhile; they are saved with the offsets of what made them.
        self.save_seconds = save_seconds
        self.pending: list[Signal] = []
        self.tick_seconds = tick_seconds
        self.max_records = max_records
        self.offsets: dict[str, int] = {}   # "topic:partition" -> next offset to read
        self.dirty: dict[TopicPartition, int] = {}
        self.last_save = self.last_tick = 0.0
        self.lag = LagGauge(metrics.lag)
        self.watermark = Watermark()
        self.stall = StalledAssignment()
        self.last_loop = time.monotonic()
        self.stop = threading.Event()
        self.reload_from: Path | None = None
        metrics.rules.set(len(rules))

    def start(self) -> None:
        """Restore the saved snapshot, then join the group."""
        self.conn = self.connect()
        saved = writes.load_state(self.conn, self.group)
        if saved is not None:
            self.evaluator.restore(saved[0])
            self.offsets = dict(saved[1])
            log.info("evaluator state restored", extra={"group": self.group,
                                                        "partitions": len(self.offsets)})
        kafka_client.subscribe(self.consumer, sorted(self.streams), listener=_Rebalance(self))

    def resume_at_saved_offsets(self, assigned) -> None:
        for tp in assigned:
            offset = self.offsets.get(f"{tp.topic}:{tp.partition}")
            if offset is not None:
                self.consumer.seek(tp, offset)

    def step(self) -> None:
        """One poll: evaluate what came, let time pass when caught up, save when due."""
        self.last_loop = time.monotonic()
        polled = self.consumer.poll(timeout_ms=200, max_records=self.max_records)
        signals: list[Signal] = []
        for tp, records in polled.items():
            for record in records:
                signals += self.evaluate(tp.topic, record)
                self.dirty[tp] = record.offset + 1
            self.watermark.consumed(tp, records[-1].timestamp if records else None)
        now = self.clock()
        if now - self.last_tick >= self.tick_seconds:
            signals += self._tick(now)
        self.pending += signals
        since = now - self.last_save
        if (self.pending and since >= self.save_seconds) or \
                (self.dirty and since >= self.checkpoint_seconds):
            self.save([])
        if self.reload_from is not None:
            self._reload()
        self.stall.check(self.consumer, self.group)  # every round: see ingest/consumer.py
        self.update_lag()

    def _tick(self, now: float) -> list[Signal]:
        """Let time pass up to the watermark: never past readings still unread in Kafka."""
        at = self.watermark.now(self.consumer, self._read(), now)
        self.last_tick = now
        if at is None:
            return []
        self.metrics.watermark_lag.set(max(0.0, now - at))
        return self.evaluator.tick(at)

    def _read(self) -> dict[TopicPartition, int]:
        """The next offset to read per assigned partition, where known."""
        return {tp: offset for tp in self.consumer.assignment()
                if (offset := self.dirty.get(tp, self.offsets.get(f"{tp.topic}:{tp.partition}")))
                is not None}

    def update_lag(self) -> None:
        if self.lag.due():
            self.lag.update(self.consumer, self._read())

    def evaluate(self, topic: str, record) -> list[Signal]:
        stream = self.streams[topic]
        self.metrics.messages.labels(stream).inc()
        try:
            if stream == "readings":
                events = self.decoder.readings(record.headers, record.value)
                return [s for e in events for s in self.evaluator.reading(e)]
            events = self.decoder.incidents(record.headers, record.value)
            # Each incident is part of a case (its own or a merged one), before rules see it.
            return [report_signal(e) for e in events] + [
                s for e in events for s in self.evaluator.incident(e)]
        except (BadMessage, Skipped) as exc:
            self.metrics.ignored.labels(stream, getattr(exc, "reason", "bad")).inc()
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            raise  # a lookup lost the database: the loop restarts the step
        except Exception:  # noqa: BLE001 - input that trips a bug must not stop the engine
            log.exception("evaluating a message failed; skipped",
                          extra={"topic": topic, "offset": record.offset})
            self.metrics.ignored.labels(stream, "internal_error").inc()
        return []

    def save(self, signals: list[Signal], wait_for_commit: bool = True) -> None:
        """Cases (the pending signals and these), snapshot and offsets in one transaction;
        then the Kafka commit."""
        signals = self.pending + signals
        for sig in signals:
            self.metrics.signals.labels(sig.action).inc()
        offsets = {**self.offsets, **{f"{tp.topic}:{tp.partition}": off
                                      for tp, off in self.dirty.items()}}
        started = time.monotonic()
        self._write_with_retry(signals, offsets)
        self.pending = []
        self.metrics.save_seconds.observe(time.monotonic() - started)
        self.offsets = offsets
        if self.dirty:
            commit = self.consumer.commit if wait_for_commit else self.consumer.commit_async
            try:
                commit({tp: OffsetAndMetadata(off, "", -1) for tp, off in self.dirty.items()})
            except KafkaError as exc:
                # The database's offsets are the ones the engine resumes from; Kafka's
                # only show the group's progress, so a commit the broker refused (it was
                # away, or the group moved on) must not stop the engine.
                log.warning("offsets not committed to Kafka", extra={"error": str(exc)[:200]})
        self.dirty = {}
        self.last_save = self.clock()

    def _write_with_retry(self, signals: list[Signal], offsets: dict[str, int]) -> None:
        backoff = Backoff(self.stop)
        while True:
            try:
                if self.conn is None or self.conn.closed:
                    self.conn = self.connect()
                self._write(signals, offsets)
                return
            except (psycopg2.OperationalError, psycopg2.InterfaceError, ConfigError) as exc:
                self.metrics.db_errors.inc()
                log.warning("database unavailable; retrying the save",
                            extra={"error": str(exc).splitlines()[0],
                                   "retry_in_s": backoff.delay})
                self.conn = None
                try:
                    backoff.wait()
                except Stopped:
                    raise exc from None  # nothing was committed: a restart resumes before it

    def _write(self, signals: list[Signal], offsets: dict[str, int]) -> None:
        outcomes = []
        with self.conn, self.conn.cursor() as cur:
            for sig in signals:
                if not sig.rule.opens_case:
                    continue
                if sig.action in ("fire", "report"):
                    outcomes.append(writes.record_fire(cur, sig))
                elif sig.rule.auto_resolve:
                    outcomes.append(writes.record_clear(cur, sig))
            writes.save_state(cur, self.group, self.evaluator.snapshot(), offsets)
        for outcome in outcomes:
            self.metrics.cases.labels(outcome).inc()

    def _reload(self) -> None:
        folder, self.reload_from = self.reload_from, None
        found = reload(folder, self.decoder.profiles.current())
        if isinstance(found, list):
            for error in found:
                log.error("rules not reloaded", extra={"problem": str(error)})
            return
        self.evaluator.use(found)
        self.metrics.rules.set(len(found))
        log.info("rules reloaded", extra={"rules": len(found), "folder": str(folder)})

    def run(self, stop: threading.Event) -> None:
        self.stop = stop
        self.start()
        try:
            while not stop.is_set():
                try:
                    self.step()
                except KafkaError as exc:
                    # The broker is away (kafka-python's poll raises then): what was saved
                    # is saved with its offsets; wait and poll again.
                    log.warning("Kafka unavailable; retrying", extra={"error": str(exc)[:200]})
                    stop.wait(1.0)
            self.save([])
        finally:
            self.consumer.close(autocommit=False)
            if self.conn is not None:
                self.conn.close()
