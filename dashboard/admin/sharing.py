"""The sharing tab (数据共享): the API keys other systems hold, and the access log of every
request they made, filtered by client. Keys are made and revoked with `cityops share key`."""

from __future__ import annotations

from dash import Dash, Input, Output, dcc, html

from dashboard.admin.authority import acting_admin
from dashboard.i18n import translate, when
from dashboard.session import language
from identity.pool import connection
from sharing.access_log import Access, recent
from sharing.keys import Key, all_keys

SHOWN = 200


def _keys_table(lang: str, keys: list[Key]) -> html.Table:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    head = html.Tr([html.Th(t(f"admin.sharing.col.{c}")) for c in
                    ("key", "client", "datasets", "areas", "categories", "pii", "state")])
    rows = [html.Tr([html.Td(k.key_id), html.Td(k.client), html.Td(", ".join(k.datasets)),
                     html.Td(", ".join(k.areas)), html.Td(", ".join(k.categories) or "*"),
                     html.Td(t("admin.sharing.pii_yes") if k.pii else t("admin.sharing.pii_no")),
                     html.Td(t("admin.sharing.revoked") if k.revoked_at else
                             translate(lang, "admin.sharing.expires",
                                       when=when(lang, k.expires_at)))]) for k in keys]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="admin-problems",
                      id="admin-sharing-keys")


def log_table(lang: str, rows: list[Access]) -> html.Table:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    head = html.Tr([html.Th(t(f"admin.sharing.col.{c}")) for c in
                    ("at", "client", "key", "route", "rows", "status", "remote")])
    body = [html.Tr([html.Td(when(lang, a.at, seconds=True)), html.Td(a.client or "–"),
                     html.Td(a.key_id or "–"), html.Td(a.route),
                     html.Td("–" if a.rows is None else str(a.rows)), html.Td(str(a.status)),
                     html.Td(a.remote or "–")]) for a in rows]
    return html.Table([html.Thead(head), html.Tbody(body)], className="admin-problems",
                      id="admin-sharing-log-table")


def section() -> html.Div:
    lang = language()
    conn = connection()
    keys = all_keys(conn)
    clients = sorted({k.client for k in keys})
    return html.Div(className="admin-section admin-sharing", children=[
        html.P(translate(lang, "admin.sharing.note"), className="admin-note"),
        html.H3(translate(lang, "admin.sharing.keys")), _keys_table(lang, keys),
        html.H3(translate(lang, "admin.sharing.log")),
        dcc.Dropdown(id="admin-sharing-client", options=clients, className="admin-input",
                     placeholder=translate(lang, "admin.sharing.all_clients")),
        html.Div(log_table(lang, recent(conn, None, None, SHOWN)), id="admin-sharing-log"),
    ])


def register(app: Dash) -> None:
    @app.callback(Output("admin-sharing-log", "children"),
                  Input("admin-sharing-client", "value"), prevent_initial_call=True)
    def filtered(client):
        acting_admin()  # reading the log is the admins'
        chosen = client if isinstance(client, str) and client else None
        return log_table(language(), recent(connection(), chosen, None, SHOWN))
