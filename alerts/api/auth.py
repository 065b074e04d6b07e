"""Who is calling: the bearer token becomes a `Viewer` (user + scope) before any route runs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, g, request

from identity.pool import connection
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




def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def scope_of(cur, user: User) -> Scope | None:
    """The user's scope; None when their area cannot be placed (they then see nothing)."""
    level = area_level(user.area_code, known_level(cur, user.area_code))
    if level is None:
        return None
    worker_id = user.id if user.role == "worker" else None
    return Scope(level, user.area_code, worker_user_id=worker_id)


def current_viewer() -> Viewer:
    """The caller, or a 401 (no, unknown, expired or revoked token) / 403 (unplaceable area)."""
    token = bearer_token()
    if token is None:
        abort(401, description="log in first: send Authorization: Bearer <token>")
    with connection().cursor() as cur:
        user = holder(cur, token)
        if user is None:
            abort(401, description="the token is unknown, expired or revoked; log in again")
        scope = scope_of(cur, user)
    if scope is None:
        abort(403, description=f"your area {user.area_code!r} is not known; ask an admin")
    return Viewer(user, scope, token)


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.viewer = current_viewer()
        return view(*args, **kwargs)
    return wrapped
