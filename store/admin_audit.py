"""The admin audit trail: who changed an account, a device or a roster, how, and what it was
before and after (table admin_events, store/migrations/m0012_roles.py).

Every door that makes an admin change (the dashboard's admin page, the `cityops` command
line) passes an `AdminActor`; the function that writes the change records one row per
object that it changed, in the same transaction, so a change and its record stand or fall
together. The services' role may only INSERT and SELECT these rows (store/roles.py).
Snapshots are the object's row as JSON, never a password hash.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from psycopg2.extras import Json

VIAS = ("dashboard", "cli")


@dataclass(frozen=True)
class AdminActor:
    """Who makes a change and through which door: ('admin:wang', 'dashboard')."""

    name: str
    via: str

    def __post_init__(self) -> None:
        if self.via not in VIAS:
            raise ValueError(f"via must be one of {VIAS}")


def cli_actor() -> AdminActor:
    """The operating-system account running a `cityops` command (from the process's user
    id, which a caller cannot set the way it can set $USER)."""
    try:
        name = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        name = f"uid {os.getuid()}"
    return AdminActor(f"os:{name}", "cli")


# One constant query per kind of object: its key and its row as JSON.
SNAPSHOTS = {
    "user": "SELECT u.username, to_jsonb(u) - 'password_hash' FROM users u "
            "WHERE u.username = ANY(%s)",
    "device": "SELECT d.device_id, to_jsonb(d) FROM devices d WHERE d.device_id = ANY(%s)",
    "unit": "SELECT u.unit_code, to_jsonb(u) || jsonb_build_object('areas', "
            "(SELECT coalesce(jsonb_agg(a.area_code ORDER BY a.area_code), '[]') "
            "FROM unit_areas a WHERE a.unit_code = u.unit_code), 'serves', "
            "(SELECT coalesce(jsonb_agg(s.area_code ORDER BY s.area_code), '[]') "
            "FROM unit_serves s WHERE s.unit_code = u.unit_code)) "
            "FROM units u WHERE u.unit_code = ANY(%s)",
    "worker": "SELECT w.worker_id, to_jsonb(w) FROM workers w WHERE w.worker_id = ANY(%s)",
    "api_key": "SELECT k.key_id, to_jsonb(k) - 'secret_hash' FROM share_keys k "
               "WHERE k.key_id = ANY(%s)",
}

INSERT = """
INSERT INTO admin_events (actor, via, action, object_kind, object_id, before, after)
VALUES (%s, %s, %s, %s, %s, %s, %s)
"""

SELECT = """
SELECT id, at, actor, via, action, object_kind, object_id, before, after FROM admin_events
WHERE (%(kind)s::text IS NULL OR object_kind = %(kind)s)
  AND (%(object_id)s::text IS NULL OR object_id = %(object_id)s)
ORDER BY id DESC LIMIT %(limit)s
"""


@dataclass(frozen=True)
class AdminEvent:
    id: int
    at: datetime
    actor: str
    via: str
    action: str
    object_kind: str
    object_id: str
    before: dict | None
    after: dict | None


def snapshot(cur, kind: str, keys: Iterable[str]) -> dict[str, dict]:
    """The objects of one kind as they are now in this transaction, by key."""
    cur.execute(SNAPSHOTS[kind], (sorted(set(keys)),))
    return {key: row for key, row in cur.fetchall()}


def record(cur, actor: AdminActor, action: str, kind: str, object_id: str,
           before: dict | None, after: dict | None) -> None:
    """One row, in the caller's transaction."""
    cur.execute(INSERT, (actor.name, actor.via, action, kind, object_id,
                         None if before is None else Json(before),
                         None if after is None else Json(after)))


def record_changes(cur, actor: AdminActor, action: str, kind: str,
                   before: dict[str, dict], after: dict[str, dict]) -> int:
    """A row for each object whose snapshot changed (added, altered or removed); how many."""
    changed = sorted(key for key in before.keys() | after.keys()
                     if before.get(key) != after.get(key))
    for key in changed:
        record(cur, actor, action, kind, key, before.get(key), after.get(key))
    return len(changed)


def events(conn, kind: str | None = None, object_id: str | None = None,
           limit: int = 100) -> list[AdminEvent]:
    """The newest admin changes, of one kind or one object if asked."""
    with conn.cursor() as cur:
        cur.execute(SELECT, {"kind": kind, "object_id": object_id, "limit": limit})
        rows = cur.fetchall()
    conn.rollback()
    return [AdminEvent(*row) for row in rows]
