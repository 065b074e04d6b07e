"""Versioned migrations: each module in store/migrations applies once, in order."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from dataclasses import dataclass
from datetime import date, timedelta
from types import ModuleType

import psycopg2.extensions

import store.migrations
from store import features as store_features
from store import partitions, roles
from store.features import Features

log = logging.getLogger(__name__)

# Any constant works; it only has to be the same for every process that migrates.
_LOCK_KEY = 7_231_004_512

BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS store_meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    module: ModuleType


def discover() -> list[Migration]:
    """Modules named mNNNN_<name>.py, sorted by NNNN."""
    found = []
    for info in pkgutil.iter_modules(store.migrations.__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            module = importlib.import_module(f"store.migrations.{info.name}")
            found.append(Migration(int(info.name[1:5]), info.name[6:], module))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version: {versions}")
    return found


def _features_for(cur, conn, timescale_mode: str) -> Features:
    cur.execute("SELECT value FROM store_meta WHERE key = 'series_backend'")
    if cur.fetchone() is None:
        chosen = store_features.decide(conn, timescale_mode)
        cur.executemany("INSERT INTO store_meta (key, value) VALUES (%s, %s)",
                        [("postgis", str(chosen.postgis).lower()),
                         ("series_backend", chosen.series_backend)])
        log.info("schema features chosen", extra={"postgis": chosen.postgis,
                                                  "timescale": chosen.timescale})
        return chosen
    chosen = store_features.current(conn)
    if timescale_mode == "on" and not chosen.timescale:
        from cityops.settings import ConfigError
        raise ConfigError("CITYOPS_TIMESCALE",
                          "set to 'on' but this database was built on plain PostgreSQL")
    return chosen


def migrate(conn: psycopg2.extensions.connection, timescale_mode: str = "auto",
            *, today: date | None = None) -> list[str]:
    """Bring the schema up to date; returns the names of the migrations applied now.

    `conn` is the owner's (CITYOPS_OWNER_DATABASE_URL): migrations create and alter what
    the services' role may not, and grant that role its rights (store/roles.py).
    """
    conn.autocommit = False
    applied = []
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            cur.execute(BOOKKEEPING)
            features = _features_for(cur, conn, timescale_mode)
            conn.commit()
            cur.execute("SELECT version FROM schema_migrations")
            done = {row[0] for row in cur.fetchall()}
            for migration in discover():
                if migration.version in done:
                    continue
                migration.module.apply(cur, features)
                cur.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                            (migration.version, migration.name))
                conn.commit()
                applied.append(f"{migration.version:04d}_{migration.name}")
                log.info("migration applied", extra={"migration": applied[-1]})
            # Every time, not once: a new table of a later migration gets its grants too.
            roles.grant_service(cur)
            conn.commit()
            if not features.timescale:
                today = today or date.today()
                partitions.ensure_days(conn, today - timedelta(days=1),
                                       today + timedelta(days=partitions.DAYS_AHEAD))
                conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            cur.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
            conn.commit()
    return applied
