"""What the services' database role may and may not do, as named checks.

Each check connects with the services' URL (DATABASE_URL) of a migrated world and returns
a list of problems (empty: it held). The default suite runs them once
(tests/integration/test_database_roles.py); the reliability run records each as a row of
the `roles` family (tests/reliability/test_roles.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import psycopg2

from store import db as store_db
from store import features, partitions, retention, rollups
from store.readings import Reading, ReadingWriter

# Statements an attacker holding a service's credentials would try; every one must fail.
ATTACKS = {
    "TRUNCATE alert_events": "TRUNCATE alert_events",
    "TRUNCATE alert_events CASCADE": "TRUNCATE alert_events CASCADE",
    "TRUNCATE admin_events": "TRUNCATE admin_events",
    "DROP TRIGGER on alert_events": "DROP TRIGGER alert_events_no_change ON alert_events",
    "ALTER TABLE alert_events DISABLE TRIGGER": "ALTER TABLE alert_events DISABLE TRIGGER ALL",
    "ALTER TABLE alerts ADD COLUMN": "ALTER TABLE alerts ADD COLUMN x int",
    "CREATE TABLE": "CREATE TABLE public.evil (a int)",
    "DROP TABLE alert_events": "DROP TABLE alert_events",
    "DROP FUNCTION of the trigger": "DROP FUNCTION alert_events_append_only() CASCADE",
    "UPDATE alert_events": "UPDATE alert_events SET actor = 'nobody'",
    "DELETE alert_events": "DELETE FROM alert_events",
    "UPDATE admin_events": "UPDATE admin_events SET actor = 'nobody'",
    "DELETE admin_events": "DELETE FROM admin_events",
    "CREATE ROLE": "CREATE ROLE evil LOGIN SUPERUSER",
    "ALTER ROLE itself": "ALTER ROLE CURRENT_USER SUPERUSER",
}

SEED = """
INSERT INTO alerts (fingerprint, kind, title) VALUES (%s, 'manual', 'roles check')
RETURNING id
"""


def _seed_audit_rows(conn) -> None:
    """One case with one event and one admin event, written as the services write them."""
    with conn, conn.cursor() as cur:
        cur.execute(SEED, (uuid.uuid4().hex,))
        alert_id = cur.fetchone()[0]
        cur.execute("INSERT INTO alert_events (alert_id, actor, action, to_state) "
                    "VALUES (%s, 'roles-check', 'open', 'new')", (alert_id,))
        cur.execute("INSERT INTO admin_events (actor, via, action, object_kind, object_id, after) "
                    "VALUES ('roles-check', 'cli', 'user.add', 'user', 'nobody', '{}')")


def attacks_refused(url: str) -> list[str]:
    """Every statement of ATTACKS fails for the role of `url`; the audit rows stay."""
    conn = store_db.connect(url)
    problems = []
    try:
        _seed_audit_rows(conn)
        for name, statement in ATTACKS.items():
            with conn.cursor() as cur:
                try:
                    cur.execute(statement)
                except psycopg2.Error:
                    conn.rollback()
                    continue
            conn.rollback()  # it went through: say so, and undo it
            problems.append(f"{name}: not refused")
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM alert_events WHERE actor = 'roles-check'")
            if cur.fetchone()[0] < 1:
                problems.append("the audit row is gone")
        conn.rollback()
    finally:
        conn.close()
    return problems


def not_privileged(url: str) -> list[str]:
    """The role is no superuser, creates no roles or databases and owns no table."""
    conn = store_db.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls "
                        "FROM pg_roles WHERE rolname = current_user")
            flags = cur.fetchone()
            cur.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n "
                        "ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                        "AND pg_has_role(current_user, c.relowner, 'USAGE')")
            owned = cur.fetchone()[0]
        conn.rollback()
    finally:
        conn.close()
    problems = [f"role has {name}" for name, flag in
                zip(("SUPERUSER", "CREATEROLE", "CREATEDB", "BYPASSRLS"), flags, strict=True)
                if flag]
    return problems + ([f"role owns {owned} relations"] if owned else [])


def services_work(url: str) -> list[str]:
    """The services' usual work, as the service role: write a case and its event, readings
    on a day with no partition yet (ingest creates it), refresh rollups, drop old days."""
    conn = store_db.connect(url)
    problems = []
    try:
        found = features.current(conn)
        _seed_audit_rows(conn)
        old = datetime.now(UTC) - timedelta(days=60)
        writer = ReadingWriter(conn, found)
        if writer.write([Reading(old, "roles-dev", "level_m", 1.0)]) != 1:
            problems.append("an old reading was not stored")
        rollups.refresh(conn, found)
        if not found.timescale:
            dropped = retention.maintain(conn, found, retention_days=30)
            if partitions.partition_name(old.date()) not in dropped:
                problems.append(f"the 60-day-old partition was not dropped: {dropped}")
            if date.today() + timedelta(days=partitions.DAYS_AHEAD) not in \
                    partitions.existing_days(conn):
                problems.append("partitions ahead of time were not made")
    except psycopg2.Error as exc:
        problems.append(f"refused: {str(exc).splitlines()[0]}")
    finally:
        conn.close()
    return problems


CHECKS: dict[str, Callable[[str], list[str]]] = {
    "a service role attempting TRUNCATE and DDL": attacks_refused,
    "the service role holds no superuser, role or ownership rights": not_privileged,
    "the services' usual work runs as the service role": services_work,
}
