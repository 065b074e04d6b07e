"""The TimescaleDB path as production runs it: the jobs a deployment needs, late rows that
reach the continuous aggregates, and sizes measured on hypertables (not their empty parent).

Skipped with a reason where the server has no timescaledb extension (CI's plain path).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store import db as store_db
from store import features, retention, rollups, series_jobs
from store.migrate import migrate
from store.readings import Reading, ReadingWriter
from store.sizes import series_sizes

pytestmark = [pytest.mark.integration, pytest.mark.timescale]


@pytest.fixture
def tsdb(databases):
    conn = store_db.connect(databases.create("tsdb_path"))
    migrate(conn, "on")
    retention.apply_policies(conn, features.current(conn), retention_days=30,
                             compress_after_days=7)
    yield conn
    conn.close()


def _count(conn, start: datetime, end: datetime) -> int:
    rows = rollups.series(conn, "pm25_ugm3", start, end)
    return sum(n for _, n, *_ in rows)


def test_every_job_a_deployment_needs_is_scheduled(tsdb) -> None:
    lines = series_jobs.describe(tsdb, features.current(tsdb))
    assert not [line for line in lines if line.startswith("MISSING")], lines
    # ... and the owner's job that refreshes what is stored below the policies' reach.
    assert len(lines) == len(series_jobs.EXPECTED) + 1, lines
    assert all("scheduled" in line for line in lines), lines


def test_rows_stored_below_the_policy_window_reach_the_rollups(tsdb) -> None:
    found = features.current(tsdb)
    now = datetime.now(UTC)
    writer = ReadingWriter(tsdb, found)
    writer.write([Reading(now - timedelta(minutes=20), "d0", "pm25_ugm3", 1.0)])
    # The refresh policy has run over that row: the watermark is near now, so real-time
    # aggregation no longer covers older buckets.
    with tsdb.cursor() as cur:
        tsdb.commit()
        tsdb.autocommit = True
        for view in ("readings_1m", "readings_1h"):
            cur.execute("CALL refresh_continuous_aggregate(%s, NULL, %s)",
                        (view, now - timedelta(minutes=5)))
        tsdb.autocommit = False
    late = (now - timedelta(hours=6)).replace(second=0, microsecond=0)
    writer.write([Reading(late + timedelta(seconds=10 * i), f"d{i % 3}", "pm25_ugm3", 1.0)
                  for i in range(30)])
    window = (late - timedelta(minutes=1), late + timedelta(minutes=10))
    assert _count(tsdb, *window) == 0  # stale until refreshed: what this guards against
    rollups.refresh(tsdb, found)
    assert _count(tsdb, *window) == 30
    hourly = rollups.series(tsdb, "pm25_ugm3", late - timedelta(hours=1),
                            late + timedelta(hours=1), resolution="1h")
    assert sum(n for _, n, *_ in hourly) == 30


def test_sizes_count_the_chunks_not_the_empty_parent(tsdb) -> None:
    found = features.current(tsdb)
    before = series_sizes(tsdb, found)
    start = datetime.now(UTC) - timedelta(hours=3)
    ReadingWriter(tsdb, found).write([
        Reading(start + timedelta(seconds=i), f"d{i % 50}", "pm25_ugm3", float(i))
        for i in range(20_000)])
    rollups.refresh(tsdb, found, until=datetime.now(UTC))
    after = series_sizes(tsdb, found)
    assert after["raw"] - before["raw"] > 20_000 * 40  # at least 40 bytes a row
    assert after["raw_indexes"] > before["raw_indexes"]
    assert after["1m"] > before["1m"]


def test_the_service_role_writes_hypertables_and_reads_aggregates(databases) -> None:
    """Grants reach the chunks and the continuous aggregates' materializations; the role
    cannot refresh them itself (the owner's job does) nor erase the audit trail."""
    from tests.roles_checks import CHECKS
    owner_url = databases.create("tsdb_roles")
    owner = store_db.connect(owner_url)
    migrate(owner, "on")
    owner.close()
    service_url = databases.service_url(owner_url)
    assert [problem for check in CHECKS.values() for problem in check(service_url)] == []
    conn = store_db.connect(service_url)
    try:
        found = features.current(conn)
        now = datetime.now(UTC)
        ReadingWriter(conn, found).write([Reading(now - timedelta(minutes=3), "d0",
                                                  "pm25_ugm3", 2.0)])
        rollups.refresh(conn, found)  # leaves the aggregates to the owner's job
        assert _count(conn, now - timedelta(minutes=10), now) == 1  # real-time aggregation
    finally:
        conn.close()
