"""Connections to PostgreSQL; a bad DATABASE_URL becomes a one-line error naming the setting."""

from __future__ import annotations

import psycopg2
import psycopg2.extensions

from cityops.settings import ConfigError, mask_url


def connect(database_url: str, *, autocommit: bool = False, application_name: str = "cityops",
            setting: str = "DATABASE_URL") -> psycopg2.extensions.connection:
    """A connection; errors name `setting`, the variable the URL came from."""
    try:
        conn = psycopg2.connect(database_url, connect_timeout=5,
                                application_name=application_name)
    except psycopg2.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "connection failed"
        raise ConfigError(setting,
                          f"cannot connect to {mask_url(database_url)}: {reason}") from None
    except psycopg2.ProgrammingError as exc:
        raise ConfigError(setting, f"not a usable PostgreSQL URL: {exc}") from None
    conn.autocommit = autocommit
    return conn


def server_version(conn: psycopg2.extensions.connection) -> str:
    with conn.cursor() as cur:
        cur.execute("SHOW server_version")
        return cur.fetchone()[0]
