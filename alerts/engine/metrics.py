"""What the alerts engine tells Prometheus: messages, signals, cases, and save latency."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class EngineMetrics:
    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.messages = Counter("cityops_alerts_messages_total", "messages evaluated",
                                ["stream"], registry=r)
        self.ignored = Counter("cityops_alerts_ignored_total",
                               "messages skipped: bad (ingest dead-letters them) or from an "
                               "unregistered device", ["stream", "reason"], registry=r)
        self.signals = Counter("cityops_alerts_signals_total", "fire and clear signals",
                               ["action"], registry=r)
        self.cases = Counter("cityops_alerts_cases_total",
                             "what signals did to cases (opened, repeated, resolved, ...)",
                             ["outcome"], registry=r)
        self.save_seconds = Histogram("cityops_alerts_save_seconds",
                                      "time to write cases, state and offsets",
                                      buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5),
                                      registry=r)
        self.rules = Gauge("cityops_alerts_rules", "rules in use", registry=r)
        self.lag = Gauge("cityops_alerts_consumer_lag", "messages not yet evaluated",
                         ["topic", "partition"], registry=r)
        self.watermark_lag = Gauge(
            "cityops_alerts_watermark_lag_seconds",
            "how far behind the wall clock the rules' time is (it runs behind while a "
            "backlog is read, and stands still while the broker is away)", registry=r)
        self.save_bytes = Histogram(
            "cityops_alerts_save_bytes", "state written per save (changed keys only)",
            buckets=(1e3, 1e4, 1e5, 2.5e5, 5e5, 1e6, 2.5e6, 1e7, 1e8), registry=r)
        self.partitions = Gauge("cityops_alerts_partitions", "partitions this member owns",
                                ["stage"], registry=r)
        self.fenced = Counter("cityops_alerts_fenced_total",
                              "saves refused because another member claimed the partition",
                              registry=r)
        self.rebalance_seconds = Histogram(
            "cityops_alerts_rebalance_seconds",
            "time to save revoked / claim and load assigned partitions",
            buckets=(.01, .05, .1, .25, .5, 1, 2.5, 5, 10), registry=r)
        self.db_errors = Counter("cityops_alerts_db_errors_total",
                                 "database failures (saves retried)", registry=r)
