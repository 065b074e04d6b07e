"""One pooled PostgreSQL connection per request, handed back (rolled back) when it ends."""

from __future__ import annotations

import threading

from flask import Flask, current_app, g
from psycopg2.pool import ThreadedConnectionPool

from store import db as store_db

POOL_KEY = "cityops_pool"


class LazyPool:
    """Opens the pool on first use, so building the app (e.g. for its URL map) needs no server."""

    def __init__(self, database_url: str, size: int) -> None:
        self.database_url = database_url
        self.size = size
        self._pool: ThreadedConnectionPool | None = None
        self._lock = threading.Lock()

    def pool(self) -> ThreadedConnectionPool:
        with self._lock:
            if self._pool is None:
                store_db.connect(self.database_url).close()  # a clear error naming the setting
                self._pool = ThreadedConnectionPool(1, self.size, self.database_url,
                                                    connect_timeout=5,
                                                    application_name="cityops-api")
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


def _give_back(_error: BaseException | None) -> None:
    conn = g.pop("db_conn", None)
    if conn is None:
        return
    pool = current_app.extensions[POOL_KEY].pool()
    try:
        conn.rollback()  # reads leave a transaction open; never carry it to the next request
        pool.putconn(conn)
    except Exception:  # noqa: BLE001 - a broken connection is dropped, not reused
        pool.putconn(conn, close=True)


def install(app: Flask, database_url: str, size: int) -> None:
    app.extensions[POOL_KEY] = LazyPool(database_url, size)
    app.teardown_appcontext(_give_back)
