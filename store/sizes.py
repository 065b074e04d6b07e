"""How much disk the time series takes, measured the same way on both storage paths.

A hypertable's parent table holds no rows (its chunks do), and a continuous aggregate is a
view over a hidden materialization hypertable, so `pg_total_relation_size` reads 0 on
TimescaleDB; its own size functions are asked there instead.
"""

from __future__ import annotations

import psycopg2.extensions

from store.features import Features

PLAIN = """
SELECT
  (SELECT coalesce(sum(pg_table_size(relid)), 0)::bigint FROM pg_partition_tree('readings')),
  (SELECT coalesce(sum(pg_indexes_size(relid)), 0)::bigint FROM pg_partition_tree('readings')),
  pg_total_relation_size('readings_1m'),
  pg_total_relation_size('readings_1h')
"""

TIMESCALE = """
WITH raw AS (SELECT * FROM hypertable_detailed_size('readings')),
rollup AS (
    SELECT ca.view_name, hypertable_size(format('%I.%I', ca.materialization_hypertable_schema,
                                                ca.materialization_hypertable_name)) AS bytes
    FROM timescaledb_information.continuous_aggregates ca
)
SELECT coalesce((SELECT table_bytes + toast_bytes FROM raw), 0),
       coalesce((SELECT index_bytes FROM raw), 0),
       coalesce((SELECT bytes FROM rollup WHERE view_name = 'readings_1m'), 0),
       coalesce((SELECT bytes FROM rollup WHERE view_name = 'readings_1h'), 0)
"""


def series_sizes(conn: psycopg2.extensions.connection, features: Features) -> dict[str, int]:
    """Bytes of raw readings (tables, indexes) and of the 1-minute and 1-hour rollups."""
    with conn.cursor() as cur:
        cur.execute(TIMESCALE if features.timescale else PLAIN)
        raw, raw_indexes, one_minute, one_hour = cur.fetchone()
    conn.rollback()
    return {"raw": raw, "raw_indexes": raw_indexes, "1m": one_minute, "1h": one_hour}
