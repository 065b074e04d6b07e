"""Periodic care of the time series: rollups on both paths; partitions and retention on
plain PostgreSQL (TimescaleDB's own jobs do those two there, see store/series_jobs.py).

Ingest runs it between batches, so rollups stay current within `refresh_seconds`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import psycopg2
import psycopg2.extensions

from store import retention, rollups
from store.features import Features

log = logging.getLogger(__name__)


class SeriesUpkeep:
    def __init__(self, connect: Callable[[], psycopg2.extensions.connection],
                 features: Features, retention_days: int, refresh_seconds: float = 15,
                 maintain_seconds: float = 3600) -> None:
        self.connect = connect
        self.features = features
        self.retention_days = retention_days
        self.refresh_seconds = refresh_seconds
        self.maintain_seconds = maintain_seconds
        self.conn: psycopg2.extensions.connection | None = None
        self.next_refresh = 0.0
        self.next_maintain = 0.0

    def tick(self) -> None:
        now = time.monotonic()
        if now < self.next_refresh:
            return
        try:
            if self.conn is None or self.conn.closed:
                self.conn = self.connect()
            if now >= self.next_maintain:
                dropped = retention.maintain(self.conn, self.features, self.retention_days)
                if dropped:
                    log.info("old readings dropped", extra={"partitions": dropped})
                self.next_maintain = now + self.maintain_seconds
            rollups.refresh(self.conn, self.features)
        except psycopg2.Error as exc:
            log.warning("series upkeep failed; will retry",
                        extra={"error": str(exc).splitlines()[0]})
            self.conn = None
        self.next_refresh = now + self.refresh_seconds

    def close(self) -> None:
        if self.conn is not None and not self.conn.closed:
            self.conn.close()
