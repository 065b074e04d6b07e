"""Which database features the schema was built with: PostGIS geometry, TimescaleDB series.

The choice is made once, by the first migration, and recorded in store_meta, so
every later process reads the same answer instead of guessing from the server.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2.extensions

from cityops.settings import ConfigError


@dataclass(frozen=True)
class Features:
    postgis: bool
    timescale: bool

    @property
    def series_backend(self) -> str:
        return "timescale" if self.timescale else "plain"


def available_extensions(conn: psycopg2.extensions.connection) -> dict[str, str]:
    """Extensions the server could install, with their default versions."""
    with conn.cursor() as cur:
        cur.execute("SELECT name, default_version FROM pg_available_extensions "
                    "WHERE name IN ('postgis', 'timescaledb')")
        return dict(cur.fetchall())


def installed_extensions(conn: psycopg2.extensions.connection) -> dict[str, str]:
    with conn.cursor() as cur:
        cur.execute("SELECT extname, extversion FROM pg_extension")
        return dict(cur.fetchall())


def _create_extension(conn: psycopg2.extensions.connection, name: str) -> str | None:
    """Try to create an extension; return the error text instead of raising."""
    with conn.cursor() as cur:
        cur.execute("SAVEPOINT ext")
        try:
            # Extension names cannot be bind parameters; `name` is one of two literals.
            cur.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")  # noqa: S608
        except psycopg2.Error as exc:
            cur.execute("ROLLBACK TO SAVEPOINT ext")
            return str(exc).strip().splitlines()[0]
        cur.execute("RELEASE SAVEPOINT ext")
    return None


def timescale_preloaded(conn: psycopg2.extensions.connection) -> bool:
    """Whether the server loaded TimescaleDB at start, which the extension requires."""
    with conn.cursor() as cur:
        cur.execute("SELECT current_setting('shared_preload_libraries')")
        libraries = cur.fetchone()[0]
    return "timescaledb" in [name.strip() for name in libraries.split(",")]


def decide(conn: psycopg2.extensions.connection, timescale_mode: str) -> Features:
    """Pick the features for a new schema (inside the caller's transaction)."""
    available = available_extensions(conn)
    postgis = "postgis" in available and _create_extension(conn, "postgis") is None
    timescale = False
    if timescale_mode != "off" and "timescaledb" in available and not timescale_preloaded(conn):
        # Creating it now would not fail cleanly: the server ends the session. Installed
        # but not preloaded means a server started before the extension was installed.
        if timescale_mode == "on":
            raise ConfigError("CITYOPS_TIMESCALE", "timescaledb is installed but not in "
                              "shared_preload_libraries: add it and restart PostgreSQL")
        available.pop("timescaledb")
    if timescale_mode != "off" and "timescaledb" in available:
        error = _create_extension(conn, "timescaledb")
        timescale = error is None
        if error and timescale_mode == "on":
            raise ConfigError("CITYOPS_TIMESCALE", f"TimescaleDB cannot be enabled: {error}")
    if timescale_mode == "on" and not timescale:
        raise ConfigError("CITYOPS_TIMESCALE",
                          "set to 'on' but this server has no timescaledb extension")
    return Features(postgis=postgis, timescale=timescale)


def current(conn: psycopg2.extensions.connection) -> Features:
    """The features recorded by the first migration of this database."""
    with conn.cursor() as cur:
        cur.execute("SELECT key, value FROM store_meta WHERE key IN ('postgis', 'series_backend')")
        meta = dict(cur.fetchall())
    if not meta:
        raise RuntimeError("the database has no CityOps schema yet: run `cityops migrate`")
    return Features(postgis=meta.get("postgis") == "true",
                    timescale=meta.get("series_backend") == "timescale")
