"""What the ingest service tells Prometheus: throughput, lag, batch latency, errors."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class IngestMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.messages = Counter("cityops_ingest_messages_total", "messages consumed",
                                ["stream"], registry=r)
        self.rows = Counter("cityops_ingest_rows_written_total",
                            "rows newly stored or changed (replays not counted)", ["stream"],
                            registry=r)
        self.dead_letters = Counter("cityops_ingest_dead_letters_total",
                                    "messages sent to the dead-letter topic",
                                    ["stream", "reason"], registry=r)
        self.batch_seconds = Histogram("cityops_ingest_batch_seconds",
                                       "time to store a batch and commit its offsets",
                                       ["stream"],
                                       buckets=(.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10),
                                       registry=r)
        self.batch_rows = Histogram("cityops_ingest_batch_rows", "rows per batch", ["stream"],
                                    buckets=(1, 10, 100, 500, 1000, 2500, 5000, 10000, 20000),
                                    registry=r)
        self.lag = Gauge("cityops_ingest_consumer_lag", "messages not yet consumed",
                         ["topic", "partition"], registry=r)
        self.db_errors = Counter("cityops_ingest_db_errors_total",
                                 "database failures (batches retried)", ["stream"], registry=r)
