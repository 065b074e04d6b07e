"""The devices tab: status counts, a scrolling grid read a block at a time, filters, and
CSV import through the path of `cityops devices import`."""

from __future__ import annotations

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash_ag_grid import AgGrid

from dashboard import device_profiles
from dashboard.admin import device_import
from dashboard.admin.authority import acting_admin, audit, recorded_as
from dashboard.admin.device_csv import LineNote, Reason
from dashboard.admin.upload import UploadError, upload_text
from dashboard.i18n import number, translate, when
from dashboard.session import language, viewer
from identity.pool import connection
from screens.admin.devices import (
    STATUSES,
    DeviceFilter,
    Facets,
    StatusChange,
    device_facets,
    device_page,
    status_changes,
)

TEMPLATE_PATH = "/export/admin/devices-template.csv"
BLOCK = 200
MAX_NOTES = 200  # lines listed in an import report; the counts cover them all

# The grid's column ids are the sortable names of screens/admin/devices.py.
COLUMNS = (("device_id", "device_id", 190), ("name", "name", 220), ("kind", "kind_label", 130),
           ("district_code", "district", 110), ("street_code", "street", 150),
           ("grid_code", "grid_code", 170), ("status", "status_label", 110),
           ("status_since", "status_since", 150), ("last_ts", "last_seen", 150),
           ("registered_at", "registered", 150))


def kind_label(lang: str, kind: str) -> str:
    """The kind's name from its profile; `unknown` (registered unplaced by ingest) and a
    kind whose profile was since removed say so in the catalogue's words, or as they are."""
    named = device_profiles.kind_name(lang, kind)
    if named:
        return named
    label = translate(lang, f"admin.kind.{kind}")
    return kind if label == f"admin.kind.{kind}" else label


def _area_name(lang: str, zh: str | None, en: str | None, code: str | None) -> str:
    return (en if lang == "en" and en else zh) or code or ""


def tiles(lang: str, facets: Facets) -> list:
    counts = [("total", facets.total)] + [(s, facets.statuses.get(s, 0)) for s in STATUSES]
    return [html.Div(className=f"admin-tile admin-tile-{name}", children=[
        html.Div(number(lang, value), className="admin-tile-value"),
        html.Div(translate(lang, f"admin.devices.tile.{name}"), className="admin-tile-label"),
    ]) for name, value in counts]


def district_options(lang: str, facets: Facets) -> list[dict]:
    return [{"label": f"{_area_name(lang, zh, en, code)} ({number(lang, n)})", "value": code}
            for code, (zh, en, n) in sorted(facets.districts.items())]


def kind_options(lang: str, facets: Facets) -> list[dict]:
    kinds = sorted(set(device_profiles.current().kinds) | set(facets.kinds))
    return [{"label": f"{kind_label(lang, k)} ({number(lang, facets.kinds.get(k, 0))})",
             "value": k} for k in kinds]


def grid_row(lang: str, row: dict) -> dict:
    return {
        "device_id": row["device_id"], "name": row["name"] or "",
        "kind_label": kind_label(lang, row["kind"]),
        "district": _area_name(lang, row["district_zh"], row["district_en"], row["district_code"]),
        "street": _area_name(lang, row["street_zh"], row["street_en"], row["street_code"]),
        "grid_code": row["grid_code"] or translate(lang, "admin.devices.unplaced"),
        "status": row["status"],
        "status_label": translate(lang, f"admin.status.{row['status']}"),
        "status_since": when(lang, row["status_since"]) if row["status_since"] else "",
        "last_seen": when(lang, row["last_ts"]) if row["last_ts"] else "",
        "registered": when(lang, row["registered_at"]),
    }


def _grid(lang: str) -> AgGrid:
    status_classes = {f"admin-status-{s}": f"params.data && params.data.status === '{s}'"
                      for s in STATUSES}
    columns = [{"colId": col_id, "field": field, "width": width, "sortable": True,
                "headerName": translate(lang, f"admin.devices.col.{field}")}
               for col_id, field, width in COLUMNS]
    columns[6]["cellClassRules"] = status_classes
    return AgGrid(
        id="admin-devices-grid", rowModelType="infinite", columnDefs=columns,
        defaultColDef={"resizable": True, "sortable": True},
        dashGridOptions={"cacheBlockSize": BLOCK, "maxBlocksInCache": 20,
                         "rowHeight": 34, "headerHeight": 38,
                         "localeText": {"loadingOoo": translate(lang, "admin.loading"),
                                        "noRowsToShow": translate(lang, "admin.no_rows")}},
        className="admin-grid", columnSize="responsiveSizeToFit",
        style={"height": "560px", "width": "100%"})


def section() -> html.Div:
    lang = language()
    facets = device_facets(connection(), viewer().scope)
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    status_options = [{"label": t(f"admin.status.{s}"), "value": s} for s in STATUSES]
    return html.Div(className="admin-section admin-devices", children=[
        dcc.Store(id="admin-devices-version", data=0),
        dcc.Store(id="admin-devices-purged"),
        html.Div(tiles(lang, facets), id="admin-devices-tiles", className="admin-tiles"),
        html.Div(className="admin-columns", children=[
            html.Div(className="admin-main", children=[
                html.Div(className="admin-filters", children=[
                    dcc.Dropdown(id="admin-devices-district",
                                 placeholder=t("admin.filter.district"),
                                 options=district_options(lang, facets), clearable=True),
                    dcc.Dropdown(id="admin-devices-kind", placeholder=t("admin.filter.kind"),
                                 options=kind_options(lang, facets), clearable=True),
                    dcc.Dropdown(id="admin-devices-status", placeholder=t("admin.filter.status"),
                                 options=status_options, clearable=True),
                    dcc.Input(id="admin-devices-search", type="search", debounce=True,
                              placeholder=t("admin.filter.search"), className="admin-input"),
                ]),
                html.Div(id="admin-devices-count", className="admin-count"),
                _grid(lang),
            ]),
            html.Div([_import_panel(lang), changes_panel(lang, status_changes(
                connection(), viewer().scope))], className="admin-side"),
        ]),
    ])


def changes_panel(lang: str, changes: list[StatusChange]) -> html.Aside:
    """The newest status changes the health sweep made, in the viewer's area."""
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    items = [html.Li([html.Span(when(lang, c.at), className="admin-when"), " ",
                      html.B(c.device_id), f" {kind_label(lang, c.kind)} ",
                      html.Span(t(f"admin.status.{c.from_status or 'no_data'}"),
                                className=f"admin-status-{c.from_status or 'no_data'}"),
                      " → ",
                      html.Span(t(f"admin.status.{c.to_status}"),
                                className=f"admin-status-{c.to_status}"),
                      f" ({t(f'admin.health.reason.{c.reason}')})"]) for c in changes]
    return html.Aside(className="admin-panel admin-health", id="admin-devices-changes",
                      children=[html.H3(t("admin.health.title")),
                                html.P(t("admin.health.help"), className="admin-help"),
                                html.Ul(items, className="admin-health-list") if items
                                else html.P(t("admin.health.none"), className="admin-note")])


def _import_panel(lang: str) -> html.Aside:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    return html.Aside(className="admin-panel", children=[
        html.H3(t("admin.devices.import_title")),
        html.P(t("admin.devices.import_help"), className="admin-help"),
        dcc.Upload(id="admin-devices-upload", accept=".csv,text/csv", multiple=False,
                   className="admin-upload",
                   children=html.Div([t("admin.upload.drop"), html.Br(),
                                      html.Span(t("admin.upload.pick"), className="admin-link")])),
        html.A(t("admin.devices.template"), href=TEMPLATE_PATH, id="admin-devices-template",
               className="admin-button admin-button-quiet", download="devices-template.csv"),
        dcc.Loading(html.Div(id="admin-devices-report", className="admin-report"),
                    type="dot", color="#5cc8ff"),
    ])


def _notes(lang: str, title_key: str, notes: list[LineNote], css: str) -> html.Details | None:
    if not notes:
        return None
    shown = notes[:MAX_NOTES]
    items = [html.Li([html.Span(translate(lang, "admin.line", line=n.line), className="admin-line"),
                      html.Code(n.device_id or "–"),
                      " " + translate(lang, n.reason.key, **n.reason.values)]) for n in shown]
    if len(notes) > len(shown):
        items.append(html.Li(translate(lang, "admin.more_lines", count=len(notes) - len(shown))))
    return html.Details(open=True, className=f"admin-notes {css}", children=[
        html.Summary(translate(lang, title_key, count=len(notes))), html.Ul(items)])


def report(lang: str, done: device_import.ImportReport) -> list:
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    if done.problem is not None:
        return [html.P(t(done.problem.key, **done.problem.values), className="admin-error",
                       id="admin-devices-problem")]
    parts: list = [html.P(id="admin-devices-summary", className="admin-ok" if not done.rejected
                          else "admin-warn", children=t(
        "admin.devices.summary", added=number(lang, done.added),
        updated=number(lang, done.updated), rejected=number(lang, len(done.rejected))))]
    if done.ignored_columns:
        parts.append(html.P(t("admin.devices.ignored_columns",
                              columns=", ".join(done.ignored_columns)), className="admin-help"))
    parts.append(_notes(lang, "admin.devices.rejected_title", done.rejected, "admin-rejected"))
    parts.append(_notes(lang, "admin.devices.unplaced_title", done.unplaced, "admin-unplaced"))
    return [p for p in parts if p is not None]


def _sort(request: dict) -> list[tuple[str, bool]]:
    return [(str(s.get("colId")), s.get("sort") == "desc")
            for s in request.get("sortModel") or [] if isinstance(s, dict)]


def register(app: Dash) -> None:
    @app.callback(Output("admin-devices-grid", "getRowsResponse"),
                  Output("admin-devices-count", "children"),
                  Input("admin-devices-grid", "getRowsRequest"),
                  State("admin-devices-district", "value"), State("admin-devices-kind", "value"),
                  State("admin-devices-status", "value"), State("admin-devices-search", "value"),
                  prevent_initial_call=True)
    def rows(request, district, kind, status, text):
        if not request:
            return no_update, no_update
        lang = language()
        start = max(0, int(request.get("startRow") or 0))
        end = max(start, min(int(request.get("endRow") or start + BLOCK), start + 1000))
        found, total = device_page(connection(), viewer().scope,
                                   DeviceFilter(district, kind, status, text),
                                   offset=start, limit=end - start, sort=_sort(request))
        return ({"rowData": [grid_row(lang, r) for r in found], "rowCount": total},
                translate(lang, "admin.devices.count", count=number(lang, total)))

    # Filters live outside the grid, so a change empties its block cache: it asks again.
    app.clientside_callback(
        """function() {
            const api = window.dash_ag_grid && dash_ag_grid.getApi("admin-devices-grid");
            if (api) { api.purgeInfiniteCache(); }
            return Date.now();
        }""",
        Output("admin-devices-purged", "data"),
        Input("admin-devices-district", "value"), Input("admin-devices-kind", "value"),
        Input("admin-devices-status", "value"), Input("admin-devices-search", "value"),
        Input("admin-devices-version", "data"), prevent_initial_call=True)

    @app.callback(Output("admin-devices-report", "children"),
                  Output("admin-devices-version", "data"),
                  Input("admin-devices-upload", "contents"),
                  State("admin-devices-upload", "filename"),
                  State("admin-devices-version", "data"), prevent_initial_call=True)
    def upload(contents, filename, version):
        actor = acting_admin()
        lang = language()
        try:
            text = upload_text(contents)
        except UploadError as exc:
            return report(lang, device_import.ImportReport(problem=Reason(exc.key))), no_update
        done = device_import.import_devices(connection(), text, actor.scope, recorded_as(actor),
                                            device_profiles.current().kinds)
        audit(actor, "devices.import", file_name=filename, added=done.added,
              updated=done.updated, rejected=len(done.rejected), unplaced=len(done.unplaced),
              problem=done.problem.key if done.problem else None)
        return report(lang, done), (version or 0) + 1

    @app.callback(Output("admin-devices-tiles", "children"),
                  Output("admin-devices-district", "options"),
                  Output("admin-devices-kind", "options"),
                  Input("admin-devices-version", "data"), prevent_initial_call=True)
    def counts(_version):
        lang = language()
        facets = device_facets(connection(), viewer().scope)
        return tiles(lang, facets), district_options(lang, facets), kind_options(lang, facets)
