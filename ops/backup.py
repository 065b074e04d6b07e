"""Backup and restore of the CityOps database: pg_dump's custom format, restored into a new
database with pg_restore.

A backup is one file (`pg_dump -Fc`): compressed, restorable table by table, and readable
by any pg_restore of the same or a newer major version. A restore always goes into a
database that is new or empty, never over a live one: rolling back is "point the services
at the restored database", and the old one stays until someone decides to drop it.

Extensions are the one thing a plain pg_restore gets wrong for us: PostGIS (and
TimescaleDB) need a superuser to create and their COMMENT belongs to the extension's
owner, so under `--no-owner` as the application role they would stop the restore. They
are created first, as the restoring role can, and their entries are left out of the list
pg_restore works from.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

from cityops.settings import mask_url
from ops.postgres import PG_BIN
from ops.system import StackError
from store import db

# `2; 3079 16402 EXTENSION - postgis` and `4626; 0 0 COMMENT - EXTENSION postgis`.
_EXTENSION = re.compile(r"^\d+; \d+ \d+ EXTENSION - (\S+)")
_EXTENSION_COMMENT = re.compile(r"^\d+; \d+ \d+ COMMENT - EXTENSION ")

# Our tables, not an extension's (PostGIS brings spatial_ref_sys into every database).
COUNT_TABLES = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
"""


class BackupError(StackError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    seconds: float


@dataclass(frozen=True)
class RestoreReport:
    database_url: str
    created: bool
    extensions: tuple[str, ...]
    tables: int
    seconds: float


def tool(name: str) -> str:
    """Debian's PostgreSQL 15 client (the version of the local cluster), else one on PATH."""
    local = PG_BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install postgresql-client-15 (or a newer client)")
    return found


def libpq_target(database_url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and an environment carrying it as PGPASSWORD.

    Arguments are visible to every user in `ps`; the environment is not.
    """
    parts = urlsplit(database_url)
    env = dict(os.environ)
    if parts.password is None:
        return database_url, env
    env["PGPASSWORD"] = parts.password
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}@{host}" if parts.username else host
    return urlunsplit(parts._replace(netloc=netloc)), env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()[-600:]}")


def backup(database_url: str, out: Path) -> BackupReport:
    """Dump the whole database into `out` (custom format); replaces `out` only on success."""
    url, env = libpq_target(database_url)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    # A failed dump must not leave a truncated file that looks like a backup.
    partial = out.with_name(out.name + ".partial")
    started = time.perf_counter()
    try:
        _run([tool("pg_dump"), "--format=custom", "--file", str(partial), "--dbname", url],
             env, f"pg_dump of {mask_url(database_url)}")
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(out, out.stat().st_size, time.perf_counter() - started)


def listing(dump: Path) -> list[str]:
    """The table of contents of a dump, one entry a line (`pg_restore -l`)."""
    if not dump.is_file():
        raise BackupError(f"no backup file at {dump}")
    done = subprocess.run([tool("pg_restore"), "--list", str(dump)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise BackupError(f"{dump} is not a pg_dump custom-format file: "
                          f"{done.stderr.strip()[-300:]}")
    return done.stdout.splitlines()


def extensions_in(entries: list[str]) -> tuple[str, ...]:
    return tuple(m.group(1) for m in map(_EXTENSION.match, entries) if m)


def without_extensions(entries: list[str]) -> list[str]:
    """The entries pg_restore should replay: all but the extensions and their comments."""
    return [line for line in entries
            if not (_EXTENSION.match(line) or _EXTENSION_COMMENT.match(line))]


def _maintenance_url(database_url: str) -> tuple[str, str]:
    """(URL of the server's `postgres` database, the target database's name)."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name:
        raise BackupError(f"{mask_url(database_url)} names no database to restore into")
    return urlunsplit(parts._replace(path="/postgres")), name


def prepare_database(database_url: str) -> bool:
    """Create the target database, or accept an existing empty one; True if created here."""
    admin_url, name = _maintenance_url(database_url)
    admin = db.connect(admin_url, autocommit=True)
    try:
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'")
                            .format(sql.Identifier(name)))
                return True
    finally:
        admin.close()
    conn = db.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(COUNT_TABLES)
            tables = cur.fetchone()[0]
    finally:
        conn.close()
    if tables:
        raise BackupError(f"database {name} already has {tables} tables: restore goes into "
                          "a new or empty database, never over a live one")
    return False


def _drop_database(database_url: str) -> None:
    admin_url, name = _maintenance_url(database_url)
    admin = db.connect(admin_url, autocommit=True)
    try:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                        .format(sql.Identifier(name)))
    finally:
        admin.close()


def _execute(database_url: str, *statements: str | sql.Composable) -> None:
    conn = db.connect(database_url, autocommit=True)
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()


def create_extensions(database_url: str, names: tuple[str, ...]) -> None:
    """Create the dump's extensions first (PostGIS must exist before its geometry columns)."""
    for name in names:
        try:
            _execute(database_url, sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(
                sql.Identifier(name)))
        except psycopg2.Error as exc:
            raise BackupError(f"extension {name} cannot be created in the target "
                              f"({str(exc).strip().splitlines()[0]}): have a superuser run "
                              f"CREATE EXTENSION {name} there first") from None


def _pg_restore(dump: Path, database_url: str, entries: list[str], jobs: int) -> None:
    url, env = libpq_target(database_url)
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(entries) + "\n")
    list_file = Path(handle.name)
    # One job: all or nothing in one transaction. Several: faster (tables and indexes in
    # parallel) but a failure leaves a partial database, which restore() then drops.
    mode = ["--single-transaction"] if jobs <= 1 else [f"--jobs={jobs}"]
    try:
        _run([tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *mode,
              "--use-list", str(list_file), "--dbname", url, str(dump)],
             env, f"pg_restore into {mask_url(database_url)}")
    finally:
        list_file.unlink(missing_ok=True)


def _count_tables(database_url: str) -> int:
    conn = db.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(COUNT_TABLES)
            return cur.fetchone()[0]
    finally:
        conn.close()


def restore(dump: Path, database_url: str, jobs: int = 1) -> RestoreReport:
    """Restore a backup into a new (or empty) database; on failure a database created here
    is dropped again, so a restore either completes or leaves nothing behind."""
    started = time.perf_counter()
    entries = listing(dump)
    extensions = extensions_in(entries)
    created = prepare_database(database_url)
    try:
        create_extensions(database_url, extensions)
        timescale = "timescaledb" in extensions
        if timescale:
            # TimescaleDB's documented restore: its catalog rows arrive as plain data.
            _execute(database_url, "SELECT timescaledb_pre_restore()")
        _pg_restore(dump, database_url, without_extensions(entries), jobs)
        if timescale:
            _execute(database_url, "SELECT timescaledb_post_restore()")
        # pg_restore brings no planner statistics; without them the first queries crawl.
        _execute(database_url, "ANALYZE")
    except BaseException:
        if created:
            _drop_database(database_url)
        raise
    return RestoreReport(mask_url(database_url), created, extensions,
                         _count_tables(database_url), time.perf_counter() - started)
