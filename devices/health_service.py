"""`cityops health`: the device health sweep every N seconds, with /healthz, /metrics and a
clean stop. A pass lost to the database is logged, counted and tried again next time."""

from __future__ import annotations

import logging
import threading
import time

import psycopg2
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from cityops.service import OpsEndpoint, StopSignal, check_port_free
from cityops.settings import ConfigError, Settings
from devices.health import HealthSweep
from devices.source import for_settings
from store import db
from store.device_status import STATUSES

log = logging.getLogger("cityops.health")
PORT_OPTION = "CITYOPS_HEALTH_METRICS_PORT"


class HealthMetrics:
    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.changes = Counter("cityops_device_status_changes_total",
                               "device status changes made by the health sweep, by new status",
                               ["to"], registry=r)
        self.devices = Gauge("cityops_devices", "devices with a state row, by status",
                             ["status"], registry=r)
        self.seconds = Histogram("cityops_health_sweep_seconds", "time of one sweep",
                                 buckets=(.01, .05, .1, .25, .5, 1, 2.5, 5, 10), registry=r)
        self.db_errors = Counter("cityops_health_db_errors_total",
                                 "sweeps lost to the database being unavailable", registry=r)


def run(settings: Settings, every_s: float, metrics_port: int, once: bool = False,
        stop: threading.Event | None = None) -> int:
    if metrics_port and not once:
        check_port_free(settings.metrics_host, metrics_port, PORT_OPTION)

    def connect():
        return db.connect(settings.database_url, application_name="cityops-health")

    metrics = HealthMetrics()
    sweep = HealthSweep(connect, for_settings(settings, connect),
                        settings.readings_retention_days)
    last = [time.monotonic()]

    def health() -> dict:
        return {"ok": time.monotonic() - last[0] < 3 * every_s + 30, "service": "health",
                "every_s": every_s}

    endpoint = (OpsEndpoint(settings.metrics_host, metrics_port, PORT_OPTION, metrics.registry,
                            health).start() if metrics_port and not once else None)
    stop = stop or StopSignal().event
    log.info("device health started", extra={"every_s": every_s})
    try:
        while True:
            started = time.monotonic()
            try:
                changes, counts = sweep.run_once()
            except (psycopg2.OperationalError, psycopg2.InterfaceError, ConfigError) as exc:
                log.warning("health sweep skipped: database unavailable",
                            extra={"error": str(exc).strip().splitlines()[0]})
                metrics.db_errors.inc()
                sweep.close()
            else:
                for change in changes:
                    metrics.changes.labels(change.to_status).inc()
                for status in STATUSES:
                    metrics.devices.labels(status).set(counts.get(status, 0))
                metrics.seconds.observe(time.monotonic() - started)
                last[0] = time.monotonic()
                if once:
                    print(f"device health: {len(changes)} changes; "
                          + ", ".join(f"{s} {counts.get(s, 0)}" for s in STATUSES))
                    return 0
            if once or stop.wait(max(0.0, every_s - (time.monotonic() - started))):
                break
    finally:
        if endpoint is not None:
            endpoint.close()
        sweep.close()
    log.info("device health stopped cleanly")
    return 0 if not once else 1
