"""API keys for the sharing API: made by an admin, shown once, checked on every request.

A key is `<key_id>.<secret>`, sent as `Authorization: ApiKey <key_id>.<secret>`. The id is
public (it names the key in the access log); the secret is 256 random bits kept only as
its SHA-256, like the bearer tokens of identity/tokens.py.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from identity.scope import area_level
from identity.tokens import digest
from identity.users import known_level
from store import admin_audit
from store.admin_audit import AdminActor

DATASETS: tuple[str, ...] = ("readings", "rollups", "incidents", "cases", "kpis")

INSERT = """
INSERT INTO share_keys (key_id, secret_hash, client, datasets, areas, categories, pii,
    expires_at, created_by)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
"""
COLUMNS = ("key_id, client, datasets, areas, categories, pii, expires_at, revoked_at, "
           "created_by, created_at")
BY_ID = f"SELECT {COLUMNS}, secret_hash, expires_at <= now() FROM share_keys WHERE key_id = %s"  # noqa: S608
LIST = f"SELECT {COLUMNS} FROM share_keys ORDER BY created_at DESC"  # noqa: S608
REVOKE = ("UPDATE share_keys SET revoked_at = now() WHERE key_id = %s AND revoked_at IS NULL "
          "RETURNING key_id")


class KeyProblem(ValueError):
    """A key cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Key:
    key_id: str
    client: str
    datasets: tuple[str, ...]
    areas: tuple[str, ...]
    categories: tuple[str, ...]
    pii: bool
    expires_at: datetime
    revoked_at: datetime | None
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class Checked:
    """The key a request holds, or why it holds none (`problem`, for the 401)."""

    key: Key | None
    problem: str | None = None
    key_id: str | None = None  # as sent, for the log, when it names a key of ours


def _key(row) -> Key:
    return Key(row[0], row[1], tuple(row[2]), tuple(row[3]), tuple(row[4]), *row[5:10])


def create(conn, client: str, datasets: list[str], areas: list[str], categories: list[str],
           expires_at: datetime, actor: AdminActor, pii: bool = False) -> tuple[Key, str]:
    """A new key and its full secret (`<key_id>.<secret>`), which is shown this once."""
    unknown = sorted(set(datasets) - set(DATASETS))
    if not client.strip() or not datasets or unknown or not areas:
        raise KeyProblem(f"a key names a client, datasets among {', '.join(DATASETS)} and at "
                        f"least one area{f'; unknown: {unknown}' if unknown else ''}")
    key_id, secret = f"sk_{secrets.token_hex(6)}", secrets.token_urlsafe(32)
    with conn, conn.cursor() as cur:
        for code in areas:
            if area_level(code, known_level(cur, code)) is None:
                raise KeyProblem(f"area {code!r} is not an area this city knows")
        cur.execute(INSERT, (key_id, digest(secret), client.strip(), sorted(set(datasets)),
                             areas, categories, pii, expires_at, actor.name))
        admin_audit.record_changes(cur, actor, "api_key.add", "api_key", {},
                                   admin_audit.snapshot(cur, "api_key", [key_id]))
        cur.execute(BY_ID, (key_id,))
        return _key(cur.fetchone()), f"{key_id}.{secret}"


def revoke(conn, key_id: str, actor: AdminActor) -> bool:
    with conn, conn.cursor() as cur:
        before = admin_audit.snapshot(cur, "api_key", [key_id])
        cur.execute(REVOKE, (key_id,))
        if cur.fetchone() is None:
            return False
        admin_audit.record_changes(cur, actor, "api_key.revoke", "api_key", before,
                                   admin_audit.snapshot(cur, "api_key", [key_id]))
        return True


def all_keys(conn) -> list[Key]:
    with conn.cursor() as cur:
        cur.execute(LIST)
        found = [_key(row) for row in cur.fetchall()]
    conn.rollback()
    return found


def check(cur, header: str | None) -> Checked:
    """The key of an `Authorization: ApiKey <key_id>.<secret>` header."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "apikey" or "." not in value:
        return Checked(None, "send Authorization: ApiKey <key_id>.<secret>")
    key_id, _, secret = value.strip().partition(".")
    if "\x00" in value or len(value) > 200:
        return Checked(None, "the key is unknown, expired or revoked")
    cur.execute(BY_ID, (key_id,))
    row = cur.fetchone()
    if row is None or not secrets.compare_digest(row[10], digest(secret)):
        return Checked(None, "the key is unknown, expired or revoked")
    if row[7] is not None or row[11]:
        return Checked(None, "the key is unknown, expired or revoked", key_id)
    return Checked(_key(row), None, key_id)
