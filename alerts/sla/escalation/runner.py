"""`cityops escalate`: the SLA ticker every N seconds, with /healthz, /metrics and a clean stop.

Each pass also watches the holiday calendar (days left on /metrics, one warning in the log
when the covered years run out; the holiday file is read again when it changes) and sends
the dispatches that were committed while the broker was away
(`publish_pending`): a dispatch is told to its worker at least once, never lost.

A pass that fails because the database is away is logged and retried at the next interval
with a new connection; SIGTERM / SIGINT end the wait at once and the loop after the pass in
progress, so a case is never left half-written (each case is its own transaction anyway).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

import psycopg2

from alerts.dispatch.publish import publish_pending
from alerts.sla.escalation.calendar_watch import CalendarWatch
from alerts.sla.escalation.holiday_source import HolidaySource
from alerts.sla.escalation.metrics import TickerMetrics
from alerts.sla.escalation.ticker import default_policy, tick
from alerts.units.report_ins import escalate_missed
from cityops.service import OpsEndpoint, StopSignal, check_port_free
from cityops.settings import ConfigError, Settings
from cityops.stream import kafka_client
from store import db

log = logging.getLogger("cityops.alerts.escalation")

PORT_OPTION = "CITYOPS_ESCALATE_METRICS_PORT"  # the setting (or --metrics-port) to change


class Ticker:
    def __init__(self, settings: Settings, every_s: float) -> None:
        self.settings = settings
        self.every_s = every_s
        self.metrics = TickerMetrics()
        self.holidays = HolidaySource(settings.holidays_file)
        self.policy = default_policy(settings.time_zone, self.holidays.official)
        self.watch = CalendarWatch(self.holidays.official, self.metrics.holiday_days_left)
        self.producer = kafka_client.producer(settings, client_id="cityops-escalate")
        self.conn = None
        self.last_pass = time.monotonic()

    def _check_calendar(self) -> None:
        if self.holidays.refresh():
            self.policy = default_policy(self.settings.time_zone, self.holidays.official)
            self.watch.official = self.holidays.official
        self.watch.check(datetime.now(self.settings.zone).date())

    def health(self) -> dict:
        # Healthy while passes keep completing; three missed intervals is a stall.
        stalled = time.monotonic() - self.last_pass > 3 * self.every_s + 30
        return {"ok": not stalled, "service": "escalate", "every_s": self.every_s}

    def one_pass(self) -> None:
        started = time.monotonic()
        self._check_calendar()
        try:
            if self.conn is None or self.conn.closed:
                self.conn = db.connect(self.settings.database_url,
                                       application_name="cityops-escalate")
            topic = self.settings.topic("dispatch")
            report = tick(self.conn, self.producer, topic, datetime.now(UTC), self.policy)
            report_ins = escalate_missed(self.conn, self.producer, topic, datetime.now(UTC))
            resent = publish_pending(self.conn, self.producer, topic)
        except (psycopg2.OperationalError, psycopg2.InterfaceError, ConfigError) as exc:
            log.warning("SLA pass skipped: database unavailable",
                        extra={"error": str(exc).strip().splitlines()[0]})
            self.metrics.db_errors.inc()
            self.conn = None
            return
        seconds = time.monotonic() - started
        self.metrics.record(report, seconds)
        self.metrics.resent.inc(resent)
        self.last_pass = time.monotonic()
        if report.warned or report.escalated or report.failed or resent or report_ins:
            log.info("SLA pass", extra={"open": report.checked, "warned": report.warned,
                                        "escalated": report.escalated, "resent": resent,
                                        "missed_report_ins": report_ins,
                                        "failed": report.failed, "seconds": round(seconds, 3)})

    def close(self) -> None:
        self.producer.close()
        if self.conn is not None:
            self.conn.close()


def run(settings: Settings, every_s: float, metrics_port: int,
        stop: threading.Event | None = None) -> int:
    """Tick until `stop` is set (default: until SIGTERM / SIGINT); 0 on a clean stop."""
    if metrics_port:
        check_port_free(settings.metrics_host, metrics_port, PORT_OPTION)
    stop = stop or StopSignal().event
    ticker = Ticker(settings, every_s)
    endpoint = (OpsEndpoint(settings.metrics_host, metrics_port, PORT_OPTION,
                            ticker.metrics.registry, ticker.health).start()
                if metrics_port else None)
    log.info("SLA ticker started", extra={"every_s": every_s, "metrics_port": metrics_port})
    try:
        while not stop.is_set():
            started = time.monotonic()
            ticker.one_pass()
            stop.wait(max(0.0, every_s - (time.monotonic() - started)))
    finally:
        if endpoint is not None:
            endpoint.close()
        ticker.close()
    log.info("SLA ticker stopped cleanly")
    return 0
