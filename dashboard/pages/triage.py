"""研判台 /triage: the grid manager's case queue, a case's detail and the moves of the flow.

The callbacks only read their inputs and call dashboard/triage/ (which calls alerts/); the
viewer comes from the session on every request, never from the browser, and every case id
the browser sends is looked up through the viewer's scope first.
"""

from __future__ import annotations

import dash_ag_grid as dag
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from alerts.cases.severity import SEVERITIES
from dashboard import device_profiles
from dashboard.context import PageContext
from dashboard.i18n import number, translate
from dashboard.session import language, viewer
from dashboard.shell import frame
from dashboard.triage import panel
from dashboard.triage.detail import read_view
from dashboard.triage.moves import MoveRequest, make_move, message
from dashboard.triage.queue import (
    MOST_ROWS,
    OPEN_STATES,
    SEVERITY_ORDER,
    STATE_ORDER,
    columns,
    grid_text,
    queue_filter,
    read_queue,
    rows,
)
from identity.pool import connection
from screens.triage.choices import categories, child_areas

PAGE = "triage"
QUEUE_REFRESH_MS = 30_000  # others' moves show up without a click; ours at once


def _choices(lang: str) -> tuple[list[dict], list[dict]]:
    """Category and area options inside the viewer's scope."""
    scope = viewer().scope
    conn = connection()
    try:
        with conn.cursor() as cur:
            found = categories(cur, scope)
            areas = child_areas(cur, scope)
    finally:
        conn.rollback()
    area_options = [{"label": zh if lang == "zh-CN" else en, "value": code}
                    for code, zh, en in areas]
    return [{"label": c, "value": c} for c in found], area_options


DROPDOWN_WORDS = ("select_all", "deselect_all", "selected_count", "search", "clear_search",
                  "clear_selection", "no_options_found")


def _dropdown(lang: str, **props) -> dcc.Dropdown:
    """A dropdown whose own words ("8 selected", search) come from the catalogue too."""
    words = {key: translate(lang, f"triage.dropdown.{key}") for key in DROPDOWN_WORDS}
    return dcc.Dropdown(labels=words, **props)


def _filters(lang: str) -> html.Div:
    t = lambda key: translate(lang, f"triage.filter.{key}")  # noqa: E731 - a local shorthand
    category_options, area_options = _choices(lang)
    return html.Div(className="triage-filters", children=[
        _dropdown(lang, id="triage-filter-state", multi=True, value=list(OPEN_STATES),
                     placeholder=t("state_all"), className="triage-filter triage-filter-wide",
                     options=[{"label": translate(lang, f"triage.state.{s}"), "value": s}
                              for s in STATE_ORDER]),
        _dropdown(lang, id="triage-filter-severity", placeholder=t("severity"),
                     className="triage-filter",
                     options=[{"label": translate(lang, f"triage.severity.{s}"), "value": s}
                              for s in SEVERITY_ORDER]),
        _dropdown(lang, id="triage-filter-category", placeholder=t("category"),
                     className="triage-filter", options=category_options),
        _dropdown(lang, id="triage-filter-area", placeholder=t("area"), className="triage-filter",
                     options=area_options),
        dcc.Checklist(id="triage-filter-overdue", className="triage-overdue-toggle",
                      options=[{"label": t("overdue"), "value": "overdue"}], value=[]),
        html.Span(id="triage-count", className="triage-count"),
    ])


def _queue(lang: str) -> dag.AgGrid:
    return dag.AgGrid(
        id="triage-queue", className="triage-grid", columnDefs=columns(lang), rowData=[],
        getRowId="params.data.row_id",
        defaultColDef={"sortable": True, "resizable": True, "suppressHeaderMenuButton": True},
        rowClassRules={"triage-row-overdue": "params.data.overdue"},
        dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                          "enableClickSelection": True},
                         "localeText": grid_text(lang), "pagination": True,
                         "paginationAutoPageSize": True, "rowHeight": 34,
                         "headerHeight": 38, "suppressCellFocus": True,
                         "tooltipShowDelay": 500},
        style={"height": "100%", "width": "100%"})


def layout(**_query: str) -> html.Div:
    lang = language()
    return frame(PAGE, html.Div(className="triage", children=[
        _filters(lang),
        html.Div(className="triage-body", children=[
            html.Section(_queue(lang), className="triage-queue-pane"),
            html.Section(className="triage-detail-pane", children=[
                html.Div(id="triage-message", className="triage-message", role="status"),
                html.Div(panel.placeholder(lang), id="triage-detail"),
            ]),
        ]),
        dcc.Store(id="triage-case"),
        dcc.Store(id="triage-refresh", data=0),
        dcc.Interval(id="triage-tick", interval=QUEUE_REFRESH_MS),
    ]))


def _case_id(value) -> int | None:
    """A case id from the browser, as a whole number, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def show_queue(states, severity, category, area, overdue):
    lang, who = language(), viewer()
    wanted = queue_filter(states, severity if severity in SEVERITIES else None, category,
                          area, overdue)
    conn = connection()
    try:
        with conn.cursor() as cur:
            cases, total = read_queue(cur, who.scope, wanted)
            shown = rows(cur, cases, lang)
    finally:
        conn.rollback()
    for item in shown:
        item["row_id"] = str(item["id"])
    key = "triage.count.some" if total > MOST_ROWS else "triage.count.all"
    return shown, translate(lang, key, total=number(lang, total), shown=number(lang, len(shown)))


def show_case(case_id):
    """(detail children, the case store) for a case id, or the refusal for one outside."""
    lang, who = language(), viewer()
    wanted = _case_id(case_id)
    if wanted is None:
        return panel.placeholder(lang), None
    view = read_view(connection(), who, wanted, aggregates=device_profiles.aggregates())
    if view is None:
        return panel.placeholder(lang, "triage.detail.not_found"), None
    return panel.panel(lang, who.role, view, who.scope.level), {"id": view.case["id"],
                                               "version": view.case["version"]}


def register(app: Dash, context: PageContext) -> None:
    @app.callback(Output("triage-queue", "rowData"), Output("triage-count", "children"),
                  Input("triage-filter-state", "value"), Input("triage-filter-severity", "value"),
                  Input("triage-filter-category", "value"), Input("triage-filter-area", "value"),
                  Input("triage-filter-overdue", "value"), Input("triage-refresh", "data"),
                  Input("triage-tick", "n_intervals"))
    def queue(states, severity, category, area, overdue, _refresh, _tick):
        return show_queue(states, severity, category, area, overdue)

    @app.callback(Output("triage-detail", "children"), Output("triage-case", "data"),
                  Output("triage-message", "children", allow_duplicate=True),
                  Input("triage-queue", "selectedRows"), Input("triage-refresh", "data"),
                  State("triage-case", "data"), prevent_initial_call=True)
    def detail(selected, _refresh, current):
        if ctx.triggered_id == "triage-refresh":
            if not isinstance(current, dict):
                return no_update, no_update, no_update
            children, case = show_case(current.get("id"))
            return children, case, no_update
        picked = selected[0].get("id") if selected and isinstance(selected[0], dict) else None
        children, case = show_case(picked)
        # The queue re-selects the same case after a move refreshed it: keep the message.
        same = isinstance(current, dict) and case is not None and current.get("id") == case["id"]
        return children, case, no_update if same else ""

    @app.callback(Output("triage-message", "children"), Output("triage-refresh", "data"),
                  Input({"type": "triage-move", "action": ALL}, "n_clicks"),
                  State("triage-case", "data"), State("triage-note", "value"),
                  State("triage-refresh", "data"), State("triage-unit", "value"),
                  State("triage-co-units", "value"), State("triage-report-minutes", "value"),
                  prevent_initial_call=True)
    def move(clicks, case, note, refreshed, unit=None, co_units=None, minutes=None):
        # Defaults: a hand-made request that leaves out the unit fields is a plain move.
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks or []) or not isinstance(case, dict):
            return no_update, no_update
        return move_case(trigger.get("action"), case, note, refreshed, context,
                         units=(unit, co_units, minutes))


def _units(units) -> dict:
    """The unit fields of a move request, from what the browser sent (any shape)."""
    unit, co, minutes = units if isinstance(units, tuple | list) and len(units) == 3 else (
        None, None, None)
    return {"unit": unit if isinstance(unit, str) and unit else None,
            "co_units": tuple(c for c in (co if isinstance(co, list) else [])
                              if isinstance(c, str) and c),
            "report_minutes": minutes if isinstance(minutes, int) else 60}


def move_case(action, case: dict, note, refreshed, context: PageContext, units=None):
    """(message, refresh counter) after asking alerts/ to make the move."""
    lang = language()
    case_id, version = _case_id(case.get("id")), case.get("version")
    if case_id is None or not isinstance(version, int) or not isinstance(action, str):
        return _message(lang, False, translate(lang, "triage.msg.not_found")), no_update
    request = MoveRequest(case_id, action, version, note if isinstance(note, str) else None,
                          **_units(units))
    outcome = make_move(connection(), viewer(), request, context.dispatcher)
    text = _message(lang, outcome.ok, message(lang, outcome))
    return text, ((refreshed or 0) + 1 if outcome.refresh else no_update)


def _message(lang: str, ok: bool, text: str) -> html.Div:
    return html.Div(text, className="triage-note-ok" if ok else "triage-note-error",
                    id="triage-message-text")
