"""The users tab: accounts in the admin's area (never a password hash), adding one, and
turning one off (its sessions and tokens end at once) or on again."""

from __future__ import annotations

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash_ag_grid import AgGrid

from dashboard.admin.authority import acting_admin, audit, recorded_as
from dashboard.admin.people_rows import MIN_PASSWORD, account_grid_row, new_account_problems
from dashboard.i18n import translate
from dashboard.session import language, viewer
from identity.pool import connection
from identity.user_admin import accounts, set_active
from identity.users import USER_ROLES, UserError, add_user

COLUMNS = (("username", 160), ("display_name", 130), ("role", 110), ("area_code", 150),
           ("state", 90), ("last_login", 150))

# add_user's refusals, by a phrase of their (English) message, in the admin's words.
USER_ERRORS = (("already exists", "admin.users.problem.exists"),
               ("unit", "admin.users.problem.unit"),
               ("area", "admin.users.problem.area_unknown"))


def _rows(lang: str) -> list[dict]:
    return [account_grid_row(lang, a) for a in accounts(connection(), viewer().scope)]


def _grid(lang: str) -> AgGrid:
    columns = [{"field": field, "width": width,
                "headerName": translate(lang, f"admin.users.col.{field}")}
               for field, width in COLUMNS]
    columns[4]["cellClassRules"] = {"admin-status-offline": "params.data && !params.data.active"}
    return AgGrid(id="admin-users-grid", columnDefs=columns, rowData=_rows(lang),
                  getRowId="params.data.username",
                  defaultColDef={"resizable": True, "sortable": True, "filter": True},
                  dashGridOptions={"rowHeight": 34, "headerHeight": 38,
                                   "rowSelection": {"mode": "singleRow", "checkboxes": False,
                                                    "enableClickSelection": True},
                                   "localeText": {"noRowsToShow":
                                                  translate(lang, "admin.no_rows")}},
                  className="admin-grid", columnSize="responsiveSizeToFit",
                  style={"height": "520px", "width": "100%"})


def section() -> html.Div:
    lang = language()
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    actions = html.Div(className="admin-actions", children=[
        html.Span(t("admin.users.pick_hint"), className="admin-help"),
        dcc.ConfirmDialogProvider(
            id="admin-users-deactivate", message=t("admin.users.confirm_deactivate"),
            children=html.Button(t("admin.users.deactivate"), className="admin-button danger")),
        html.Button(t("admin.users.reactivate"), id="admin-users-reactivate", n_clicks=0,
                    className="admin-button admin-button-quiet"),
    ])
    return html.Div(className="admin-section admin-users", children=[
        html.Div(className="admin-columns", children=[
            html.Div(className="admin-main", children=[
                actions, html.Div(id="admin-users-message", className="admin-report"),
                _grid(lang)]),
            _add_panel(lang),
        ]),
    ])


def _add_panel(lang: str) -> html.Aside:
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand

    def field(label_key: str, component) -> html.Label:
        return html.Label([html.Span(t(label_key)), component], className="admin-field")

    return html.Aside(className="admin-panel", children=[
        html.H3(t("admin.users.add_title")),
        field("admin.users.col.username",
              dcc.Input(id="admin-users-username", className="admin-input", autoComplete="off")),
        field("admin.users.col.display_name",
              dcc.Input(id="admin-users-display", className="admin-input", autoComplete="off")),
        field("admin.users.col.role", dcc.Dropdown(
            id="admin-users-role", clearable=False, value="operator",
            options=[{"label": t(f"role.{r}"), "value": r} for r in USER_ROLES])),
        field("admin.users.col.area_code",
              dcc.Input(id="admin-users-area", className="admin-input",
                        value=viewer().scope.code, autoComplete="off")),
        field("admin.users.unit",
              dcc.Input(id="admin-users-unit", className="admin-input", autoComplete="off",
                        placeholder=t("admin.users.unit_hint"))),
        field("admin.users.password",
              dcc.Input(id="admin-users-password", type="password", className="admin-input",
                        autoComplete="new-password")),
        field("admin.users.again",
              dcc.Input(id="admin-users-again", type="password", className="admin-input",
                        autoComplete="new-password")),
        html.P(t("admin.users.password_rule", count=MIN_PASSWORD), className="admin-help"),
        html.Button(t("admin.users.add"), id="admin-users-add", n_clicks=0,
                    className="admin-button"),
        html.Div(id="admin-users-add-result", className="admin-report"),
    ])


def _user_error(lang: str, exc: UserError) -> str:
    for phrase, key in USER_ERRORS:
        if phrase in str(exc):
            return translate(lang, key)
    return str(exc)


def _switch(lang: str, selected: list | None, active: bool) -> tuple:
    actor = acting_admin()
    chosen = (selected or [None])[0]
    if not chosen:
        return html.P(translate(lang, "admin.users.pick_first"), className="admin-error"), \
            no_update
    if not active and chosen["id"] == actor.user.id:
        return html.P(translate(lang, "admin.users.not_yourself"), className="admin-error"), \
            no_update
    done = set_active(connection(), int(chosen["id"]), active, actor.scope,
                      recorded_as(actor))
    if done is None:
        return html.P(translate(lang, "admin.users.not_found"), className="admin-error"), \
            no_update
    audit(actor, "user.reactivate" if active else "user.deactivate", target=done.username,
          tokens_revoked=done.tokens_revoked)
    key = "admin.users.reactivated" if active else "admin.users.deactivated"
    message = translate(lang, key, username=done.username, tokens=done.tokens_revoked)
    return html.P(message, className="admin-ok", id="admin-users-switched"), _rows(lang)


def register(app: Dash) -> None:
    @app.callback(Output("admin-users-message", "children"),
                  Output("admin-users-grid", "rowData"),
                  Input("admin-users-deactivate", "submit_n_clicks"),
                  State("admin-users-grid", "selectedRows"), prevent_initial_call=True)
    def deactivate(_clicks, selected):
        return _switch(language(), selected, False)

    @app.callback(Output("admin-users-message", "children", allow_duplicate=True),
                  Output("admin-users-grid", "rowData", allow_duplicate=True),
                  Input("admin-users-reactivate", "n_clicks"),
                  State("admin-users-grid", "selectedRows"), prevent_initial_call=True)
    def reactivate(_clicks, selected):
        return _switch(language(), selected, True)

    @app.callback(Output("admin-users-add-result", "children"),
                  Output("admin-users-grid", "rowData", allow_duplicate=True),
                  Output("admin-users-password", "value"), Output("admin-users-again", "value"),
                  Input("admin-users-add", "n_clicks"),
                  State("admin-users-username", "value"), State("admin-users-display", "value"),
                  State("admin-users-role", "value"), State("admin-users-area", "value"),
                  State("admin-users-password", "value"), State("admin-users-again", "value"),
                  State("admin-users-unit", "value"), prevent_initial_call=True)
    def add(_clicks, username, display, role, area, password, again, unit=None):
        actor = acting_admin()
        lang = language()
        username, area = (username or "").strip(), (area or "").strip()
        problems = new_account_problems(username, password or "", again or "", role, area,
                                        actor.scope)
        if problems:
            return (html.Ul([html.Li(translate(lang, k, count=MIN_PASSWORD)) for k in problems],
                            className="admin-error", id="admin-users-problems"),
                    no_update, no_update, no_update)
        try:
            user_id = add_user(connection(), username, password, role, area,
                               (display or "").strip() or None, actor=recorded_as(actor),
                               unit_code=(unit or "").strip() or None if role == "unit"
                               else None)
        except UserError as exc:
            return (html.P(_user_error(lang, exc), className="admin-error",
                           id="admin-users-problems"), no_update, "", "")
        audit(actor, "user.add", target=username, target_id=user_id, role=role, area=area)
        return (html.P(translate(lang, "admin.users.added", username=username),
                       className="admin-ok", id="admin-users-added"), _rows(lang), "", "")
