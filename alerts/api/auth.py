"""Who is calling: the bearer token becomes a `Viewer` (user + scope) before any route runs."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, g, request

from identity.pool import connection
from identity.tokens import holder
from identity.viewer import Viewer, scope_of


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


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
