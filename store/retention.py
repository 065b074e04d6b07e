"""Keeping readings for a bounded time: Timescale policies, or dropping daily partitions.

The minute rollups live as long as the raw rows they summarise; the hourly ones, what the
summary's trends read, a year and a bit (HOURLY_DAYS). Without this the rollups would grow
forever and, at a sensor's usual cadence of minutes, outgrow the raw data.
"""

from __future__ import annotations

from datetime import date, timedelta

import psycopg2.extensions

from store import partitions
from store.features import Features

HOURLY_DAYS = 400

PRUNE_1M = "DELETE FROM readings_1m WHERE bucket < %s"
PRUNE_1H = "DELETE FROM readings_1h WHERE bucket < %s"


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
        for view, days in (("readings_1m", retention_days), ("readings_1h", HOURLY_DAYS)):
            cur.execute("SELECT remove_retention_policy(%s, if_exists => true)", (view,))
            cur.execute("SELECT add_retention_policy(%s, make_interval(days => %s))",
                        (view, days))
    conn.commit()


def maintain(conn: psycopg2.extensions.connection, features: Features, retention_days: int,
             today: date | None = None) -> list[str]:
    """Plain path: partitions ahead of time and old days dropped. Returns dropped tables."""
    if features.timescale:
        return []
    today = today or date.today()
    partitions.ensure_days(conn, today, today + timedelta(days=partitions.DAYS_AHEAD))
    dropped = partitions.drop_before(conn, today - timedelta(days=retention_days))
    with conn.cursor() as cur:
        cur.execute(PRUNE_1M, (today - timedelta(days=retention_days),))
        cur.execute(PRUNE_1H, (today - timedelta(days=HOURLY_DAYS),))
    conn.commit()
    return dropped
