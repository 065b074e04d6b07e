"""`/admin`, for the city IT team: devices, rules, workers and users, one tab each.

The parts live in dashboard/admin/; this module puts them on tabs and wires their
callbacks. Every id starts with `admin-`, so the guard refuses them to other roles, and
every change checks again that an admin asks (dashboard/admin/authority.py).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import flask
from dash import Dash, Input, Output, dcc, html

from dashboard.admin import devices, holidays, profiles, rules, sharing, units, users, workers
from dashboard.admin.device_csv import template
from dashboard.context import PageContext
from dashboard.device_profiles import FOLDER_KEY
from dashboard.i18n import city_zone, translate
from dashboard.session import language, viewer
from dashboard.shell import frame

PAGE = "admin"
TABS = ("devices", "profiles", "rules", "holidays", "workers", "units", "users", "sharing")
# Where layout() finds the rules folder and the holiday file: set from the settings when
# the page registers.
RULES_DIR_KEY = "CITYOPS_ADMIN_RULES_DIR"
HOLIDAYS_FILE_KEY = "CITYOPS_ADMIN_HOLIDAYS_FILE"


def _holidays_file() -> Path:
    return Path(flask.current_app.config[HOLIDAYS_FILE_KEY])


def _today() -> date:
    return datetime.now(city_zone()).date()  # the city's date: whose year runs out


def tab_content(tab: str) -> html.Div:
    """Only the open tab is built: each reads the database or the rules folder."""
    if tab == "rules":
        return rules.section(Path(flask.current_app.config[RULES_DIR_KEY]))
    if tab == "profiles":
        return profiles.section(Path(flask.current_app.config[FOLDER_KEY]))
    if tab == "holidays":
        return holidays.section(_holidays_file(), _today())
    return {"workers": workers.section, "units": units.section, "users": users.section,
            "sharing": sharing.section}.get(tab, devices.section)()


def layout(tab: str = "devices", **_query: str) -> html.Div:
    lang = language()
    if viewer().role != "admin":
        return frame(PAGE, [])  # the frame shows the refusal; nothing is read for it
    chosen = tab if tab in TABS else "devices"
    return frame(PAGE, [
        html.Div(className="admin-head", children=[
            html.H1(translate(lang, "admin.title")),
            html.P(translate(lang, "admin.subtitle"), className="admin-subtitle"),
            holidays.head_banner(_holidays_file(), _today()),
        ]),
        dcc.Tabs(id="admin-tabs", value=chosen, className="admin-tabs",
                 parent_className="admin-tabs-parent", children=[
                     dcc.Tab(label=translate(lang, f"admin.tab.{name}"), value=name,
                             id=f"admin-tab-{name}", className="admin-tab",
                             selected_className="admin-tab-selected") for name in TABS]),
        html.Div(tab_content(chosen), id="admin-tab-body"),
    ])


def _template() -> flask.Response:
    # The guard serves /export/admin... to admins only (guard.ROUTE_PAGES).
    body = "\ufeff" + template()  # the BOM tells spreadsheets the file is UTF-8
    return flask.Response(body, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": "attachment; filename=devices-template.csv"})


def register(app: Dash, context: PageContext) -> None:
    app.server.config[RULES_DIR_KEY] = str(context.settings.alerts_rules_dir)
    app.server.config[HOLIDAYS_FILE_KEY] = str(context.settings.holidays_file)
    app.server.add_url_rule(devices.TEMPLATE_PATH, "admin_devices_template", _template)

    @app.callback(Output("admin-tab-body", "children"), Input("admin-tabs", "value"),
                  prevent_initial_call=True)
    def choose(tab):
        return tab_content(tab if tab in TABS else "devices")

    devices.register(app)
    rules.register(app, Path(context.settings.alerts_rules_dir))
    holidays.register(app)
    profiles.register(app, Path(context.settings.profiles_dir))
    workers.register(app)
    units.register(app)
    users.register(app)
    sharing.register(app)
