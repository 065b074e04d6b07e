from datetime import UTC, date, datetime, timedelta

import psycopg2
import pytest

from store import db as store_db
from store import features, partitions, retention, rollups
from store.introspect import schema_snapshot
from store.migrate import discover, migrate
from store.readings import Reading, ReadingWriter

pytestmark = pytest.mark.integration

CORE_TABLES = {"areas", "devices", "readings", "device_state", "incidents", "alerts",
               "alert_events", "workers", "users", "readings_1m", "readings_1h"}


def test_migrate_twice_leaves_the_same_schema(databases) -> None:
    conn = store_db.connect(databases.create("twice"))
    try:
        first_applied = migrate(conn)
        first = schema_snapshot(conn)
        second_applied = migrate(conn)
        second = schema_snapshot(conn)
    finally:
        conn.close()
    assert first_applied == [f"{m.version:04d}_{m.name}" for m in discover()]
    assert first_applied[0] == "0001_core"
    assert second_applied == []
    assert first == second
    tables = {name for name, kind in first["relations"] if kind in ("r", "p", "v", "m")}
    assert CORE_TABLES <= tables


def test_plain_path_partitions_by_day_ahead_of_time(databases) -> None:
    conn = store_db.connect(databases.create("plain"))
    try:
        migrate(conn, "off", today=date(2026, 11, 25))
        assert not features.current(conn).timescale
        days = partitions.existing_days(conn)
        assert date(2026, 11, 24) in days
        assert date(2026, 11, 25) + timedelta(days=partitions.DAYS_AHEAD) in days
        partitions.ensure_days(conn, date(2026, 11, 20), date(2026, 11, 21))
        conn.commit()
        assert {date(2026, 11, 20), date(2026, 11, 21)} <= partitions.existing_days(conn)
        dropped = partitions.drop_before(conn, date(2026, 11, 21))
        conn.commit()
        assert dropped == ["readings_p20261120"]
    finally:
        conn.close()


def test_writes_are_idempotent_and_rollups_match_raw(settings, db) -> None:
    found = features.current(db)
    base = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=3)
    rows = [Reading(base + timedelta(seconds=10 * i), f"rollup-dev-{i % 3}", "level_m",
                    float(i)) for i in range(18)]
    writer = ReadingWriter(db, found)
    assert writer.write(rows) == 18
    assert writer.write(rows) == 0  # a replay changes nothing
    writer.finish()  # device state is buffered between batches; a stop writes it
    rollups.refresh(db, found)
    got = rollups.series(db, "level_m", base, base + timedelta(minutes=5),
                         device_id="rollup-dev-0")
    with db.cursor() as cur:
        cur.execute("""SELECT date_bin('1 minute', ts, 'epoch'), count(*), avg(value), min(value),
                              max(value) FROM readings WHERE device_id = 'rollup-dev-0'
                       GROUP BY 1 ORDER BY 1""")
        expected = cur.fetchall()
    assert [(b, n, pytest.approx(a), lo, hi) for b, n, a, lo, hi in got] == expected
    hourly = rollups.series(db, "level_m", base - timedelta(hours=1), base + timedelta(hours=1),
                            resolution="1h")
    assert sum(n for _, n, *_ in hourly) >= 18
    with db.cursor() as cur:
        cur.execute("SELECT last_values->>'level_m' FROM device_state "
                    "WHERE device_id = 'rollup-dev-2'")
        assert float(cur.fetchone()[0]) == 17.0


def test_late_rows_are_folded_into_rollups(settings, db) -> None:
    found = features.current(db)
    if found.timescale:
        pytest.skip("continuous aggregates refresh by policy; covered by the timescale test")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    writer = ReadingWriter(db, found)
    writer.write([Reading(now - timedelta(minutes=1), "late-dev", "flow", 1.0)])
    rollups.refresh(db, found)
    writer.write([Reading(now - timedelta(minutes=30), "late-dev", "flow", 5.0)])
    rollups.refresh(db, found)
    got = rollups.series(db, "flow", now - timedelta(hours=1), now, device_id="late-dev")
    assert [(n, mean) for _, n, mean, _, _ in got] == [(1, 5.0), (1, 1.0)]


def test_alert_events_are_append_only(settings, db) -> None:
    with db, db.cursor() as cur:
        cur.execute("INSERT INTO alerts (fingerprint, kind, title) VALUES ('fp-audit', "
                    "'threshold', 't') RETURNING id")
        alert_id = cur.fetchone()[0]
        cur.execute("INSERT INTO alert_events (alert_id, actor, action, to_state) "
                    "VALUES (%s, 'system', 'open', 'new')", (alert_id,))
    # The services' role has no right to; the owner has, and the trigger stops it.
    with pytest.raises(psycopg2.errors.InsufficientPrivilege), db.cursor() as cur:
        cur.execute("UPDATE alert_events SET note = 'edited' WHERE alert_id = %s", (alert_id,))
    db.rollback()
    owner = store_db.connect(settings.owner_url)
    try:
        with pytest.raises(psycopg2.errors.RaiseException, match="append-only"), \
                owner.cursor() as cur:
            cur.execute("UPDATE alert_events SET note = 'edited' WHERE alert_id = %s",
                        (alert_id,))
    finally:
        owner.close()


@pytest.mark.timescale
def test_timescale_path_uses_hypertables_and_continuous_aggregates(databases) -> None:
    conn = store_db.connect(databases.create("tsdb"))
    try:
        migrate(conn, "on")
        assert features.current(conn).timescale
        with conn.cursor() as cur:
            cur.execute("SELECT hypertable_name FROM timescaledb_information.hypertables")
            assert ("readings",) in cur.fetchall()
            cur.execute("SELECT view_name FROM timescaledb_information.continuous_aggregates "
                        "ORDER BY 1")
            assert cur.fetchall() == [("readings_1h",), ("readings_1m",)]
            cur.execute("SELECT count(*) FROM timescaledb_information.jobs "
                        "WHERE proc_name = 'policy_refresh_continuous_aggregate'")
            assert cur.fetchone()[0] == 2
        conn.rollback()
    finally:
        conn.close()


def test_retention_drops_old_partitions_and_prunes_the_rollups(databases) -> None:
    conn = store_db.connect(databases.create("retain"))
    try:
        migrate(conn, "off")
        today = datetime.now(UTC).date()
        found = features.current(conn)
        old = datetime.combine(today - timedelta(days=40), datetime.min.time(), tzinfo=UTC)
        ancient = old - timedelta(days=retention.HOURLY_DAYS)
        with conn.cursor() as cur:
            for view, bucket in (("readings_1m", old), ("readings_1m", ancient + timedelta(
                    days=retention.HOURLY_DAYS + 35)), ("readings_1h", ancient),
                    ("readings_1h", old)):
                cur.execute(f"INSERT INTO {view} VALUES (%s, 'd1', 'm', 1, 1, 1, 1)",  # noqa: S608
                            (bucket,))
        partitions.ensure_days(conn, today - timedelta(days=40), today - timedelta(days=40))
        conn.commit()
        dropped = retention.maintain(conn, found, retention_days=30, today=today)
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM readings_1m")
            minutes = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM readings_1h")
            hours = cur.fetchone()[0]
    finally:
        conn.close()
    assert partitions.partition_name(today - timedelta(days=40)) in dropped
    assert minutes == 1   # the 40-day-old minute bucket goes, the 5-day-old one stays
    assert hours == 1     # the hourly bucket older than HOURLY_DAYS goes


def test_a_chart_reads_each_metric_as_its_profile_aggregates(settings, db) -> None:
    """mean: the minute's mean; sum: its total; last (a state): its last value, from raw."""
    from screens.triage.readings import readings_around
    found = features.current(db)
    minute = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=2)
    device = "semantics-dev"
    writer = ReadingWriter(db, found)
    writer.write([Reading(minute + timedelta(seconds=s), device, metric, value)
                  for s, metric, value in [(5, "lamp_on", 0.0), (50, "lamp_on", 1.0),
                                           (5, "flow_m3h", 2.0), (50, "flow_m3h", 4.0),
                                           (5, "voltage_v", 220.0), (50, "voltage_v", 224.0)]])
    writer.finish()
    rollups.refresh(db, found, until=datetime.now(UTC))
    with db.cursor() as cur:
        chart = readings_around(cur, device, minute - timedelta(minutes=5),
                                minute + timedelta(minutes=5),
                                {"lamp_on": "last", "flow_m3h": "sum", "voltage_v": "mean"})
    db.rollback()
    assert chart["lamp_on"] == [(minute, 1.0)]
    assert chart["flow_m3h"] == [(minute, 6.0)]
    assert chart["voltage_v"] == [(minute, 222.0)]
