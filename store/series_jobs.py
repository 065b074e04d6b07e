"""The background jobs that keep the time series healthy, as `cityops stack status` shows them.

On TimescaleDB these are its own jobs: the continuous aggregates' refresh policies and the
compression and retention policies (installed by the migration and `cityops migrate`).
A deployment where they are missing or failing fills its disk or shows stale rollups
without an error anywhere else, so status names each one with its last result.
On plain PostgreSQL the service does the same work (store/upkeep.py): what status can
show there is how far the rollups lag behind.
"""

from __future__ import annotations

import psycopg2.extensions

from store.features import Features

# Every job a TimescaleDB deployment must be running: (procedure, hypertable or view).
EXPECTED = (
    ("policy_refresh_continuous_aggregate", "readings_1m"),
    ("policy_refresh_continuous_aggregate", "readings_1h"),
    ("policy_compression", "readings"),
    ("policy_retention", "readings"),
    ("policy_retention", "readings_1m"),
    ("policy_retention", "readings_1h"),
)

JOBS = """
SELECT j.proc_name, coalesce(ca.view_name, j.hypertable_name), j.schedule_interval::text,
       j.scheduled, s.last_run_status, s.last_run_started_at, s.next_start, s.total_failures
FROM timescaledb_information.jobs j
LEFT JOIN timescaledb_information.job_stats s USING (job_id)
LEFT JOIN timescaledb_information.continuous_aggregates ca
       ON ca.materialization_hypertable_name = j.hypertable_name
WHERE j.proc_schema = '_timescaledb_functions' AND j.proc_name LIKE 'policy_%%'
  AND j.hypertable_name IS NOT NULL  -- not TimescaleDB's own housekeeping
ORDER BY 2, 1
"""


STALE_JOB = """
SELECT j.schedule_interval::text, j.scheduled, s.last_run_status, s.total_failures
FROM timescaledb_information.jobs j
LEFT JOIN timescaledb_information.job_stats s USING (job_id)
WHERE j.proc_name = 'cityops_refresh_stale_rollups'
"""


def describe(conn: psycopg2.extensions.connection, features: Features) -> list[str]:
    """One line per job (or, on plain PostgreSQL, per service duty); 'MISSING' flags a gap."""
    with conn.cursor() as cur:
        if not features.timescale:
            cur.execute("SELECT dirty_from, now() - dirty_from FROM rollup_state "
                        "WHERE name = 'readings'")
            row = cur.fetchone()
            conn.rollback()
            since = "never refreshed" if row is None or row[1] is None else f"stale from {row[0]}"
            return [f"rollups refreshed by ingest's upkeep ({since}); "
                    "partitions and retention by the same upkeep"]
        cur.execute(JOBS)
        rows = cur.fetchall()
    conn.rollback()
    lines, seen = [], set()
    for proc, target, every, scheduled, status, last, next_start, failures in rows:
        seen.add((proc, target))
        state = "scheduled" if scheduled else "PAUSED"
        lines.append(f"{proc.removeprefix('policy_')} on {target}: every {every}, {state}, "
                     f"last {status or 'not run yet'} at {last or '-'}, next {next_start}, "
                     f"{failures or 0} failures")
    lines += [f"MISSING {proc.removeprefix('policy_')} on {target} (run `cityops migrate`)"
              for proc, target in EXPECTED if (proc, target) not in seen]
    return lines + [_stale_refresh(conn)]


def _stale_refresh(conn: psycopg2.extensions.connection) -> str:
    """The owner's job that refreshes rollups below the policies' reach (m0012_roles)."""
    with conn.cursor() as cur:
        cur.execute(STALE_JOB)
        row = cur.fetchone()
    conn.rollback()
    if row is None:
        return "MISSING cityops_refresh_stale_rollups (run `cityops migrate`)"
    every, scheduled, status, failures = row
    return (f"cityops_refresh_stale_rollups: every {every}, "
            f"{'scheduled' if scheduled else 'PAUSED'}, last {status or 'not run yet'}, "
            f"{failures or 0} failures")
