"""One pooled PostgreSQL connection per request, handed back (rolled back) when it ends."""

from __future__ import annotations

import threading

from flask import Flask, current_app, g
from psycopg2.pool import ThreadedConnectionPool

from store import db as store_db

POOL_KEY = "cityops_pool"
READ_POOL_KEY = "cityops_read_pool"


class LazyPool:
    """Opens the pool on first use, so building the app (e.g. for its URL map) needs no server."""

    def __init__(self, database_url: str, size: int, name: str = "cityops-api") -> None:
        self.database_url = database_url
        self.size = size
        self.name = name
        self._pool: ThreadedConnectionPool | None = None
        self._lock = threading.Lock()

    def pool(self) -> ThreadedConnectionPool:
        with self._lock:
            if self._pool is None:
                store_db.connect(self.database_url).close()  # a clear error naming the setting
                self._pool = ThreadedConnectionPool(1, self.size, self.database_url,
                                                    connect_timeout=5,
                                                    application_name=self.name)
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.closeall()
                self._pool = None


def connection():
    """This request's connection; transactions are the caller's (alerts.cases.moves commits
    its own)."""
    if "db_conn" not in g:
        g.db_conn = current_app.extensions[POOL_KEY].pool().getconn()
    return g.db_conn


def read_connection():
    """This request's connection for reads that may lag the primary by the replica's delay
    (screens, shared datasets): the replica's when DATABASE_READ_URL is set, else the
    primary's. Nothing that writes, checks a login or key, or must see a write just made
    belongs here."""
    if READ_POOL_KEY not in current_app.extensions:
        return connection()
    if "db_read" not in g:
        g.db_read = current_app.extensions[READ_POOL_KEY].pool().getconn()
    return g.db_read


def reads_from_replica() -> bool:
    return READ_POOL_KEY in current_app.extensions


def _give_back(_error: BaseException | None) -> None:
    for key, pool_key in (("db_conn", POOL_KEY), ("db_read", READ_POOL_KEY)):
        conn = g.pop(key, None)
        if conn is not None:
            _return(conn, current_app.extensions[pool_key].pool())


def _return(conn, pool: ThreadedConnectionPool) -> None:
    try:
        conn.rollback()  # reads leave a transaction open; never carry it to the next request
        pool.putconn(conn)
    except Exception:  # noqa: BLE001 - a broken connection is dropped, not reused
        pool.putconn(conn, close=True)


def install(app: Flask, database_url: str, size: int, read_url: str = "") -> None:
    app.extensions[POOL_KEY] = LazyPool(database_url, size)
    if read_url:
        app.extensions[READ_POOL_KEY] = LazyPool(read_url, size, "cityops-read")
    app.teardown_appcontext(_give_back)
