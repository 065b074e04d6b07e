"""The units tab (单位与权责清单): departments and units with the areas they serve, the
responsibility list that routes cases to them, and editing both as one file.

"Edit" loads the units and the list as YAML into the editor; the admin changes it there
(or uploads a YAML or CSV file), checks it, and saves. Saving adds or updates the units and
replaces the list as a whole, in one transaction with its admin audit
(alerts/units/directory.py). The same files come out of the export links.
"""

from __future__ import annotations

import flask
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from alerts.units import directory, files
from alerts.units.responsibility import all_duties
from dashboard.admin.authority import acting_admin, recorded_as
from dashboard.admin.upload import UploadError, upload_text
from dashboard.i18n import translate
from dashboard.session import language
from identity.pool import connection

MAX_CHARS = 500_000
EXPORT_YAML = "/export/admin/units.yaml"
EXPORT_CSV = "/export/admin/responsibilities.csv"
SHOWN_ROWS = 300


def _current() -> tuple[list[directory.Unit], list]:
    conn = connection()
    with conn.cursor() as cur:
        found = directory.units(cur), all_duties(cur)
    conn.rollback()
    return found


def section() -> html.Div:
    lang = language()
    units, duties = _current()
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    return html.Div(className="admin-section admin-units", children=[
        html.P(t("admin.units.note", units=len(units), duties=len(duties)),
               className="admin-note", id="admin-units-note"),
        html.Div(className="admin-columns", children=[
            html.Div([_units_table(lang, units), _duties_table(lang, duties, units)],
                     className="admin-main"),
            _edit_panel(lang)]),
    ])


def _units_table(lang: str, units: list[directory.Unit]) -> html.Table:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    head = html.Tr([html.Th(t(f"admin.units.col.{c}"))
                    for c in ("code", "name", "tier", "serves")])
    rows = [html.Tr([html.Td(u.code), html.Td(u.name), html.Td(t(f"triage.tier.{u.tier}")),
                     html.Td("、".join(u.serves))]) for u in units[:SHOWN_ROWS]]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="admin-problems",
                      id="admin-units-units")


def _duties_table(lang: str, duties: list, units: list[directory.Unit]) -> html.Div:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    names = {u.code: u.name for u in units}
    head = html.Tr([html.Th(t(f"admin.units.col.{c}"))
                    for c in ("category", "subtype", "area", "unit")])
    rows = [html.Tr([html.Td(d.category), html.Td(d.subtype), html.Td(d.area_code),
                     html.Td(names.get(d.unit_code, d.unit_code))]) for d in duties[:SHOWN_ROWS]]
    return html.Div([html.H3(t("admin.units.list")),
                     html.Table([html.Thead(head), html.Tbody(rows)],
                                className="admin-problems", id="admin-units-duties")])


def _edit_panel(lang: str) -> html.Aside:
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    return html.Aside(className="admin-panel", children=[
        html.H3(t("admin.units.edit_title")),
        html.P(t("admin.units.edit_help"), className="admin-help"),
        html.Div([html.A(t("admin.units.export_yaml"), href=EXPORT_YAML, className="admin-link"),
                  " · ",
                  html.A(t("admin.units.export_csv"), href=EXPORT_CSV, className="admin-link")]),
        dcc.Upload(id="admin-units-upload", accept=".yaml,.yml,.csv", multiple=False,
                   className="admin-upload admin-upload-small",
                   children=html.Div([t("admin.rules.upload"), " ",
                                      html.Span(t("admin.upload.pick"), className="admin-link")])),
        dcc.Input(id="admin-units-name", value="units.yaml", className="admin-input"),
        dcc.Textarea(id="admin-units-text", spellCheck=False, className="admin-code"),
        html.Div([html.Button(t("admin.units.load"), id="admin-units-load", n_clicks=0,
                              className="admin-button"),
                  html.Button(t("admin.rules.validate"), id="admin-units-check", n_clicks=0,
                              className="admin-button"),
                  html.Button(t("admin.units.save"), id="admin-units-save", n_clicks=0,
                              className="admin-button admin-button-primary")]),
        html.Div(id="admin-units-result", className="admin-report"),
    ])


def current_yaml() -> str:
    units, duties = _current()
    return files.units_yaml(units, duties)


def result(lang: str, name: str | None, text: str, save: bool) -> list:
    """Check (and save) the editor's file; what to show the admin."""
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    if not text.strip() or len(text) > MAX_CHARS:
        return [html.P(t("admin.rules.empty" if not text.strip() else "admin.upload.too_big"),
                       className="admin-error")]
    name = (name or "units.yaml").strip()
    try:
        found = files.read(name, text)
        directory.check_file(connection(), found.units, found.duties)
    except files.ListProblems as exc:
        return [html.P(t("admin.rules.invalid", count=len(exc.problems)),
                       className="admin-error", id="admin-units-invalid"),
                html.Ul([html.Li(p) for p in exc.problems])]
    except directory.UnitsError as exc:
        return [html.P(str(exc), className="admin-error", id="admin-units-invalid")]
    if not save:
        return [html.P(t("admin.units.valid", units=len(found.units), duties=len(found.duties)),
                       className="admin-ok", id="admin-units-valid")]
    keep_list = not found.duties and not name.lower().endswith(".csv")
    done = directory.save(connection(), found.units, None if keep_list else found.duties,
                          recorded_as(acting_admin()))
    return [html.P(t("admin.units.saved", **done), className="admin-ok",
                   id="admin-units-saved")]


def _download(body: str, name: str, kind: str) -> flask.Response:
    # The guard serves /export/admin... to admins only (guard.ROUTE_PAGES).
    return flask.Response("\ufeff" + body if kind == "csv" else body,
                          mimetype=f"text/{kind}; charset=utf-8",
                          headers={"Content-Disposition": f"attachment; filename={name}"})


def register(app: Dash) -> None:
    app.server.add_url_rule(EXPORT_YAML, "admin_units_yaml",
                            lambda: _download(current_yaml(), "units.yaml", "yaml"))
    app.server.add_url_rule(EXPORT_CSV, "admin_units_csv", lambda: _download(
        files.duties_csv(_current()[1]), "responsibilities.csv", "csv"))

    @app.callback(Output("admin-units-text", "value"), Output("admin-units-name", "value"),
                  Output("admin-units-result", "children", allow_duplicate=True),
                  Input("admin-units-upload", "contents"), Input("admin-units-load", "n_clicks"),
                  State("admin-units-upload", "filename"), prevent_initial_call=True)
    def fill(contents, _load, filename):
        acting_admin()
        if ctx.triggered_id == "admin-units-load":
            return current_yaml(), "units.yaml", []
        try:
            return upload_text(contents), filename, []
        except UploadError as exc:
            return no_update, no_update, [html.P(translate(language(), exc.key),
                                                 className="admin-error")]

    @app.callback(Output("admin-units-result", "children"),
                  Input("admin-units-check", "n_clicks"), Input("admin-units-save", "n_clicks"),
                  State("admin-units-name", "value"), State("admin-units-text", "value"),
                  prevent_initial_call=True)
    def check(_check, _save, name, text):
        acting_admin()
        return result(language(), name, text or "", ctx.triggered_id == "admin-units-save")
