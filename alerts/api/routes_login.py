"""`POST /api/v1/login` and `POST /api/v1/logout`."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, g, jsonify, request

from alerts.api.auth import login_required
from identity.passwords import DECOY_HASH, verify_password
from identity.pool import connection
from identity.tokens import issue, revoke
from identity.users import credentials

bp = Blueprint("login", __name__)

WRONG = "wrong username or password"


def _fields() -> tuple[str, str] | None:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return None
    return username, password


@bp.post("/api/v1/login")
def login():
    fields = _fields()
    if fields is None:
        return jsonify(error="send JSON {\"username\": ..., \"password\": ...}"), 400
    username, password = fields
    limiter = current_app.config["CITYOPS_LOGIN_LIMITER"]
    address = request.remote_addr or "unknown"
    wait = limiter.retry_after(username, address)
    if wait:
        response = jsonify(error="too many failed logins; try again later")
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response, 429
    conn = connection()
    with conn, conn.cursor() as cur:
        found = credentials(cur, username)
        # The decoy keeps the time of "no such user" equal to "wrong password".
        good = verify_password(password, found[1] if found else DECOY_HASH)
        if not (found and good and found[0].active):
            limiter.failed(username, address)
            return jsonify(error=WRONG), 401
        limiter.succeeded(username, address)
        lifetime = timedelta(seconds=current_app.config["CITYOPS_TOKEN_SECONDS"])
        issued = issue(cur, found[0].id, lifetime)
    return jsonify(token=issued.token, token_type="Bearer", expires_at=issued.expires_at,
                   user=found[0].public())


@bp.post("/api/v1/logout")
@login_required
def logout():
    conn = connection()
    with conn, conn.cursor() as cur:
        revoke(cur, g.viewer.token)
    return "", 204
