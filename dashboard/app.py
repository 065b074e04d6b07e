"""The Dash app: pages from dashboard/pages/, behind the login guard, on pooled connections."""

from __future__ import annotations

import importlib
import time

import dash
import flask
from dash import Dash
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest

from dashboard import device_profiles, guard, i18n, login
from dashboard.context import PageContext
from dashboard.pages import PAGE_MODULES
from dashboard.session import DEFAULT_LANGUAGE_KEY
from identity import pool
from identity.login_failures import SharedLoginLimiter
from identity.ratelimit import LoginLimiter

SESSION_SECONDS = 10 * 3600  # a shift and a margin; the token expires with it


def _register_pages(app: Dash, context: PageContext) -> None:
    for name in PAGE_MODULES:
        module = importlib.import_module(f"dashboard.pages.{name}")
        dash.register_page(module.__name__, path=f"/{module.PAGE}", name=module.PAGE,
                           title="CityOps", layout=module.layout)
        module.register(app, context)


def _operations(server: flask.Flask) -> None:
    registry = CollectorRegistry()
    requests = Counter("cityops_dashboard_requests_total", "HTTP requests", ["status"],
                       registry=registry)

    @server.route("/healthz")
    def healthz() -> flask.Response:
        return flask.jsonify(ok=True, service="dashboard", time=time.time())

    @server.route("/metrics")
    def metrics() -> flask.Response:
        return flask.Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

    @server.after_request
    def count(response: flask.Response) -> flask.Response:
        requests.labels(str(response.status_code)).inc()
        return response


def create_app(context: PageContext, *,
               limiter: LoginLimiter | SharedLoginLimiter | None = None,
               pool_size: int = 8) -> Dash:
    settings = context.settings
    i18n.use_city_zone(settings.zone)
    app = Dash(__name__, title="CityOps", update_title=None, serve_locally=True,
               use_pages=True, pages_folder="", assets_folder="assets",
               suppress_callback_exceptions=True)
    server: flask.Flask = app.server
    dash_first_request_hooks = list(server.before_request_funcs.get(None, []))
    server.config.update({
        DEFAULT_LANGUAGE_KEY: settings.language,
        login.SESSION_SECONDS_KEY: SESSION_SECONDS,
        # The lock lives in the database: several worker processes answer logins.
        login.LIMITER_KEY: limiter or SharedLoginLimiter(),
        login.SECURE_KEY: settings.dashboard_secure_cookies,
    })
    pool.install(server, settings.database_url, pool_size, settings.database_read_url)
    device_profiles.install(server, settings.profiles_dir)
    server.before_request(guard.check)
    server.after_request(guard.harden)
    server.register_blueprint(login.bp)
    _operations(server)
    _register_pages(app, context)
    app.layout = dash.page_container
    _set_up_before_serving(server, dash_first_request_hooks)
    return app


def _set_up_before_serving(server: flask.Flask, hooks: list) -> None:
    """Run Dash's first-request set-up now, once, before a worker is forked from us.

    Dash fills its registry of script paths and its page router on the first request,
    behind a flag it sets before doing the work (plotly/dash#3971). With threaded workers
    a script request arriving in that gap was answered 500 and the wall never drew (seen in
    a clean-clone test run). The hooks are Dash's own (they only build in-memory tables),
    and each runs once: later requests find its flag set.
    """
    with server.test_request_context("/"):
        for hook in hooks:
            hook()
