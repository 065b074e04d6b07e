"""1-minute and 1-hour rollups of readings, read the same way on both storage paths.

With TimescaleDB they are continuous aggregates refreshed by its own jobs. On plain
PostgreSQL they are tables that `refresh()` recomputes from `rollup_state.dirty_from`,
which ingest lowers whenever it writes rows older than the last refresh.
"""

from __future__ import annotations

from datetime import datetime

import psycopg2.extensions

from store.features import Features

REFRESH_1M = """
INSERT INTO readings_1m (bucket, device_id, metric, n, sum_value, min_value, max_value)
SELECT date_bin(INTERVAL '1 minute', ts, TIMESTAMPTZ 'epoch'), device_id, metric,
       count(*), sum(value), min(value), max(value)
FROM readings WHERE ts >= %(start)s AND ts < %(end)s
GROUP BY 1, device_id, metric
ON CONFLICT (device_id, metric, bucket) DO UPDATE SET
    n = EXCLUDED.n, sum_value = EXCLUDED.sum_value,
    min_value = EXCLUDED.min_value, max_value = EXCLUDED.max_value
"""

REFRESH_1H = """
INSERT INTO readings_1h (bucket, device_id, metric, n, sum_value, min_value, max_value)
SELECT date_bin(INTERVAL '1 hour', bucket, TIMESTAMPTZ 'epoch'), device_id, metric,
       sum(n), sum(sum_value), min(min_value), max(max_value)
FROM readings_1m WHERE bucket >= %(start)s AND bucket < %(end)s
GROUP BY 1, device_id, metric
ON CONFLICT (device_id, metric, bucket) DO UPDATE SET
    n = EXCLUDED.n, sum_value = EXCLUDED.sum_value,
    min_value = EXCLUDED.min_value, max_value = EXCLUDED.max_value
"""


def mark_dirty(cur, oldest: datetime) -> None:
    """Called by writers in their own transaction; locks the row only when it moves back."""
    cur.execute("UPDATE rollup_state SET dirty_from = %s "
                "WHERE name = 'readings' AND dirty_from > %s", (oldest, oldest))


def refresh(conn: psycopg2.extensions.connection, features: Features) -> None:
    """Bring the rollups up to now. Continuous aggregates refresh themselves."""
    if features.timescale:
        return
    with conn.cursor() as cur:
        cur.execute("SELECT dirty_from, now() FROM rollup_state "
                    "WHERE name = 'readings' FOR UPDATE")
        dirty_from, now = cur.fetchone()
        cur.execute("SELECT min(ts) FROM readings WHERE ts >= %s", (dirty_from,))
        oldest = cur.fetchone()[0]
        if oldest is not None:
            cur.execute("SELECT date_bin(INTERVAL '1 minute', %(t)s, TIMESTAMPTZ 'epoch'), "
                        "date_bin(INTERVAL '1 hour', %(t)s, TIMESTAMPTZ 'epoch')", {"t": oldest})
            start_1m, start_1h = cur.fetchone()
            cur.execute(REFRESH_1M, {"start": start_1m, "end": "infinity"})
            cur.execute(REFRESH_1H, {"start": start_1h, "end": "infinity"})
        # The current minute may still grow, so the next refresh starts there.
        cur.execute("UPDATE rollup_state SET dirty_from = "
                    "date_bin(INTERVAL '1 minute', %s, TIMESTAMPTZ 'epoch') "
                    "WHERE name = 'readings'", (now,))
    conn.commit()


def series(conn: psycopg2.extensions.connection, metric: str, start: datetime, end: datetime,
           resolution: str = "1m", device_id: str | None = None) -> list[tuple]:
    """(bucket, n, mean, min, max) over all devices (or one) for a metric; both paths alike."""
    table = {"1m": "readings_1m", "1h": "readings_1h"}[resolution]
    query = (f"SELECT bucket, sum(n)::bigint, sum(sum_value) / sum(n), min(min_value), "  # noqa: S608
             f"max(max_value) FROM {table} WHERE metric = %s AND bucket >= %s AND bucket < %s "
             "AND (%s::text IS NULL OR device_id = %s) GROUP BY bucket ORDER BY bucket")
    with conn.cursor() as cur:
        cur.execute(query, (metric, start, end, device_id, device_id))
        return cur.fetchall()
