"""What the SLA ticker tells Prometheus: ticks, their duration, warnings and escalations,
and how long its holiday calendar lasts."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from alerts.sla.escalation.ticker import TickReport


class TickerMetrics:
    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.ticks = Counter("cityops_sla_ticks_total", "passes over the open cases",
                             registry=r)
        self.tick_seconds = Histogram("cityops_sla_tick_seconds", "time of one pass",
                                      buckets=(.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30),
                                      registry=r)
        self.open_cases = Gauge("cityops_sla_open_cases", "open cases at the last pass",
                                registry=r)
        self.outcomes = Counter("cityops_sla_cases_total", "what the ticker did to cases "
                                "(warned, escalated, notified, unsent, busy, failed)",
                                ["outcome"], registry=r)
        self.resent = Counter("cityops_dispatch_resent_total",
                              "dispatches committed earlier but unsent (the broker was away), "
                              "sent by the ticker's pass", registry=r)
        self.db_errors = Counter("cityops_sla_db_errors_total",
                                 "passes lost to the database being unavailable", registry=r)
        self.holiday_days_left = Gauge(
            "cityops_holiday_calendar_days_left",
            "days until the last day the official holiday calendar covers (holiday file or "
            "chinese-calendar); alert below 60; negative: counting Monday to Friday",
            registry=r)

    def record(self, report: TickReport, seconds: float) -> None:
        self.ticks.inc()
        self.tick_seconds.observe(seconds)
        self.open_cases.set(report.checked)
        for outcome, count in (("warned", len(report.warned)),
                               ("escalated", len(report.escalated)),
                               ("notified", report.notified), ("unsent", report.unsent),
                               ("busy", report.busy), ("failed", report.failed)):
            self.outcomes.labels(outcome).inc(count)
