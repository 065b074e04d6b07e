"""`POST /api/v1/login` and `POST /api/v1/logout`."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, g, jsonify, request

from alerts.api.auth import login_required
from identity.login import LOCKED, Refusal, authenticate
from identity.pool import connection
from identity.tokens import issue, revoke

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


def _refused(refusal: Refusal):
    if refusal.reason == LOCKED:
        response = jsonify(error="too many failed logins; try again later")
        response.headers["Retry-After"] = str(int(refusal.retry_after) + 1)
        return response, 429
    return jsonify(error=WRONG), 401


@bp.post("/api/v1/login")
def login():
    fields = _fields()
    if fields is None:
        return jsonify(error="send JSON {\"username\": ..., \"password\": ...}"), 400
    username, password = fields
    limiter = current_app.config["CITYOPS_LOGIN_LIMITER"]
    address = request.remote_addr or "unknown"
    conn = connection()
    with conn, conn.cursor() as cur:
        outcome = authenticate(cur, limiter, username, password, address)
        if isinstance(outcome, Refusal):
            return _refused(outcome)
        lifetime = timedelta(seconds=current_app.config["CITYOPS_TOKEN_SECONDS"])
        issued = issue(cur, outcome.id, lifetime)
    return jsonify(token=issued.token, token_type="Bearer", expires_at=issued.expires_at,
                   user=outcome.public())


@bp.post("/api/v1/logout")
@login_required
def logout():
    conn = connection()
    with conn, conn.cursor() as cur:
        revoke(cur, g.viewer.token)
    return "", 204
