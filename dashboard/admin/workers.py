"""The workers tab: grid workers with their grid, unit, tier and today's shifts, and roster
import through the path of `cityops workers import`."""

from __future__ import annotations

from datetime import UTC, datetime

from dash import Dash, Input, Output, State, dcc, html
from dash_ag_grid import AgGrid

from dashboard.admin.authority import acting_admin, audit, recorded_as
from dashboard.admin.people_rows import worker_grid_row
from dashboard.admin.roster_upload import RosterResult, import_roster
from dashboard.admin.upload import UploadError, upload_text
from dashboard.i18n import number, translate
from dashboard.session import language, viewer
from identity.pool import connection
from screens.admin.workers import worker_rows

LIMIT = 5000
COLUMNS = (("worker_id", 150), ("name", 110), ("tier", 90), ("grid_code", 170), ("unit", 200),
           ("today", 170), ("on_duty", 90), ("open_tasks", 100), ("username", 130),
           ("phone", 130), ("active", 80))


def _rows(lang: str) -> list[dict]:
    now = datetime.now(UTC)
    return [worker_grid_row(lang, r, now)
            for r in worker_rows(connection(), viewer().scope, limit=LIMIT)]


def _count(lang: str, rows: list[dict]) -> str:
    key = "admin.workers.count_capped" if len(rows) >= LIMIT else "admin.workers.count"
    return translate(lang, key, count=number(lang, len(rows)))


def section() -> html.Div:
    lang = language()
    rows = _rows(lang)
    columns = [{"field": field, "width": width,
                "headerName": translate(lang, f"admin.workers.col.{field}")}
               for field, width in COLUMNS]
    grid = AgGrid(id="admin-workers-grid", columnDefs=columns, rowData=rows,
                  defaultColDef={"resizable": True, "sortable": True, "filter": True,
                                 "floatingFilter": True},
                  dashGridOptions={"rowHeight": 34, "headerHeight": 38,
                                   "floatingFiltersHeight": 34,
                                   "localeText": {"noRowsToShow":
                                                  translate(lang, "admin.no_rows")}},
                  className="admin-grid", columnSize="responsiveSizeToFit",
                  style={"height": "600px", "width": "100%"})
    return html.Div(className="admin-section admin-workers", children=[
        html.Div(className="admin-columns", children=[
            html.Div(className="admin-main", children=[
                html.Div(_count(lang, rows), id="admin-workers-count", className="admin-count"),
                grid]),
            _import_panel(lang),
        ]),
    ])


def _import_panel(lang: str) -> html.Aside:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    return html.Aside(className="admin-panel", children=[
        html.H3(t("admin.workers.import_title")),
        html.P(t("admin.workers.import_help"), className="admin-help"),
        dcc.Checklist(id="admin-workers-dry-run", className="admin-check",
                      options=[{"label": t("admin.workers.dry_run"), "value": "dry"}], value=[]),
        dcc.Upload(id="admin-workers-upload", accept=".csv,.yaml,.yml", multiple=False,
                   className="admin-upload",
                   children=html.Div([t("admin.upload.drop"), html.Br(),
                                      html.Span(t("admin.upload.pick"), className="admin-link")])),
        dcc.Loading(html.Div(id="admin-workers-report", className="admin-report"),
                    type="dot", color="#5cc8ff"),
    ])


def report(lang: str, done: RosterResult) -> list:
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    if done.done is None:
        return [html.P(t("admin.workers.refused", count=len(done.problems)),
                       className="admin-error", id="admin-workers-refused"),
                html.Ul([html.Li(html.Code(p)) for p in done.problems],
                        className="admin-problem-lines")]
    key = "admin.workers.checked" if done.dry_run else "admin.workers.registered"
    return [html.P(t(key, units=done.done.units, areas=done.done.areas,
                     workers=done.done.workers), className="admin-ok",
                   id="admin-workers-registered")]


def register(app: Dash) -> None:
    @app.callback(Output("admin-workers-report", "children"),
                  Output("admin-workers-grid", "rowData"),
                  Output("admin-workers-count", "children"),
                  Input("admin-workers-upload", "contents"),
                  State("admin-workers-upload", "filename"),
                  State("admin-workers-dry-run", "value"), prevent_initial_call=True)
    def upload(contents, filename, dry):
        actor = acting_admin()
        lang = language()
        try:
            text = upload_text(contents)
        except UploadError as exc:
            return [html.P(translate(lang, exc.key), className="admin-error")], *_refresh(lang)
        if actor.scope.level != "city":  # a roster reaches any grid; an area admin may not
            return ([html.P(translate(lang, "admin.workers.city_only"), className="admin-error")],
                    *_refresh(lang))
        done = import_roster(connection(), text, filename or "", dry_run="dry" in (dry or []),
                             actor=recorded_as(actor))
        if not done.dry_run:
            audit(actor, "workers.import", file_name=filename, ok=done.done is not None,
                  units=done.done.units if done.done else 0,
                  workers=done.done.workers if done.done else 0,
                  problems=len(done.problems))
        return report(lang, done), *_refresh(lang)


def _refresh(lang: str) -> tuple[list[dict], str]:
    rows = _rows(lang)
    return rows, _count(lang, rows)
