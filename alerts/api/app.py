"""`create_app`: the Flask app of the HTTP API, built the same way for the runner and tests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, jsonify
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from alerts.api import routes_cases, routes_login, routes_meta, routes_share
from alerts.api.dispatching import DISPATCHER_KEY, Dispatcher
from identity import pool
from identity.login_failures import SharedLoginLimiter
from identity.ratelimit import LoginLimiter

TOKEN_SECONDS = 8 * 3600  # one working shift


class IsoJSON(DefaultJSONProvider):
    """Times as ISO 8601 with their offset (Flask's default is an HTTP date without seconds'
    fraction), numbers from numeric columns as JSON numbers."""

    ensure_ascii = False  # Chinese titles stay readable in responses

    @staticmethod
    def default(value):
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return float(value)
        return DefaultJSONProvider.default(value)


def _as_json(error: HTTPException):
    response = jsonify(error=error.description)
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cityops"'
    return response, error.code


def create_app(database_url: str, *, token_seconds: int = TOKEN_SECONDS,
               limiter: LoginLimiter | SharedLoginLimiter | None = None, pool_size: int = 10,
               dispatcher: Dispatcher | None = None, zone: ZoneInfo | None = None,
               read_url: str = "") -> Flask:
    """The API app. `dispatcher` makes the dispatch move (alerts/api/dispatching.py); without
    one a dispatch answers 503 and every other move works as usual. `zone` is the city's
    clock, which the sharing API's daily KPIs need (without it they answer 503)."""
    app = Flask("cityops.api", static_folder=None)  # an API: no static files to serve
    app.json = IsoJSON(app)
    # The lock lives in the database: several worker processes answer logins.
    app.config.update(CITYOPS_TOKEN_SECONDS=token_seconds,
                      CITYOPS_LOGIN_LIMITER=limiter or SharedLoginLimiter())
    pool.install(app, database_url, pool_size, read_url)
    app.extensions[DISPATCHER_KEY] = dispatcher
    app.config[routes_share.ZONE_KEY] = zone
    for blueprint in (routes_login.bp, routes_cases.bp, routes_meta.bp, routes_share.bp):
        app.register_blueprint(blueprint)
    app.register_error_handler(HTTPException, _as_json)
    return app
