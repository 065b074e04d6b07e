"""The Dash app: a placeholder home page until the wall screen and consoles arrive."""

from __future__ import annotations

import time
from collections.abc import Callable

import flask
from dash import Dash, Input, Output, dcc, html
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest

from cityops.settings import Settings
from dashboard.i18n import translate
from store.vitals import Vitals


def _tile(label_id: str, value_id: str) -> html.Div:
    return html.Div(className="tile", children=[
        html.Div(id=value_id, className="tile-value", children="–"),
        html.Div(id=label_id, className="tile-label"),
    ])


def layout(language: str) -> html.Div:
    return html.Div(className="page", children=[
        dcc.Store(id="home-language", data=language),
        html.Header(className="masthead", children=[
            html.H1(id="home-title", children=translate(language, "app.title")),
            html.P(id="home-tagline", children=translate(language, "app.tagline")),
            html.Button(id="home-lang-switch", n_clicks=0,
                        children=translate(language, "lang.switch")),
        ]),
        html.P(id="home-building", children=translate(language, "home.building")),
        html.Section(className="tiles", children=[
            _tile("home-devices-label", "home-devices"),
            _tile("home-readings-label", "home-readings"),
            _tile("home-backend-label", "home-backend"),
        ]),
        dcc.Interval(id="home-tick", interval=5000),
    ])


def create_app(settings: Settings, read_vitals: Callable[[], Vitals],
               series_backend: str) -> Dash:
    app = Dash(__name__, title="CityOps", update_title=None,
               serve_locally=True, assets_folder="assets")
    app.layout = layout(settings.language)
    registry = CollectorRegistry()
    requests = Counter("cityops_dashboard_requests_total", "HTTP requests", ["status"],
                       registry=registry)

    @app.callback(Output("home-language", "data"), Input("home-lang-switch", "n_clicks"),
                  prevent_initial_call=True)
    def switch_language(clicks: int) -> str:
        other = "en" if settings.language == "zh-CN" else "zh-CN"
        return other if clicks % 2 else settings.language

    @app.callback(
        Output("home-title", "children"), Output("home-tagline", "children"),
        Output("home-building", "children"), Output("home-lang-switch", "children"),
        Output("home-devices-label", "children"), Output("home-readings-label", "children"),
        Output("home-backend-label", "children"), Input("home-language", "data"))
    def relabel(language: str) -> tuple[str, ...]:
        keys = ("app.title", "app.tagline", "home.building", "lang.switch",
                "kpi.devices_reporting", "kpi.readings_last_minute", "kpi.series_backend")
        return tuple(translate(language, key) for key in keys)

    @app.callback(Output("home-devices", "children"), Output("home-readings", "children"),
                  Output("home-backend", "children"), Input("home-tick", "n_intervals"),
                  Input("home-language", "data"))
    def refresh(_n: int | None, language: str) -> tuple[str, str, str]:
        vitals = read_vitals()
        return (f"{vitals.devices_reporting:,}", f"{vitals.readings_last_minute:,}",
                translate(language, f"backend.{series_backend}"))

    server: flask.Flask = app.server

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

    return app
