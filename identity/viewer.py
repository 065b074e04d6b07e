"""A `Viewer`: the user a token stands for, with the scope of what they may see.

Both front doors turn a token into one: the API from its bearer header (alerts/api/auth.py),
the dashboard from its session cookie (dashboard/session.py, dashboard/guard.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from identity.scope import Scope, area_level
from identity.tokens import holder
from identity.users import User, known_level


@dataclass(frozen=True)
class Viewer:
    user: User
    scope: Scope
    token: str

    @property
    def role(self) -> str:
        return self.user.role


def scope_of(cur, user: User) -> Scope | None:
    """The user's scope; None when their area cannot be placed (they then see nothing)."""
    level = area_level(user.area_code, known_level(cur, user.area_code))
    if level is None:
        return None
    worker_id = user.id if user.role == "worker" else None
    if user.role == "unit" and not user.unit_code:
        return None  # unit staff without a unit would otherwise see their whole area
    unit = user.unit_code if user.role == "unit" else None
    return Scope(level, user.area_code, worker_user_id=worker_id, unit_code=unit)


def resolve(cur, token: str | None) -> Viewer | None:
    """The viewer a token stands for; None when it is missing, expired, revoked or belongs
    to a user whose area cannot be placed."""
    if not token:
        return None
    user = holder(cur, token)
    if user is None:
        return None
    scope = scope_of(cur, user)
    return None if scope is None else Viewer(user, scope, token)
