"""One stream's consumer loop: poll -> steps -> batch -> write -> commit, in that order.

Offsets are committed only after the database transaction holding their rows has
committed, and writes are idempotent, so a crash anywhere loses nothing and a replay
duplicates nothing. A record the steps refuse goes to the dead-letter topic, and its
offset moves on with the batch: bad input never stops the stream.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import psycopg2
from kafka import ConsumerRebalanceListener, KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.errors import KafkaError

from cityops.settings import ConfigError
from cityops.stream import kafka_client
from cityops.stream.backoff import Backoff, Stopped
from cityops.stream.lag import LagGauge
from cityops.stream.stalled_assignment import StalledAssignment
from ingest.batch import Batch
from ingest.dead_letter import DeadLetters
from ingest.errors import BadMessage
from ingest.metrics import IngestMetrics
from ingest.poison import Refused, first_line, isolate, refused_for_content

log = logging.getLogger("cityops.ingest")

Steps = Callable[[list, bytes | None], list]


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, loop: StreamConsumer) -> None:
        self.loop = loop

    def on_partitions_revoked(self, revoked) -> None:
        # Store and commit what we hold while the partitions are ours. kafka-python 3 calls
        # this on its IO thread, where a blocking commit raises: the commit is sent
        # without waiting. Should it not arrive, the next owner stores those rows again,
        # which changes nothing (writes are idempotent).
        if self.loop.stop.is_set():
            # Closing after a stop: run() has flushed, or a stop during an outage left a
            # batch unstored, whose offsets must stay uncommitted for the next reader.
            return
        self.loop.in_rebalance = True
        try:
            self.loop.flush()
        finally:
            self.loop.in_rebalance = False
        for tp in revoked:
            self.loop.next_offsets.pop(tp, None)
        self.loop.lag.forget(revoked)

    def on_partitions_assigned(self, assigned) -> None:
        log.info("partitions assigned", extra={"stream": self.loop.stream,
                                               "partitions": sorted(map(str, assigned))})


class StreamConsumer:
    def __init__(self, stream: str, consumer: KafkaConsumer, steps: Steps, writer,
                 reconnect: Callable, dead_letters: DeadLetters, metrics: IngestMetrics,
                 batch_rows: int, batch_seconds: float, upkeep=None) -> None:
        self.stream = stream
        self.consumer = consumer
        self.steps = steps
        self.writer = writer
        self.reconnect = reconnect
        self.dead_letters = dead_letters
        self.metrics = metrics
        self.batch_rows = batch_rows
        self.batch_seconds = batch_seconds
        self.upkeep = upkeep
        self.batch = self._new_batch()
        self.lag = LagGauge(metrics.lag)
        self.next_offsets: dict[TopicPartition, int] = {}  # what was handled, for the lag
        self.consumed = metrics.messages.labels(stream)  # looked up once, not per message
        self.writer_thread = ThreadPoolExecutor(max_workers=1,
                                                thread_name_prefix=f"write-{stream}")
        self.in_flight: tuple | None = None
        self.in_rebalance = False
        self.stall = StalledAssignment()
        self.stop = threading.Event()  # run() puts the service's own here

    def subscribe(self, topic: str) -> None:
        kafka_client.subscribe(self.consumer, [topic], listener=_Rebalance(self))

    def _new_batch(self) -> Batch:
        return Batch(self.batch_rows, self.batch_seconds)

    def handle(self, record, tp: TopicPartition) -> None:
        self.consumed.inc()
        self.next_offsets[tp] = record.offset + 1
        try:
            rows = self._steps_with_retry(record)
        except BadMessage as bad:
            self._dead_letter(record, tp, bad.reason, bad.detail)
            return
        except Exception as exc:  # noqa: BLE001 - input that trips a bug must not stop us
            log.exception("a step failed on a record; dead-lettered",
                          extra={"stream": self.stream, "offset": record.offset})
            self._dead_letter(record, tp, "internal_error", f"{type(exc).__name__}: {exc}")
            return
        self.batch.add(tp, record.offset, rows, message=record)

    def _steps_with_retry(self, record) -> list:
        """Steps that look things up in the database wait for it rather than fail."""
        backoff = Backoff(self.stop)
        while True:
            try:
                return self.steps(record.headers, record.value)
            except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
                self.metrics.db_errors.labels(self.stream).inc()
                log.warning("database unavailable during a lookup; retrying",
                            extra={"stream": self.stream, "error": str(exc).splitlines()[0]})
                backoff.wait()

    def _dead_letter(self, record, tp: TopicPartition, reason: str, detail: str) -> None:
        self.dead_letters.send(record, reason, detail)
        self.metrics.dead_letters.labels(self.stream, reason).inc()
        self.batch.skip(tp, record.offset)

    def flush(self, wait: bool = True) -> None:
        """Hand the batch to the writer, then commit its offsets once it is stored.

        Writing runs on a thread of its own so that decoding the next batch overlaps the
        database's work on this one; at most one batch is in flight, and offsets are
        committed in order, each only after its rows are committed.
        """
        if not self.batch.empty:
            self.dead_letters.flush()
            self._finish_write()
            batch, self.batch = self.batch, self._new_batch()
            future = self.writer_thread.submit(self._write_with_retry, batch)
            self.in_flight = (future, batch, time.monotonic(), False)
        if wait:
            self._finish_write()
            self.writer_thread.submit(self._write_with_retry, None).result()

    def _finish_write(self) -> None:
        if self.in_flight is None:
            return
        future, batch, started, lettered = self.in_flight
        refused = future.result()  # re-raises anything the writer could not retry
        if refused and not lettered:
            for poison in refused:
                self.dead_letters.send(poison.message, "db_rejected", poison.detail)
                self.metrics.dead_letters.labels(self.stream, "db_rejected").inc()
            self.in_flight = (future, batch, started, True)  # once, even if flush raises
        if refused:
            self.dead_letters.flush()  # the letters are in Kafka before their offsets move
        self.in_flight = None
        commit = self.consumer.commit_async if self.in_rebalance else self.consumer.commit
        try:
            commit({tp: OffsetAndMetadata(off, "", -1) for tp, off in batch.offsets.items()})
        except KafkaError as exc:
            # The rows are stored: a later commit covers these offsets, or the partition's
            # next owner writes them again, idempotently. Nothing is lost either way.
            log.warning("offsets not committed", extra={"stream": self.stream,
                                                        "error": str(exc)[:200]})
        self.metrics.batch_seconds.labels(self.stream).observe(time.monotonic() - started)
        self.metrics.batch_rows.labels(self.stream).observe(len(batch.rows))

    def _write_with_retry(self, batch: Batch | None) -> list[Refused]:
        """Store the batch, waiting out the database; returns the messages it refused.

        Only rows refused for their content are given up on (to the dead-letter topic);
        any other error, a lost connection or a missing grant alike, is waited out and
        the batch written again: it is idempotent, and nothing is lost by waiting.
        """
        backoff = Backoff(self.stop)
        while True:
            try:
                if self.writer.conn is None:
                    self.writer.conn = self.reconnect()
                if batch is None:
                    self.writer.finish()  # anything the writer still buffers
                    return []
                return self._write(batch)
            except (psycopg2.Error, ConfigError) as exc:
                self.metrics.db_errors.labels(self.stream).inc()
                log.warning("database refused the batch; retrying it",
                            extra={"stream": self.stream, "error": first_line(exc),
                                   "retry_in_s": backoff.delay})
                _close_quietly(self.writer.conn)
                self.writer.conn = None
                backoff.wait()

    def _write(self, batch: Batch) -> list[Refused]:
        try:
            stored, refused = self.writer.write(batch.rows), []
        except Exception as exc:
            if not refused_for_content(exc):
                raise
            log.warning("database refused a batch for its content; finding the messages",
                        extra={"stream": self.stream, "error": first_line(exc)})
            stored, refused = isolate(self.writer.write, batch.rows, batch.parts)
        self.metrics.rows.labels(self.stream).inc(stored)
        return refused

    def update_lag(self) -> None:
        self.lag.update(self.consumer, self.next_offsets)

    def run(self, stop: threading.Event) -> None:
        self.stop = stop
        try:
            while not stop.is_set():
                try:
                    self._round()
                except KafkaError as exc:
                    # The broker is away (kafka-python's poll raises then); the batch is
                    # kept. Wait and go on, so ingest recovers by itself.
                    log.warning("Kafka unavailable; retrying",
                                extra={"stream": self.stream, "error": str(exc)[:200]})
                    stop.wait(1.0)
            self.flush()
        except Stopped:
            log.warning("stopped while the database was away; the unstored batch's "
                        "messages are read again on restart", extra={"stream": self.stream})
        finally:
            # Closing leaves the group, which may call the revoke listener, which writes:
            # so the writer thread must outlive the consumer.
            self.consumer.close(autocommit=False)
            self.writer_thread.shutdown(wait=True)
            if self.upkeep is not None:
                self.upkeep.close()
            _close_quietly(self.writer.conn)

    def _round(self) -> None:
        polled = self.consumer.poll(timeout_ms=200, max_records=self.batch_rows)
        for tp, records in polled.items():
            for record in records:
                self.handle(record, tp)
        if self.batch.ready():
            self.flush(wait=False)
        elif self.in_flight is not None and self.in_flight[0].done():
            # A quiet stream: commit the stored batch now, not when the next one comes,
            # or the group's committed offsets stay a batch behind.
            self._finish_write()
        # Every round, not with the lag's 5 s: a stalled join idles the member until it is
        # seen (the check reads two attributes), and 5 s of it halved a bench run.
        self.stall.check(self.consumer, self.stream)
        self.update_lag()
        if self.upkeep is not None:
            self.upkeep.tick()


def _close_quietly(conn) -> None:
    try:
        if conn is not None:
            conn.close()
    except psycopg2.Error:
        pass
