"""The access log of the sharing API: every request, allowed or refused, one row.

Written in its own transaction on its own connection's autocommit, so a request that fails
halfway still leaves its row, and a row is never rolled back with the read it records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg2.extras import Json

INSERT = """
INSERT INTO share_access_log (key_id, client, route, dataset, params, rows, status, remote)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
"""
SELECT = """
SELECT id, at, key_id, client, route, dataset, params, rows, status, remote
FROM share_access_log
WHERE (%(client)s::text IS NULL OR client = %(client)s)
  AND (%(since)s::timestamptz IS NULL OR at >= %(since)s)
ORDER BY id DESC LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Access:
    id: int
    at: datetime
    key_id: str | None
    client: str | None
    route: str
    dataset: str | None
    params: dict
    rows: int | None
    status: int
    remote: str | None


def record(conn, key_id: str | None, client: str | None, route: str, dataset: str | None,
           params: dict, rows: int | None, status: int, remote: str | None) -> None:
    """One row, committed at once."""
    with conn, conn.cursor() as cur:
        cur.execute(INSERT, (_text(key_id), client, _text(route, 200), dataset,
                             Json({_text(k, 50): _text(str(v), 200)
                                   for k, v in list(params.items())[:20]}),
                             rows, status, remote))


def _text(value: str | None, most: int = 100) -> str | None:
    """What a caller sent, storable: PostgreSQL text and jsonb hold no NUL nor lone
    surrogates, and a log row need not hold a megabyte of query."""
    if value is None:
        return None
    cleaned = value[:most].replace("\x00", "\\0")
    return cleaned.encode("utf-8", "backslashreplace").decode("utf-8")


def recent(conn, client: str | None = None, since: datetime | None = None,
           limit: int = 200) -> list[Access]:
    """The newest requests, of one client or all, since a moment if asked."""
    with conn.cursor() as cur:
        cur.execute(SELECT, {"client": client, "since": since, "limit": limit})
        rows = [Access(*row) for row in cur.fetchall()]
    conn.rollback()
    return rows
