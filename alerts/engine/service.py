"""`cityops alerts`: the engine with /healthz, /metrics, SIGTERM to stop and SIGHUP to reload."""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

from alerts.engine.decode import Decoder, utc_now
from alerts.engine.loop import AlertEngine
from alerts.engine.metrics import EngineMetrics
from alerts.engine.placements import DevicePlaces
from alerts.engine.stages import Forwarder
from alerts.rules import DEFAULT_FOLDER, load_folder
from cityops.service import OpsEndpoint, StopSignal, check_port_free
from cityops.settings import Settings
from cityops.stream import kafka_client
from devices.source import ProfileSource
from ingest.enrich import load_placer
from ingest.pipeline import IncidentSteps
from ingest.validate import TimeWindow
from store import db

log = logging.getLogger("cityops.alerts")
STALLED_AFTER_S = 60


def build(settings: Settings, rules_dir: Path, metrics: EngineMetrics) -> AlertEngine:
    def connect():
        return db.connect(settings.database_url, application_name="cityops-alerts")

    profiles = ProfileSource(settings.profiles_dir, connect)
    # RulesInvalid lists every problem; the CLI prints them
    rules = load_folder(rules_dir, profiles.current())
    conn = connect()
    placer = load_placer(conn)
    conn.close()
    window = TimeWindow(timedelta(days=settings.readings_retention_days))
    decoder = Decoder(DevicePlaces(connect), IncidentSteps(window, placer), window, utc_now,
                      profiles)
    client = engine_client(settings)
    # Cooperative rebalancing: the others go on evaluating while partitions move. Kafka
    # 4's new group protocol (KIP-848) would do it on the broker, but kafka-python 3.0.12
    # does not speak it, and the engine needs kafka-python (see engine_client).
    consumer = kafka_client.consumer(client, settings.alerts_group, [],
                                     **kafka_client.COOPERATIVE)
    topics = {s: settings.topic(s) for s in ("readings", "incidents", "by_area")}
    forwarder = Forwarder(kafka_client.producer(client, client_id="cityops-alerts"),
                          settings.topic("by_area"), rules)
    return AlertEngine(consumer, connect, rules, decoder, settings.alerts_group, topics,
                       metrics, forwarder, save_seconds=settings.alerts_save_seconds)


def engine_client(settings: Settings) -> Settings:
    """The engine reads with kafka-python whatever CITYOPS_KAFKA_CLIENT says.

    Its guarantees rest on seeking to the offsets saved with its state and on asking the
    broker for end offsets (alerts/engine/watermark.py); librdkafka's consumer here does
    neither, and the engine's few thousand messages a second do not need its speed.
    """
    if settings.kafka_client != "kafka-python":
        log.info("the alerts engine reads with kafka-python (CITYOPS_KAFKA_CLIENT is ingest's)",
                 extra={"setting": settings.kafka_client})
    return settings.replace(kafka_client="kafka-python")


def run(settings: Settings, rules_dir: Path = DEFAULT_FOLDER,
        stop: threading.Event | None = None) -> int:
    """Run until `stop` is set (default: until SIGTERM / SIGINT); 0 on a clean stop."""
    check_port_free(settings.metrics_host, settings.alerts_metrics_port,
                    "CITYOPS_ALERTS_METRICS_PORT")
    metrics = EngineMetrics()
    engine = build(settings, Path(rules_dir), metrics)
    if stop is None:
        stop = StopSignal().event
        signal.signal(signal.SIGHUP, lambda *_: setattr(engine, "reload_from", Path(rules_dir)))

    def health() -> dict:
        stalled = time.monotonic() - engine.last_loop > STALLED_AFTER_S
        return {"ok": not stalled, "service": "alerts", "group": settings.alerts_group,
                "rules": len(engine.rules), "partitions": len(engine.parts)}

    endpoint = OpsEndpoint(settings.metrics_host, settings.alerts_metrics_port,
                           "CITYOPS_ALERTS_METRICS_PORT", metrics.registry, health).start()
    log.info("alerts engine started", extra={"group": settings.alerts_group,
                                             "rules": len(engine.rules)})
    try:
        engine.run(stop)
    finally:
        endpoint.close()
    engine.forwarder.producer.close()
    log.info("alerts engine stopped cleanly")
    return 0
