"""`cityops ingest`: the readings and incidents consumers, with /healthz and /metrics."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from cityops.service import OpsEndpoint, StopSignal, check_port_free
from cityops.settings import Settings
from cityops.stream import kafka_client
from cityops.topics import message_limit
from devices.source import ProfileSource
from ingest.consumer import StreamConsumer
from ingest.dead_letter import DeadLetters
from ingest.enrich import DeviceCheck, load_placer
from ingest.metrics import IngestMetrics
from ingest.pipeline import IncidentSteps, ReadingSteps
from ingest.validate import TimeWindow
from store import db, device_state, features
from store.incidents import IncidentWriter
from store.readings import ReadingWriter
from store.upkeep import SeriesUpkeep

log = logging.getLogger("cityops.ingest")
STREAMS = ("readings", "incidents")
# A record batch's own header (61 bytes) and a record's framing, with room to spare.
RECORD_BATCH_OVERHEAD = 128


def _connector(settings: Settings, name: str):
    return lambda: db.connect(settings.database_url, application_name=f"cityops-{name}")


def build_stream(stream: str, settings: Settings, metrics: IngestMetrics,
                 dead_letters: DeadLetters) -> StreamConsumer:
    connect = _connector(settings, f"ingest-{stream}")
    conn = connect()
    found = features.current(conn)
    conn.rollback()
    window = TimeWindow(timedelta(days=settings.readings_retention_days))
    if stream == "readings":
        steps = ReadingSteps(window, DeviceCheck(connect, settings.unknown_device),
                             profiles=ProfileSource(settings.profiles_dir, connect))
        fixed = device_state.repair(conn)
        if fixed:
            log.info("device state brought level with stored readings", extra={"devices": fixed})
        writer = ReadingWriter(conn, found, settings.device_state_seconds)
        upkeep = SeriesUpkeep(_connector(settings, "upkeep"), found,
                              settings.readings_retention_days,
                              refresh_seconds=settings.rollup_refresh_seconds)
        group = settings.ingest_group
    else:
        steps = IncidentSteps(window, load_placer(conn))
        writer = IncidentWriter(conn)
        upkeep = None
        group = f"{settings.ingest_group}-incidents"
    consumer = kafka_client.consumer(settings, group, [])
    loop = StreamConsumer(stream, consumer, steps, writer, connect, dead_letters, metrics,
                          settings.ingest_batch_size, settings.ingest_batch_ms / 1000, upkeep)
    loop.subscribe(settings.topic(stream))
    return loop


def dead_letter_producer(settings: Settings):
    """A producer whose requests and batches fit the dead-letter topic's limit.

    Then a letter too large is refused at `send`, at once, and goes without its value;
    a batch of letters over the topic's limit was refused by the broker instead, split
    and retried letter by letter, and 200 such letters held ingest for minutes.
    Not idempotent: an idempotent producer treats a letter too large for the topic as a
    fatal error and refuses every later one; a dead letter sent twice is harmless.
    """
    admin = kafka_client.admin_client(settings)
    try:
        limit = message_limit(admin, settings.topic("dlq"))
    finally:
        admin.close()
    fits = max(512, limit - RECORD_BATCH_OVERHEAD)
    return kafka_client.producer(settings, enable_idempotence=False,
                                 client_id="cityops-dead-letters", max_request_size=fits,
                                 batch_size=min(256 * 1024, fits))


def run(settings: Settings, streams: tuple[str, ...] = STREAMS) -> int:
    check_port_free(settings.metrics_host, settings.ingest_metrics_port,
                    "CITYOPS_INGEST_METRICS_PORT")
    metrics = IngestMetrics()
    producer = dead_letter_producer(settings)
    dead_letters = {s: DeadLetters(producer, settings.topic("dlq")) for s in streams}
    loops = [build_stream(s, settings, metrics, dead_letters[s]) for s in streams]
    stop = StopSignal()
    threads = [threading.Thread(target=loop.run, args=(stop.event,), name=f"ingest-{loop.stream}")
               for loop in loops]

    def health() -> dict:
        alive = {t.name: t.is_alive() for t in threads}
        return {"ok": all(alive.values()), "service": "ingest", "streams": alive}

    endpoint = OpsEndpoint(settings.metrics_host, settings.ingest_metrics_port,
                           "CITYOPS_INGEST_METRICS_PORT", metrics.registry, health).start()
    for thread in threads:
        thread.start()
    log.info("ingest started", extra={"streams": list(streams), "group": settings.ingest_group})
    ended_alone = False
    try:
        while not stop.requested and all(t.is_alive() for t in threads):
            stop.wait(0.5)
        ended_alone = not stop.requested
    finally:
        stop.event.set()
        for thread in threads:
            thread.join(timeout=60)
        producer.close(timeout=10)
        endpoint.close()
    if not all(not t.is_alive() for t in threads):
        log.error("a stream did not stop in time")
        return 1
    if ended_alone:
        # A stream thread ended on its own (it logged why): exit non-zero so a supervisor
        # (systemd, compose, `ingest --processes`) restarts the process.
        log.error("a stream stopped unexpectedly; exiting so ingest is restarted")
        return 1
    log.info("ingest stopped cleanly")
    return 0
