"""`cityops backup` and `cityops restore`: a city's database restored into a fresh database
is the same table by table (rows and checksums), keeps its schema, sequences and the
append-only audit, and `cityops migrate` finds it up to date."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from alerts.cases.moves import NewCase, open_case, transition
from identity.users import add_user
from ingest.records import Incident
from store import db as store_db
from store import features, rollups
from store.incidents import IncidentWriter
from store.introspect import schema_snapshot
from store.readings import Reading, ReadingWriter
from tests.process import run_cli

pytestmark = pytest.mark.integration

# Every table of ours, not an extension's; partitions are tables too, so each is compared.
TABLES = """
SELECT c.relname FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1
"""

MUST_HAVE_ROWS = {"areas", "devices", "readings", "readings_1m", "readings_1h", "incidents",
                  "alerts", "alert_events", "users", "workers", "schema_migrations",
                  "store_meta", "rollup_state"}

# Text that COPY and dump formats must carry unchanged: tabs, newlines, backslashes, quotes.
AWKWARD = "井盖缺失\t'; DROP TABLE alerts; --\n\\N \\\\ \"引号\" \u202e右到左"


# On TimescaleDB the rollups are continuous aggregates (views), not tables: compared too.
# Their newest bucket is summed at query time (real-time aggregation), and a float sum's
# last digits depend on the order it adds in, which a restore may change; so sums are
# compared to 9 significant digits there and every other column exactly.
ROLLUPS = ("readings_1m", "readings_1h")
ROLLUP_ROW = ("SELECT bucket, device_id, metric, n, to_char(sum_value, '9.99999999EEEE'), "
              "min_value, max_value FROM {}")


def fingerprints(conn) -> dict[str, tuple[int, str]]:
    """Per table (and rollup): (rows, md5 of every row's text in a total order)."""
    found = {}
    with conn.cursor() as cur:
        cur.execute(TABLES)
        for name in sorted({row[0] for row in cur.fetchall()} | set(ROLLUPS)):
            rows = (psycopg2.sql.SQL(ROLLUP_ROW) if name in ROLLUPS
                    else psycopg2.sql.SQL("SELECT * FROM {}")).format(
                psycopg2.sql.Identifier(name))
            cur.execute(psycopg2.sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), "
                "'')) FROM ({}) t").format(rows))
            found[name] = cur.fetchone()
    conn.rollback()
    return found


def fill_city(conn, areas) -> None:
    from geo import store as geo_store
    from sim.seed import seed_city
    geo_store.write_areas(conn, areas)
    # Devices, workers, users, incidents and cases with their events, as the demo has them.
    seed_city(conn, devices_count=300, open_cases=30, incidents_24h=400, readings_devices=20)
    found = features.current(conn)
    now = datetime.now(UTC).replace(microsecond=0)
    rows = [Reading(now - timedelta(minutes=10 * step), f"backup-dev-{d}", metric, step + d / 7)
            for step in range(3 * 144) for d in range(4) for metric in ("level_m", "flow_m3h")]
    ReadingWriter(conn, found).write(rows, sync_state=True)  # three days: three partitions
    rollups.refresh(conn, found)
    IncidentWriter(conn).write([Incident("hotline", f"backup-{uuid.uuid4().hex[:8]}", now,
                                         category="井盖", description=AWKWARD,
                                         payload={"text": AWKWARD})])
    alert_id = open_case(conn, NewCase(fingerprint=uuid.uuid4().hex, kind="hotline",
                                        title=AWKWARD, category="井盖"), actor="operator:li")
    steps = [("confirm", "operator:li", "operator"), ("dispatch", "operator:li", "operator"),
             ("accept", "worker:wang", "worker"), ("handle", "worker:wang", "worker"),
             ("verify", "operator:zhou", "operator")]
    for version, (action, actor, role) in enumerate(steps, start=1):
        transition(conn, alert_id, action, actor, role, version, note=AWKWARD)
    add_user(conn, "backup_admin", "s3cret-pass", "admin", "310101", display_name=AWKWARD)


def sibling_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def test_restore_into_a_fresh_database_is_the_same_city(isolated, small_city_areas, databases,
                                                        tmp_path) -> None:
    run = isolated("backup")
    # The owner's eyes: the comparison reads every table, partitions of readings included.
    source = store_db.connect(run.owner_url)
    fill_city(source, small_city_areas)
    before = fingerprints(source)
    schema_before = schema_snapshot(source)
    source.close()
    empty = {name for name, (rows, _) in before.items() if rows == 0}
    assert not MUST_HAVE_ROWS & empty, f"no rows to compare in {MUST_HAVE_ROWS & empty}"
    assert days_stored(run.database_url) >= 3

    dump = tmp_path / "city.dump"
    done = run_cli(run, "backup", "--out", str(dump), timeout=120)
    assert done.returncode == 0, done.stderr
    assert dump.stat().st_size > 0 and "written to" in done.stdout

    name = f"{urlsplit(run.database_url).path.lstrip('/')}_restored"
    databases.names.append(name)  # dropped with the run's other databases
    target_url = sibling_database(run.owner_url, name)  # a restore is the owner's work
    done = run_cli(run, "restore", str(dump), "--into", target_url, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "(created)" in done.stdout

    target = store_db.connect(target_url)
    try:
        after = fingerprints(target)
        assert schema_snapshot(target) == schema_before
        differing = {n: (before.get(n), after.get(n)) for n in before.keys() | after.keys()
                     if before.get(n) != after.get(n)}
        assert differing == {}
        assert days_stored(target_url) >= 3
        assert_restored_database_still_works(target, before["alerts"][0])
    finally:
        target.close()

    done = run_cli(run, "migrate", CITYOPS_OWNER_DATABASE_URL=target_url)
    assert done.returncode == 0, done.stderr
    assert "applied: nothing (up to date)" in done.stdout


def days_stored(url: str) -> int:
    """Days of readings in storage of their own: partitions, or TimescaleDB's chunks."""
    conn = store_db.connect(url)
    try:
        with conn.cursor() as cur:
            if features.current(conn).timescale:
                cur.execute("SELECT count(*) FROM show_chunks('readings')")
            else:
                cur.execute("SELECT count(*) FROM pg_partition_tree('readings') t "
                            "WHERE t.isleaf AND EXISTS (SELECT 1 FROM readings r "
                            "WHERE r.tableoid = t.relid)")
            return cur.fetchone()[0]
    finally:
        conn.close()


def assert_restored_database_still_works(conn, alerts_before: int) -> None:
    """Sequences continue after the restored ids; the audit is still append-only."""
    with conn.cursor() as cur:
        cur.execute("SELECT max(id) FROM alerts")
        highest = cur.fetchone()[0]
    conn.rollback()
    new_id = open_case(conn, NewCase(fingerprint=uuid.uuid4().hex, kind="hotline",
                                      title="after restore"), actor="operator:li")
    assert new_id > highest and alerts_before > 0
    with pytest.raises(psycopg2.errors.RaiseException, match="append-only"):
        with conn.cursor() as cur:
            cur.execute("UPDATE alert_events SET note = 'rewritten' WHERE alert_id = %s",
                        (new_id,))
    conn.rollback()


def test_restore_refuses_a_database_that_has_tables(settings, tmp_path) -> None:
    dump = tmp_path / "main.dump"
    done = run_cli(settings, "backup", "--out", str(dump), timeout=120)
    assert done.returncode == 0, done.stderr
    done = run_cli(settings, "restore", str(dump), "--into", settings.owner_url)
    assert done.returncode == 1
    assert "never over a live one" in done.stderr


def test_backup_to_an_unreachable_server_leaves_no_file(settings, tmp_path) -> None:
    dump = tmp_path / "nowhere.dump"
    bad = sibling_database(settings.owner_url, "no_such_database_for_backup")
    done = run_cli(settings, "backup", "--out", str(dump), CITYOPS_OWNER_DATABASE_URL=bad)
    assert done.returncode == 1
    assert "pg_dump" in done.stderr and "no_such_database_for_backup" in done.stderr
    assert list(tmp_path.iterdir()) == []
