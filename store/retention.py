"""Keeping raw readings for a bounded time: Timescale policies, or dropping daily partitions."""

from __future__ import annotations

from datetime import date, timedelta

import psycopg2.extensions

from store import partitions
from store.features import Features


def apply_policies(conn: psycopg2.extensions.connection, features: Features,
                   retention_days: int, compress_after_days: int) -> None:
    """Install (or update) compression and retention; idempotent."""
    if not features.timescale:
        return
    with conn.cursor() as cur:
        cur.execute("SELECT remove_compression_policy('readings', if_exists => true)")
        cur.execute("SELECT add_compression_policy('readings', make_interval(days => %s))",
                    (compress_after_days,))
        cur.execute("SELECT remove_retention_policy('readings', if_exists => true)")
        cur.execute("SELECT add_retention_policy('readings', make_interval(days => %s))",
                    (retention_days,))
    conn.commit()


def maintain(conn: psycopg2.extensions.connection, features: Features, retention_days: int,
             today: date | None = None) -> list[str]:
    """Plain path: partitions ahead of time and old days dropped. Returns dropped tables."""
    if features.timescale:
        return []
    today = today or date.today()
    partitions.ensure_days(conn, today, today + timedelta(days=partitions.DAYS_AHEAD))
    dropped = partitions.drop_before(conn, today - timedelta(days=retention_days))
    conn.commit()
    return dropped
