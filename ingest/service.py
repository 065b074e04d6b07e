"""The readings consumer: poll -> decode -> batch -> write -> commit, in that order.

Offsets are committed only after the database transaction holding their rows has
committed, and writes are idempotent, so a crash anywhere loses nothing and a replay
duplicates nothing.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import psycopg2
from kafka import ConsumerRebalanceListener, KafkaConsumer, OffsetAndMetadata, TopicPartition

from cityops import kafka_client
from cityops.service import OpsEndpoint, StopSignal, check_port_free
from cityops.settings import ConfigError, Settings
from ingest.batch import Batch
from ingest.dead_letter import DeadLetters
from ingest.decode import BadMessage, decode_native
from ingest.metrics import IngestMetrics
from store import db, features
from store.readings import ReadingWriter
from store.upkeep import SeriesUpkeep

log = logging.getLogger("cityops.ingest")


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, service: IngestService) -> None:
        self.service = service

    def on_partitions_revoked(self, revoked) -> None:
        self.service.flush()  # store and commit what we hold while the partitions are ours

    def on_partitions_assigned(self, assigned) -> None:
        log.info("partitions assigned", extra={"partitions": sorted(str(tp) for tp in assigned)})


class IngestService:
    def __init__(self, settings: Settings, consumer: KafkaConsumer, writer: ReadingWriter,
                 dead_letters: DeadLetters, metrics: IngestMetrics,
                 upkeep: SeriesUpkeep) -> None:
        self.settings = settings
        self.consumer = consumer
        self.writer = writer
        self.dead_letters = dead_letters
        self.metrics = metrics
        self.upkeep = upkeep
        self.max_age = timedelta(days=settings.readings_retention_days)
        self.batch = self._new_batch()
        self.last_lag = 0.0

    def _new_batch(self) -> Batch:
        return Batch(self.settings.ingest_batch_size, self.settings.ingest_batch_ms / 1000)

    def handle(self, record) -> None:
        self.metrics.messages.labels(record.topic).inc()
        tp = TopicPartition(record.topic, record.partition)
        try:
            rows = decode_native(record.value, datetime.now(UTC), self.max_age)
        except BadMessage as bad:
            self.dead_letters.send(record, bad.reason, bad.detail)
            self.metrics.dead_letters.labels(bad.reason).inc()
            self.batch.skip(tp, record.offset)
            return
        self.batch.add(tp, record.offset, rows)

    def flush(self) -> None:
        """Store the batch, then commit its offsets; retried until the database answers."""
        if self.batch.empty:
            return
        started = time.monotonic()
        self.dead_letters.flush()
        self._write_with_retry()
        self.consumer.commit({tp: OffsetAndMetadata(off, "", -1)
                              for tp, off in self.batch.offsets.items()})
        self.metrics.batch_seconds.observe(time.monotonic() - started)
        self.metrics.batch_rows.observe(len(self.batch.rows))
        self.batch = self._new_batch()

    def _write_with_retry(self) -> None:
        delay = 0.5
        while True:
            try:
                if self.writer.conn is None:
                    self.writer.conn = db.connect(self.settings.database_url,
                                                  application_name="cityops-ingest")
                self.metrics.rows.inc(self.writer.write(self.batch.rows))
                return
            except (psycopg2.OperationalError, psycopg2.InterfaceError, ConfigError) as exc:
                self.metrics.db_errors.inc()
                log.warning("database unavailable; retrying the batch",
                            extra={"error": str(exc).splitlines()[0], "retry_in_s": delay})
                _close_quietly(self.writer.conn)
                self.writer.conn = None
                time.sleep(delay)
                delay = min(delay * 2, 15)

    def update_lag(self) -> None:
        if time.monotonic() - self.last_lag < 5:
            return
        self.last_lag = time.monotonic()
        assigned = self.consumer.assignment()
        if not assigned:
            return
        ends = self.consumer.end_offsets(list(assigned))
        for tp in assigned:
            lag = max(0, ends.get(tp, 0) - self.consumer.position(tp))
            self.metrics.lag.labels(tp.topic, str(tp.partition)).set(lag)

    def run(self, stop: StopSignal) -> None:
        while not stop.requested:
            polled = self.consumer.poll(timeout_ms=200, max_records=self.batch.max_rows)
            for records in polled.values():
                for record in records:
                    self.handle(record)
            if self.batch.ready():
                self.flush()
            self.update_lag()
            self.upkeep.tick()
        self.flush()


def _close_quietly(conn) -> None:
    try:
        if conn is not None:
            conn.close()
    except psycopg2.Error:
        pass


def run(settings: Settings) -> int:
    check_port_free(settings.metrics_host, settings.ingest_metrics_port,
                    "CITYOPS_INGEST_METRICS_PORT")
    conn = db.connect(settings.database_url, application_name="cityops-ingest")
    found = features.current(conn)
    conn.commit()
    metrics = IngestMetrics()
    consumer = kafka_client.consumer(settings, settings.ingest_group, [])
    dead_letters = DeadLetters(kafka_client.producer(settings), settings.topic("dlq"))
    upkeep = SeriesUpkeep(lambda: db.connect(settings.database_url,
                                             application_name="cityops-upkeep"),
                          found, settings.readings_retention_days,
                          refresh_seconds=settings.rollup_refresh_seconds)
    service = IngestService(settings, consumer, ReadingWriter(conn, found), dead_letters,
                            metrics, upkeep)
    consumer.subscribe([settings.topic("readings")], listener=_Rebalance(service))
    endpoint = OpsEndpoint(settings.metrics_host, settings.ingest_metrics_port,
                           "CITYOPS_INGEST_METRICS_PORT", metrics.registry,
                           lambda: {"ok": True, "service": "ingest"}).start()
    stop = StopSignal()
    log.info("ingest started", extra={"topic": settings.topic("readings"),
                                      "group": settings.ingest_group,
                                      "series_backend": found.series_backend})
    try:
        service.run(stop)
    finally:
        consumer.close(autocommit=False)
        dead_letters.producer.close(timeout=10)
        endpoint.close()
        upkeep.close()
        if service.writer.conn is not None:
            service.writer.conn.close()
        log.info("ingest stopped cleanly")
    return 0
