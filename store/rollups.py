"""1-minute and 1-hour rollups of readings, read the same way on both storage paths.

Writers mark where rollups went stale the same way on both paths: `mark_dirty` lowers
`rollup_state.dirty_from` when they store rows older than it. `refresh()` then brings the
rollups up to date from there:
- plain PostgreSQL: the rollup tables are recomputed from `dirty_from` to now;
- TimescaleDB: the continuous aggregates' own policies refresh a recent window (and
  real-time aggregation covers the newest buckets); rows stored older than that window
  (a backfill, a seeded history, a device back after a day offline) would never reach
  them, so `refresh()` asks TimescaleDB to refresh the stale range below the window —
  when the caller owns the continuous aggregates (TimescaleDB lets no one else refresh
  them). The services' role does not (store/roles.py): for it the owner's job
  cityops_refresh_stale_rollups (m0012_roles) does the same from `dirty_from`.
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


def refresh(conn: psycopg2.extensions.connection, features: Features,
            until: datetime | None = None) -> None:
    """Bring the rollups up to date, on either storage path.

    On TimescaleDB the newest buckets are the policies' (and real-time aggregation's) to
    fill; `until` asks for everything before it to be materialized now (a seeded history,
    a measurement). The plain path always refreshes up to now.
    """
    if features.timescale:
        if _owns_rollups(conn):
            _refresh_timescale(conn, until)
        # else: a service's role, which TimescaleDB does not let refresh a continuous
        # aggregate; the owner's job cityops_refresh_stale_rollups (m0012_roles) does it.
    else:
        _refresh_plain(conn)


def _owns_rollups(conn: psycopg2.extensions.connection) -> bool:
    with conn.cursor() as cur:
        cur.execute("SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
                    "WHERE oid = 'readings_1m'::regclass")
        owns = cur.fetchone()[0]
    conn.commit()
    return owns


def _refresh_plain(conn: psycopg2.extensions.connection) -> None:
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


# Below this instant the 1-minute policy (start_offset 2 hours, m0001_core) never looks;
# kept an hour inside it so a refresh and the policy overlap rather than leave a gap.
POLICY_REACH = "date_bin(INTERVAL '1 hour', now(), TIMESTAMPTZ 'epoch') - INTERVAL '1 hour'"


def _refresh_timescale(conn: psycopg2.extensions.connection, until: datetime | None) -> None:
    """Refresh the continuous aggregates over what was stored below the policies' reach.

    `refresh_continuous_aggregate` cannot run inside a transaction, so the stale range is
    read first and `dirty_from` moved only if no writer lowered it meanwhile (else the
    next refresh starts from the writer's mark).
    """
    with conn.cursor() as cur:
        cur.execute(f"SELECT dirty_from, {POLICY_REACH} FROM rollup_state "  # noqa: S608
                    "WHERE name = 'readings'")
        dirty_from, reach = cur.fetchone()
        end = max(reach, until) if until is not None else reach
        if dirty_from >= end:
            # Nothing stored below the policies' reach since the last refresh: the usual
            # case, every tick of ingest's upkeep, so no query and no row write.
            conn.commit()
            return
        cur.execute("SELECT min(ts) FROM readings WHERE ts >= %s AND ts < %s",
                    (dirty_from, end))
        oldest = cur.fetchone()[0]
        conn.commit()
    if oldest is not None:
        _refresh_views(conn, oldest, end)
    with conn.cursor() as cur:
        cur.execute("UPDATE rollup_state SET dirty_from = %s "
                    "WHERE name = 'readings' AND dirty_from = %s", (reach, dirty_from))
    conn.commit()


def _refresh_views(conn: psycopg2.extensions.connection, oldest: datetime,
                   end: datetime) -> None:
    autocommit = conn.autocommit
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for view, bucket in (("readings_1m", "1 minute"), ("readings_1h", "1 hour")):
                # Whole buckets only: a window that holds none is refused.
                cur.execute(f"SELECT date_bin(INTERVAL '{bucket}', %(a)s, "  # noqa: S608
                            f"TIMESTAMPTZ 'epoch'), date_bin(INTERVAL '{bucket}', "
                            f"%(b)s, TIMESTAMPTZ 'epoch') + INTERVAL '{bucket}'",
                            {"a": oldest, "b": end})
                start, stop = cur.fetchone()
                cur.execute("CALL refresh_continuous_aggregate(%s, %s, %s)",
                            (view, start, stop))
    finally:
        conn.autocommit = autocommit


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
