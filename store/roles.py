"""Database roles: what the services may do, granted by the schema owner after each migration.

Two kinds of login role (docs/operations.md, "Database roles"):
- the owner (CITYOPS_OWNER_DATABASE_URL) owns every table, view and function and runs the
  migrations; only `cityops migrate`, backups and restores connect as it;
- the services' role (DATABASE_URL) is a member of the NOLOGIN group SERVICE_GROUP, which
  holds every grant. It reads and writes data, may only INSERT and SELECT the audit tables,
  and has no DDL: not even TRUNCATE, which needs no UPDATE or DELETE right and fires no
  row trigger (the hole of issue #13 defect 5).

The grants go to the group rather than to a login so that a credential can be rotated by
making a new login a member and dropping the old one, with no GRANT to redo (and so that
`migrate` needs no name from the services' settings).

Runtime maintenance that needs ownership goes through SECURITY DEFINER functions of the
owner with a fixed search_path (m0012_roles: a day's partition of readings made or dropped
on plain PostgreSQL), whose EXECUTE is granted to the group alone. TimescaleDB's
`refresh_continuous_aggregate` cannot be wrapped so (it needs the view's owner and refuses
to run inside a function's transaction), so there the owner's own TimescaleDB job does the
refresh that store/rollups.py does on the plain path.
"""

from __future__ import annotations

from psycopg2 import sql

SERVICE_GROUP = "cityops_service"

# Append-only: the services may add rows and read them, nothing else.
AUDIT_TABLES = ("alert_events", "admin_events", "device_profile_files", "share_access_log")
# The migrations' bookkeeping: read by every service, written by `migrate` alone.
READ_ONLY_TABLES = ("schema_migrations", "store_meta")
# Functions of the owner (SECURITY DEFINER) the services call; m0012_roles makes them on
# the plain path only, where readings is partitioned by day.
DEFINER_FUNCTIONS = ("cityops_add_readings_day(date)", "cityops_drop_readings_day(date)")

ENSURE_GROUP = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{SERVICE_GROUP}') THEN
        CREATE ROLE {SERVICE_GROUP} NOLOGIN;
    END IF;
END $$
"""

# Tables of the schema (partitions excluded: they are reached through their parent, and
# the owner's function makes them) and views (TimescaleDB's continuous aggregates among
# them: a grant on one reaches its materialization, as one on a hypertable its chunks).
RELATIONS = """
SELECT c.relname, c.relkind IN ('v', 'm') FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY c.relname
"""


def ensure_group(cur) -> None:
    """The services' group role, for a fresh server the local stack or compose did not set up."""
    cur.execute(ENSURE_GROUP)


def grant_service(cur) -> None:
    """Give the services' group exactly its rights on the current schema; idempotent."""
    ensure_group(cur)
    group = sql.Identifier(SERVICE_GROUP)
    # PostgreSQL 15 no longer lets everyone create in `public`; older servers still do.
    cur.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    cur.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(group))
    cur.execute(RELATIONS)
    for name, is_view in cur.fetchall():
        table = sql.Identifier(name)
        cur.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(table, group))
        rights = ("SELECT" if is_view or name in READ_ONLY_TABLES
                  else "SELECT, INSERT" if name in AUDIT_TABLES
                  else "SELECT, INSERT, UPDATE, DELETE")
        cur.execute(sql.SQL("GRANT {} ON {} TO {}").format(sql.SQL(rights), table, group))
    cur.execute(sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public "
                        "TO {}").format(group))
    for signature in DEFINER_FUNCTIONS:
        cur.execute("SELECT to_regprocedure(%s)", (signature,))
        if cur.fetchone()[0] is None:
            continue
        function = sql.SQL(signature)  # a constant of this module, never input
        cur.execute(sql.SQL("REVOKE ALL ON FUNCTION {} FROM PUBLIC").format(function))
        cur.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(function, group))
