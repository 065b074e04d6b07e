"""Bearer tokens: issued at login, stored only as their SHA-256, valid until they expire.

The database never holds a usable token, so a leaked backup cannot log anyone in. SHA-256
(not scrypt) is enough here because a token is 256 random bits, not a guessable password.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from identity.users import User

INSERT_TOKEN = """
INSERT INTO api_tokens (token_hash, user_id, expires_at)
VALUES (%s, %s, now() + %s) RETURNING expires_at
"""

# An inactive user's tokens stop working at once, without waiting for them to expire.
SELECT_HOLDER = """
SELECT u.id, u.username, u.role, u.area_code, u.display_name, u.active, u.unit_code
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = %s AND t.revoked_at IS NULL AND t.expires_at > now() AND u.active
"""

# Housekeeping at each login: a user's long-dead tokens go, so the table stays small.
FORGET_OLD = "DELETE FROM api_tokens WHERE user_id = %s AND expires_at < now() - interval '7 days'"

REVOKE = "UPDATE api_tokens SET revoked_at = now() WHERE token_hash = %s AND revoked_at IS NULL"


@dataclass(frozen=True)
class Issued:
    token: str
    expires_at: datetime


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(cur, user_id: int, lifetime: timedelta) -> Issued:
    token = secrets.token_urlsafe(32)
    cur.execute(FORGET_OLD, (user_id,))
    cur.execute(INSERT_TOKEN, (digest(token), user_id, lifetime))
    return Issued(token, cur.fetchone()[0])


def holder(cur, token: str) -> User | None:
    """The active user a live token belongs to, or None (unknown, expired, revoked)."""
    cur.execute(SELECT_HOLDER, (digest(token),))
    row = cur.fetchone()
    return None if row is None else User(*row[:7])


def revoke(cur, token: str) -> bool:
    cur.execute(REVOKE, (digest(token),))
    return cur.rowcount == 1
