"""The users table: adding accounts, listing them, reading one for a login.

The password hash never leaves this module except towards `passwords.verify_password`:
`User` has no field for it, so no route or log line can print it by accident.
"""

from __future__ import annotations

from dataclasses import dataclass

from identity.passwords import hash_password
from identity.scope import area_level
from store import admin_audit
from store.admin_audit import AdminActor

# The people who log in; `system` (the alerts engine) is not a user.
# `unit`: staff of a department or unit (责任单位, issue #16), who work the cases their unit
# holds or is called to.
USER_ROLES: tuple[str, ...] = ("operator", "manager", "leader", "worker", "unit", "admin")

USER_COLUMNS = "id, username, role, area_code, display_name, active, unit_code"

INSERT_USER = """
INSERT INTO users (username, password_hash, role, area_code, display_name, unit_code)
VALUES (%s, %s, %s, %s, %s, %s) RETURNING id
"""

SELECT_USERS = f"SELECT {USER_COLUMNS} FROM users ORDER BY username"  # noqa: S608 - constant
SELECT_LOGIN = f"SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = %s"  # noqa: S608
AREA_LEVEL = "SELECT level FROM areas WHERE code = %s"


class UserError(ValueError):
    """A user cannot be added as asked; the message says why."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    area_code: str
    display_name: str | None
    active: bool
    unit_code: str | None = None  # for role unit: the unit they work for

    def public(self) -> dict:
        return {"username": self.username, "role": self.role, "area_code": self.area_code,
                "display_name": self.display_name, "unit_code": self.unit_code}


def known_level(cur, area_code: str) -> str | None:
    """The level of the area in the areas table, or None when the table does not have it."""
    cur.execute(AREA_LEVEL, (area_code,))
    row = cur.fetchone()
    return row[0] if row else None


def add_user(conn, username: str, password: str, role: str, area_code: str,
             display_name: str | None = None, *, actor: AdminActor | None = None,
             unit_code: str | None = None) -> int:
    """Add an account; `actor` (an admin's change, not a seed) is recorded with it. Unit
    staff (role `unit`) name their unit; nobody else has one."""
    if role not in USER_ROLES:
        raise UserError(f"role must be one of {', '.join(USER_ROLES)}, not {role!r}")
    if (role == "unit") != bool(unit_code):
        raise UserError("unit staff (role unit) need a unit, and only they have one")
    if not username.strip():
        raise UserError("a username may not be empty")
    with conn, conn.cursor() as cur:
        if area_level(area_code, known_level(cur, area_code)) is None:
            raise UserError(f"area {area_code!r} is neither in the areas table nor a city, "
                            "district, street, community or grid code (docs/api.md)")
        cur.execute("SELECT 1 FROM users WHERE username = %s", (username,))
        if cur.fetchone():
            raise UserError(f"user {username!r} already exists")
        if unit_code is not None:
            cur.execute("SELECT 1 FROM units WHERE unit_code = %s", (unit_code,))
            if cur.fetchone() is None:
                raise UserError(f"unit {unit_code!r} is not known; import the units first")
        cur.execute(INSERT_USER, (username, hash_password(password), role, area_code,
                                  display_name, unit_code))
        user_id = cur.fetchone()[0]
        if actor is not None:
            after = admin_audit.snapshot(cur, "user", [username])
            admin_audit.record_changes(cur, actor, "user.add", "user", {}, after)
        return user_id


def list_users(conn) -> list[User]:
    with conn.cursor() as cur:
        cur.execute(SELECT_USERS)
        rows = cur.fetchall()
    conn.rollback()
    return [User(*row) for row in rows]


def credentials(cur, username: str) -> tuple[User, str] | None:
    """The user and their stored hash, for checking a login; None when there is no such user."""
    if "\x00" in username:
        return None  # no name holds NUL (PostgreSQL text cannot); the driver would raise
    cur.execute(SELECT_LOGIN, (username,))
    row = cur.fetchone()
    return None if row is None else (User(*row[:7]), row[7])
