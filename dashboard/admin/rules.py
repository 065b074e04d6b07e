"""The rules tab: the deployed rules of settings.alerts_rules_dir, and "validate" for a
pasted or uploaded rule file, checked by the engine's loader and never saved."""

from __future__ import annotations

from pathlib import Path

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash_ag_grid import AgGrid

from alerts.rules.model import Rule
from dashboard.admin.authority import acting_admin
from dashboard.admin.rule_check import Problem, RuleCheck, check_text, conditions, deployed
from dashboard.admin.upload import UploadError, upload_text
from dashboard.i18n import number, translate
from dashboard.session import language

COLUMNS = (("id", 200), ("name", 170), ("kind", 100), ("severity", 80), ("category", 130),
           ("conditions", 360), ("flags", 100), ("origin", 150))
PLACEHOLDER = """rules:
  - id: manhole-tilted
    kind: threshold
    name: {zh: 井盖倾斜, en: Manhole cover tilted}
    category: 井盖破损
    severity: major
    match: {device_kind: manhole, metric: tilt_deg}
    params: {op: ">=", value: 10, for: 1m, clear: 5}
"""


def rule_row(lang: str, rule: Rule, folder: Path) -> dict:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    path, _, line = rule.origin.rpartition(":")
    flags = [t("admin.rules.auto_resolve")] if rule.auto_resolve else []
    if not rule.opens_case:
        flags.append(t("admin.rules.no_case"))
    try:
        where = f"{Path(path).relative_to(folder)}:{line}"
    except ValueError:
        where = f"{Path(path).name}:{line}"
    return {"id": rule.id, "name": rule.name_en if lang == "en" else rule.name_zh,
            "kind": t(f"admin.rules.kind.{rule.kind}"), "severity_code": rule.severity,
            "severity": t(f"admin.severity.{rule.severity}"), "category": rule.category,
            "conditions": conditions(rule), "flags": " · ".join(flags), "origin": where}


def problems_table(lang: str, problems: tuple[Problem, ...] | list[Problem]) -> html.Table:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    head = html.Tr([html.Th(t("admin.rules.col.file")), html.Th(t("admin.rules.col.line")),
                    html.Th(t("admin.rules.col.problem"))])
    body = [html.Tr([html.Td(p.file), html.Td(str(p.line) if p.line else "–"),
                     html.Td(p.text)]) for p in problems]
    return html.Table([html.Thead(head), html.Tbody(body)], className="admin-problems")


def _grid(lang: str, rules: list[Rule], folder: Path) -> AgGrid:
    severity = {f"admin-severity-{s}": f"params.data && params.data.severity_code === '{s}'"
                for s in ("info", "minor", "major", "critical")}
    columns = [{"field": field, "width": width,
                "headerName": translate(lang, f"admin.rules.col.{field}")}
               for field, width in COLUMNS]
    columns[3]["cellClassRules"] = severity
    columns[5].update({"flex": 1, "wrapText": True, "autoHeight": True,
                       "cellStyle": {"lineHeight": "1.45", "padding": "6px 14px"}})
    return AgGrid(id="admin-rules-grid", columnDefs=columns,
                  rowData=[rule_row(lang, r, folder) for r in rules],
                  defaultColDef={"resizable": True, "sortable": True, "filter": True},
                  dashGridOptions={"rowHeight": 34, "headerHeight": 38, "tooltipShowDelay": 300,
                                   "localeText": {"noRowsToShow":
                                                  translate(lang, "admin.no_rows")}},
                  className="admin-grid", style={"height": "560px", "width": "100%"})


def section(folder: Path) -> html.Div:
    lang = language()
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    rules, problems = deployed(folder)
    listed: list = [html.Div(className="admin-count", id="admin-rules-count",
                             children=t("admin.rules.count", count=number(lang, len(rules)),
                                        folder=str(folder)))]
    if problems:
        listed.append(html.Div(className="admin-error", id="admin-rules-deployed-problems",
                               children=[html.P(t("admin.rules.deployed_invalid")),
                                         problems_table(lang, problems)]))
    listed.append(_grid(lang, rules, Path(folder)))
    return html.Div(className="admin-section admin-rules", children=[
        html.P(t("admin.rules.deploy_note", folder=str(folder)), className="admin-note",
               id="admin-rules-deploy-note"),
        html.Div(className="admin-columns", children=[
            html.Div(listed, className="admin-main"),
            _validate_panel(lang),
        ]),
    ])


def _validate_panel(lang: str) -> html.Aside:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    return html.Aside(className="admin-panel", children=[
        html.H3(t("admin.rules.validate_title")),
        html.P(t("admin.rules.validate_help"), className="admin-help"),
        dcc.Store(id="admin-rules-name"),
        dcc.Upload(id="admin-rules-upload", accept=".yaml,.yml", multiple=False,
                   className="admin-upload admin-upload-small",
                   children=html.Div([t("admin.rules.upload"), " ",
                                      html.Span(t("admin.upload.pick"), className="admin-link")])),
        dcc.Textarea(id="admin-rules-text", placeholder=PLACEHOLDER, spellCheck=False,
                     className="admin-code"),
        html.Button(t("admin.rules.validate"), id="admin-rules-validate", n_clicks=0,
                    className="admin-button"),
        dcc.Loading(html.Div(id="admin-rules-result", className="admin-report"),
                    type="dot", color="#5cc8ff"),
    ])


def result(lang: str, checked: RuleCheck) -> list:
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    if not checked.ok:
        return [html.P(t("admin.rules.invalid", count=len(checked.problems)),
                       className="admin-error", id="admin-rules-invalid"),
                problems_table(lang, checked.problems)]
    parts = [html.P(t("admin.rules.valid", file=checked.file,
                      count=len(checked.rules_in_file), total=checked.total),
                    className="admin-ok", id="admin-rules-valid"),
             html.P(", ".join(checked.rules_in_file), className="admin-help")]
    if checked.replaces:
        parts.append(html.P(t("admin.rules.replaces", file=checked.file), className="admin-help"))
    parts.append(html.P(t("admin.rules.not_saved"), className="admin-note"))
    return parts


def register(app: Dash, folder: Path) -> None:
    @app.callback(Output("admin-rules-text", "value"), Output("admin-rules-name", "data"),
                  Output("admin-rules-result", "children", allow_duplicate=True),
                  Input("admin-rules-upload", "contents"), State("admin-rules-upload", "filename"),
                  prevent_initial_call=True)
    def upload(contents, filename):
        try:
            return upload_text(contents), filename, []
        except UploadError as exc:
            message = html.P(translate(language(), exc.key), className="admin-error")
            return no_update, no_update, [message]

    @app.callback(Output("admin-rules-result", "children"),
                  Input("admin-rules-validate", "n_clicks"),
                  State("admin-rules-text", "value"), State("admin-rules-name", "data"),
                  prevent_initial_call=True)
    def validate(_clicks, text, name):
        acting_admin()  # it writes nothing, but only admins read the deployed folder this way
        lang = language()
        if not (text or "").strip():
            return [html.P(translate(lang, "admin.rules.empty"), className="admin-error")]
        return result(lang, check_text(folder, text, name))
