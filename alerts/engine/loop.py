"""The alerts engine: readings and incidents in, cases out, state that survives restarts.

poll -> decode -> evaluate -> (cases + changed state + offsets in one transaction) ->
commit Kafka offsets. Members of one consumer group share the work (issue #18): each
partition it is assigned is claimed and its own state loaded (alerts/engine/partition.py)
and it resumes at the offset saved with that state, so a restart or a move to another
member neither loses a hold timer nor fires twice, even if the process died between the
database commit and the Kafka commit. Rules kept per area run on the by-area topic that
the engine itself feeds (alerts/engine/stages.py).

The group rebalances cooperatively (KIP-429): a member that joins or leaves moves only
the partitions that change hands; the others keep evaluating.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg2
from kafka import ConsumerRebalanceListener, OffsetAndMetadata, TopicPartition
from kafka.errors import KafkaError

from alerts.cases.grouping.reports import report_signal
from alerts.engine import stages, state_store, writes
from alerts.engine.decode import Decoder, Skipped
from alerts.engine.metrics import EngineMetrics
from alerts.engine.partition import PartitionState
from alerts.engine.state_store import Fenced
from alerts.engine.watermark import Watermark
from alerts.rules import RuleSet, reload
from alerts.rules.evaluate import Signal
from cityops.settings import ConfigError
from cityops.stream import kafka_client
from cityops.stream.backoff import Backoff, Stopped
from cityops.stream.lag import LagGauge
from cityops.stream.stalled_assignment import StalledAssignment
from ingest.errors import BadMessage

log = logging.getLogger("cityops.alerts")
TICK_INDEX = 10**6   # positions of tick-made signals follow any message's own events
DB_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError, ConfigError)

class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, engine: AlertEngine) -> None:
        self.engine = engine

    # kafka-python 3 calls these on its IO thread, while the engine's thread may be
    # evaluating or saving with the same database connection: a revoke that saved there
    # would interleave with the loop's own transaction. So they only note what changed;
    # the loop claims and releases partitions at its next round.
    # A partition released late is fenced if its new owner claimed it meanwhile: the new
    # owner redoes what was not saved, from the offset saved with its state.
    def on_partitions_revoked(self, revoked) -> None:
        self.engine.changes.put(("revoke", list(revoked)))

    def on_partitions_assigned(self, assigned) -> None:
        self.engine.changes.put(("assign", list(assigned)))


class AlertEngine:
    def __init__(self, consumer, connect: Callable, rules: RuleSet, decoder: Decoder,
                 group: str, topics: dict[str, str], metrics: EngineMetrics,
                 forwarder: stages.Forwarder,
                 clock: Callable[[], float] = time.time, checkpoint_seconds: float = 1.0,
                 tick_seconds: float = 1.0, max_records: int = 2000,
                 save_seconds: float = 0.0, save_records: int = 3000) -> None:
        self.consumer = consumer
        self.connect = connect
        self.conn = None
        self.rules = rules
        self.decoder = decoder
        self.group = group
        self.streams = {topic: stream for stream, topic in topics.items()}
        self.metrics = metrics
        self.forwarder = forwarder
        self.clock = clock
        self.checkpoint_seconds = checkpoint_seconds
        # Least time between two saves. Signals wait in their partition's `pending`
        # meanwhile; they are saved with the offsets of what made them.
        self.save_seconds = save_seconds
        # Saved sooner when this many messages were read since the last save: a save
        # writes the keys they changed (one or two each, ~190 B), so reading a backlog
        # fast does not make a save of megabytes (issue #18: at most ~1 MB).
        self.save_records = save_records
        self.read_since_save = 0
        self.tick_seconds = tick_seconds
        self.max_records = max_records
        self.parts: dict[TopicPartition, PartitionState] = {}
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.last_save = self.last_tick = 0.0
        self.lag = LagGauge(metrics.lag)
        self.watermark = Watermark()
        self.stall = StalledAssignment()
        self.last_loop = time.monotonic()
        self.stop = threading.Event()
        self.reload_from: Path | None = None
        self.changes: queue.SimpleQueue = queue.SimpleQueue()  # from the rebalance listener
        self.sought: set[TopicPartition] = set()   # claimed this round: records to skip
        metrics.rules.set(len(rules))

    def start(self) -> None:
        """Join the group; each partition's state is loaded when it is assigned."""
        self.conn = self.connect()
        kafka_client.subscribe(self.consumer, sorted(self.streams), listener=_Rebalance(self))

    def take(self, assigned) -> None:
        """Claim the assigned partitions, load their state, resume at their saved offsets."""
        started = time.monotonic()
        for tp in assigned:
            stage = "area" if self.streams[tp.topic] == "by_area" else "device"
            part = self._with_db(lambda tp=tp, stage=stage: PartitionState.claimed(
                self.conn, self.group, tp, stage, self.rules, self.owner))
            self.parts[tp] = part
            self._seek(tp, part)
            log.info("partition claimed", extra={"partition": f"{tp.topic}:{tp.partition}",
                                                 "epoch": part.epoch, "stage": stage})
        self._count_parts()
        self.metrics.rebalance_seconds.observe(time.monotonic() - started)

    def _seek(self, tp: TopicPartition, part: PartitionState) -> None:
        """To the offset saved with the state; with none saved, where the group's Kafka
        offset is (or the beginning), since records fetched before the claim were skipped."""
        if part.saved_offset is None:
            committed = self.consumer.committed(tp)
            part.saved_offset = committed if committed is not None else \
                self.consumer.beginning_offsets([tp])[tp]
        self.sought.add(tp)
        try:
            self.consumer.seek(tp, part.saved_offset)
        except (AssertionError, KafkaError, ValueError) as exc:
            # Revoked again already (the queue holds its revoke): nothing to read.
            log.info("partition not sought", extra={"partition": f"{tp.topic}:{tp.partition}",
                                                    "error": str(exc)[:200]})

    def release(self, revoked) -> None:
        """Save what the revoked partitions evaluated, then forget them."""
        started = time.monotonic()
        revoked = set(revoked)
        self.save(wait_for_commit=False, only=revoked)
        for tp in revoked:
            self.parts.pop(tp, None)
        self.lag.forget(revoked)
        self.watermark.forget(revoked)
        self._count_parts()
        self.metrics.rebalance_seconds.observe(time.monotonic() - started)

    def _count_parts(self) -> None:
        for stage in ("device", "area"):
            self.metrics.partitions.labels(stage).set(
                sum(1 for p in self.parts.values() if p.stage == stage))

    def step(self) -> None:
        """One poll: evaluate what came, let time pass when caught up, save when due."""
        self.last_loop = time.monotonic()
        polled = self.consumer.poll(timeout_ms=200, max_records=self.max_records)
        self._rebalanced()
        self._work(polled)
        self.stall.check(self.consumer, self.group)  # every round: see ingest/consumer.py
        self.update_lag()

    def _rebalanced(self) -> None:
        """Apply what the group changed, in the order it was told."""
        self.sought = set()
        while not self.changes.empty():
            action, partitions = self.changes.get()
            (self.release if action == "revoke" else self.take)(partitions)

    def _work(self, polled: dict) -> None:
        for tp, records in polled.items():
            part = self.parts.get(tp)
            if part is None or tp in self.sought:
                # Not ours (a revoke raced the poll), or fetched before the seek to its
                # saved offset: read again from there by the next poll.
                continue
            for record in records:
                part.pending += self.evaluate(part, record)
                part.read_to = record.offset + 1
            self.read_since_save += len(records)
            self.watermark.consumed(tp, records[-1].timestamp if records else None)
        now = self.clock()
        if now - self.last_tick >= self.tick_seconds:
            self._tick(now)
        since = now - self.last_save
        pending = any(p.pending for p in self.parts.values())
        moved = any(p.offset_moved for p in self.parts.values())
        if (pending and since >= self.save_seconds) or \
                (moved and since >= self.checkpoint_seconds) or \
                self.read_since_save >= self.save_records:
            self.save()
        if self.reload_from is not None:
            self._reload()

    def _tick(self, now: float) -> None:
        """Let time pass up to the watermark: never past readings still unread in Kafka."""
        at = self.watermark.now(self.consumer, self._read(), now)
        self.last_tick = now
        if at is None:
            return
        self.metrics.watermark_lag.set(max(0.0, now - at))
        for part in self.parts.values():
            signals = part.evaluator.tick(at)
            if signals and part.stage == "device":
                # A tick is no message: its signals are placed after the last one read.
                last = (part.read_to or part.saved_offset or 0) - 1
                self.forwarder.signals(f"{part.tp.topic}:{part.tp.partition}", last,
                                       int(at * 1000), signals,
                                       first_index=TICK_INDEX + int(at * 1000) * 1000)
            part.pending += signals

    def _read(self) -> dict[TopicPartition, int]:
        """The next offset to read per assigned partition, where known."""
        return {tp: offset for tp, part in self.parts.items()
                if (offset := part.read_to if part.read_to is not None else part.saved_offset)
                is not None}

    def update_lag(self) -> None:
        if self.lag.due():
            self.lag.update(self.consumer, self._read())

    def evaluate(self, part: PartitionState, record) -> list[Signal]:
        stream = self.streams[record.topic]
        self.metrics.messages.labels(stream).inc()
        try:
            if stream == "by_area":
                return self._evaluate_by_area(part, record)
            source = f"{record.topic}:{record.partition}"
            if stream == "readings":
                events = self.decoder.readings(record.headers, record.value)
                signals = [s for e in events for s in part.evaluator.reading(e)]
                self.forwarder.signals(source, record.offset, record.timestamp, signals)
                return signals
            events = self.decoder.incidents(record.headers, record.value)
            for i, ev in enumerate(events):
                self.forwarder.incident(source, record.offset, i, record.timestamp, ev)
            # Each incident is part of a case (its own or a merged one); the rules that
            # count incidents see it on the by-area topic.
            return [report_signal(e) for e in events]
        except (BadMessage, Skipped) as exc:
            self.metrics.ignored.labels(stream, getattr(exc, "reason", "bad")).inc()
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            raise  # a lookup lost the database: the loop restarts the step
        except Exception:  # noqa: BLE001 - input that trips a bug must not stop the engine
            log.exception("evaluating a message failed; skipped",
                          extra={"topic": record.topic, "offset": record.offset})
            self.metrics.ignored.labels(stream, "internal_error").inc()
        return []

    def _evaluate_by_area(self, part: PartitionState, record) -> list[Signal]:
        source, pos, event = stages.decode(record.value, self.rules)
        if event is None or not part.applied.first_time(source, pos):
            self.metrics.ignored.labels("by_area", "applied").inc()
            return []
        if isinstance(event, Signal):
            return part.evaluator.part_signal(event)
        return part.evaluator.incident(event)

    def save(self, wait_for_commit: bool = True, only: set | None = None) -> None:
        """Each partition's cases, changed state and offset in one transaction, each
        fenced by its claim; then the Kafka commit."""
        parts = [p for p in self.parts.values() if (only is None or p.tp in only)
                 and (p.pending or p.offset_moved
                      or any(s.touched for s in p.evaluator.state.values()))]
        if not parts:
            return
        # What was re-sent to the by-area topic is there before the offsets that made it
        # are saved: a crash after the save cannot drop it.
        self.forwarder.flush()
        batch = [(p, *p.take_changes()) for p in parts]
        started = time.monotonic()
        batch = self._write_with_retry(batch)
        self.metrics.save_seconds.observe(time.monotonic() - started)
        commits = {}
        self.metrics.save_bytes.observe(sum(changes.bytes for _, changes, _ in batch))
        self.read_since_save = 0
        for part, _, after in batch:
            for sig in part.pending:
                self.metrics.signals.labels(sig.action).inc()
            if part.offset_moved:
                commits[part.tp] = OffsetAndMetadata(part.read_to, "", -1)
            part.mark_saved(after)
        self._commit(commits, wait_for_commit)
        self.last_save = self.clock()

    def _commit(self, offsets: dict, wait: bool) -> None:
        if not offsets:
            return
        try:
            (self.consumer.commit if wait else self.consumer.commit_async)(offsets)
        except KafkaError as exc:
            # The database's offsets are the ones the engine resumes from; Kafka's only
            # show the group's progress, so a refused commit must not stop the engine.
            log.warning("offsets not committed to Kafka", extra={"error": str(exc)[:200]})

    def _write_with_retry(self, batch: list) -> list:
        """Write the batch; a partition another member claimed is dropped and the rest
        written again. Returns what was written."""
        while batch:
            try:
                self._with_db(lambda batch=batch: self._write(batch))
                return batch
            except Fenced as fenced:
                tp = TopicPartition(fenced.topic, fenced.partition)
                log.warning("partition fenced: another member owns it; its unsaved work "
                            "is dropped", extra={"partition": f"{tp.topic}:{tp.partition}",
                                                 "epoch": fenced.epoch})
                self.metrics.fenced.inc()
                self.parts.pop(tp, None)
                self.consumer.pause(tp)  # until the group gives it to this member again
                batch = [b for b in batch if b[0].tp != tp]
        return batch

    def _with_db(self, work: Callable):
        backoff = Backoff(self.stop)
        while True:
            try:
                if self.conn is None or self.conn.closed:
                    self.conn = self.connect()
                return work()
            except DB_ERRORS as exc:
                self.metrics.db_errors.inc()
                log.warning("database unavailable; retrying",
                            extra={"error": str(exc).splitlines()[0],
                                   "retry_in_s": backoff.delay})
                self.conn = None
                try:
                    backoff.wait()
                except Stopped:
                    raise exc from None  # nothing was committed: a restart resumes before it

    def _write(self, batch: list) -> None:
        outcomes = []
        with self.conn, self.conn.cursor() as cur:
            writes.lock_for(cur, [s for part, _, _ in batch for s in part.pending])
            for part, changes, _ in batch:
                state_store.save(cur, self.group, part.tp.topic, part.tp.partition,
                                 part.epoch, part.read_to if part.read_to is not None
                                 else part.saved_offset, part.applied.last, changes)
                for sig in part.pending:
                    if not sig.rule.opens_case:
                        continue
                    if sig.action in ("fire", "report"):
                        outcomes.append(writes.record_fire(cur, sig))
                    elif sig.rule.auto_resolve:
                        outcomes.append(writes.record_clear(cur, sig))
        for outcome in outcomes:
            self.metrics.cases.labels(outcome).inc()

    def _reload(self) -> None:
        folder, self.reload_from = self.reload_from, None
        found = reload(folder, self.decoder.profiles.current())
        if isinstance(found, list):
            for error in found:
                log.error("rules not reloaded", extra={"problem": str(error)})
            return
        self.rules = found
        self.forwarder.use(found)
        for part in self.parts.values():
            part.evaluator.use(found)
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
            self._rebalanced()
            self.save()
        finally:
            self.consumer.close(autocommit=False)
            if self.conn is not None:
                self.conn.close()
