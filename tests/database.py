"""Reading a test world's database from a test: one short-lived connection per question."""

from __future__ import annotations

from store import db as store_db


def query(settings, sql: str, params: tuple = ()) -> list[tuple]:
    conn = store_db.connect(settings.database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()
