"""Running accounts: who there is (never their hashes), and turning an account off or on.

Turning an account off revokes every token it holds in the same transaction, so its
dashboard sessions and API tokens stop at once (tokens.holder also refuses inactive users;
the revocation makes that hold even if the account is turned on again later).
An admin with an area scope manages only the accounts whose area lies inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from identity.scope import Scope
from identity.users import User
from store import admin_audit
from store.admin_audit import AdminActor

# Codes nest, so "inside" is a prefix test; left() rather than LIKE (no patterns).
INSIDE = "(%(city)s OR left(u.area_code, length(%(scope_code)s)) = %(scope_code)s)"

SELECT_ACCOUNTS = f"""
SELECT u.id, u.username, u.role, u.area_code, u.display_name, u.active, u.unit_code,
       u.created_at,
       (SELECT max(t.created_at) FROM api_tokens t WHERE t.user_id = u.id) AS last_login
FROM users u WHERE {INSIDE}
ORDER BY u.username
"""  # noqa: S608 - a constant

SET_ACTIVE = f"""
UPDATE users u SET active = %(active)s WHERE u.id = %(user_id)s AND {INSIDE}
RETURNING u.username
"""  # noqa: S608 - a constant

USERNAME = "SELECT username FROM users WHERE id = %s"

REVOKE_ALL = "UPDATE api_tokens SET revoked_at = now() WHERE user_id = %s AND revoked_at IS NULL"


@dataclass(frozen=True)
class Account(User):
    """A user as the admin page lists them: when they were added and last logged in."""

    created_at: datetime | None = None
    last_login: datetime | None = None


@dataclass(frozen=True)
class Switched:
    username: str
    active: bool
    tokens_revoked: int


def inside(area_code: str, scope: Scope) -> bool:
    """Is an account's area inside the scope (the same rule as the SQL above)?"""
    return scope.level == "city" or area_code.startswith(scope.code)


def _scope_params(scope: Scope) -> dict:
    return {"city": scope.level == "city", "scope_code": scope.code}


def accounts(conn, scope: Scope) -> list[Account]:
    with conn.cursor() as cur:
        cur.execute(SELECT_ACCOUNTS, _scope_params(scope))
        rows = cur.fetchall()
    conn.rollback()
    return [Account(*row) for row in rows]


def set_active(conn, user_id: int, active: bool, scope: Scope,
               actor: AdminActor | None = None) -> Switched | None:
    """Turn an account on or off; off revokes its tokens. None: no such account in scope.
    The change is recorded for `actor` in the same transaction."""
    with conn, conn.cursor() as cur:
        cur.execute(USERNAME, (user_id,))
        found = cur.fetchone()
        before = admin_audit.snapshot(cur, "user", [found[0]]) if found else {}
        cur.execute(SET_ACTIVE, {**_scope_params(scope), "active": active, "user_id": user_id})
        row = cur.fetchone()
        if row is None:
            return None
        revoked = 0
        if not active:
            cur.execute(REVOKE_ALL, (user_id,))
            revoked = cur.rowcount
        if actor is not None:
            admin_audit.record_changes(cur, actor, "user.activate" if active else
                                       "user.deactivate", "user", before,
                                       admin_audit.snapshot(cur, "user", [row[0]]))
    return Switched(row[0], active, revoked)
