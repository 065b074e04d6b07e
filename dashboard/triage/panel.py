"""The detail panel's components: the case's header, its moves, map and chart, timeline and
sources. Built from a `CaseView` (dashboard/triage/detail.py); no queries here."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.i18n import translate, when
from dashboard.triage import figures
from dashboard.triage.detail import CaseView
from dashboard.triage.moves import CAUTION, move_needs_note, offered

GRAPH_CONFIG = {"displayModeBar": False}
GRAPH_STYLE = {"height": "250px"}
SOURCE_KINDS = ("hotline", "patrol", "sensor", "other")


def _badge(text: str, kind: str) -> html.Span:
    return html.Span(text, className=f"triage-badge triage-badge-{kind}")


def _place(lang: str, view: CaseView) -> str:
    case, names = view.case, view.area_names
    parts = []
    for key in ("district_code", "street_code", "community_code"):
        code = case.get(key)
        if code:
            zh, en = names.get(code, (code, code))
            parts.append(zh if lang == "zh-CN" else en)
    if case.get("grid_code"):
        parts.append(translate(lang, "triage.detail.grid", code=case["grid_code"]))
    return " · ".join(parts) or translate(lang, "triage.area.unknown")


def _facts(lang: str, view: CaseView) -> html.Dl:
    case = view.case
    t = lambda key: translate(lang, f"triage.detail.{key}")  # noqa: E731 - a local shorthand
    pairs = [(t("category"), case.get("category") or "–"),
             (t("place"), _place(lang, view)),
             (t("tier"), translate(lang, f"triage.tier.{case['tier']}")),
             (t("assignee"), case.get("assignee_worker_id") or "–"),
             (t("opened"), when(lang, case["opened_at"])),
             (t("due"), when(lang, case.get("due_at"))),
             (t("repeats"), str(case.get("repeat_count") or 1)),
             (t("version"), str(case["version"]))]
    children: list[Any] = []
    for name, value in pairs:
        children += [html.Dt(name), html.Dd(value)]
    return html.Dl(children, className="triage-facts")


def header(lang: str, view: CaseView) -> html.Div:
    case = view.case
    badges = [_badge(translate(lang, f"triage.state.{case['state']}"), "state"),
              _badge(translate(lang, f"triage.severity.{case['severity']}"),
                     f"sev-{case['severity']}")]
    if case.get("overdue"):
        badges.append(_badge(translate(lang, "triage.detail.overdue"), "overdue"))
    return html.Div(className="triage-head", children=[
        html.Div(className="triage-title-row", children=[
            html.Span(f"#{case['id']}", className="triage-case-id"),
            html.H2(case["title"], className="triage-title", id="triage-title"),
        ]),
        html.Div(badges, className="triage-badges"),
        html.P(case.get("description") or "", className="triage-description"),
        _facts(lang, view),
    ])


def _unit_label(lang: str, unit: dict[str, Any]) -> str:
    tier = translate(lang, "triage.tier." + unit["tier"])
    return f"{unit['name']}（{tier}）"


def unit_controls(lang: str, view: CaseView | None, actions: list[str]) -> html.Div:
    """Which unit a dispatch goes to (the list's choice unless the desk names one) and, for
    a whistle, the co-units and the time to report in. Always drawn, hidden when no move
    needs them, so the move callback's inputs always exist."""
    units = view.units if view else []
    options = [{"label": _unit_label(lang, u), "value": u["unit_code"]} for u in units]
    names = {u["unit_code"]: u["name"] for u in units}
    routed = view.routed_unit if view else None
    hint = (translate(lang, "triage.units.routed", unit=names.get(routed, routed)) if routed
            else translate(lang, "triage.units.to_worker"))
    whistling = "whistle" in actions
    shown = whistling or "dispatch" in actions
    return html.Div(id="triage-units", className="triage-units",
                    style=None if shown else {"display": "none"}, children=[
        html.Label(translate(lang, "triage.units.unit"), className="triage-units-label"),
        dcc.Dropdown(id="triage-unit", options=options, placeholder=hint,
                     className="triage-unit"),
        html.Div(style=None if whistling else {"display": "none"}, className="triage-whistle",
                 children=[
            html.Label(translate(lang, "triage.units.co"), className="triage-units-label"),
            dcc.Dropdown(id="triage-co-units", options=options, multi=True,
                         placeholder=translate(lang, "triage.units.co_hint")),
            html.Label(translate(lang, "triage.units.minutes"), className="triage-units-label"),
            dcc.Input(id="triage-report-minutes", type="number", min=1, max=10080, value=60,
                      className="triage-minutes")]),
    ])


def move_bar(lang: str, role: str, case: dict[str, Any], view: CaseView | None = None,
             level: str | None = None) -> html.Div:
    """The buttons of the moves this role may make now, and the note some of them need."""
    actions = offered(role, case["state"], case["tier"], level)
    if not actions:
        return html.Div(translate(lang, "triage.moves.none"), className="triage-moves-none",
                        id="triage-moves-none")
    buttons = [html.Button(translate(lang, f"triage.move.{action}"), n_clicks=0,
                           id={"type": "triage-move", "action": action},
                           className="triage-move" + (" caution" if action in CAUTION else "")
                           + (" needs-note" if move_needs_note(action) else ""),
                           title=translate(lang, "triage.moves.note_required")
                           if move_needs_note(action) else "")
               for action in actions]
    noted = [translate(lang, f"triage.move.{a}") for a in actions if move_needs_note(a)]
    hint = (translate(lang, "triage.moves.note_hint", moves="、".join(noted)) if noted
            else translate(lang, "triage.moves.note_optional"))
    return html.Div(className="triage-moves", children=[
        html.Div(buttons, className="triage-move-buttons"),
        unit_controls(lang, view, actions),
        dcc.Textarea(id="triage-note", className="triage-note", placeholder=hint, value=""),
    ])


def _event(lang: str, event: dict[str, Any]) -> html.Li:
    action = event["action"]
    name = translate(lang, f"triage.action.{action}")
    change = ""
    if event.get("from_state") and event.get("to_state") and \
            event["from_state"] != event["to_state"]:
        change = (f"{translate(lang, 'triage.state.' + event['from_state'])} → "
                  f"{translate(lang, 'triage.state.' + event['to_state'])}")
    return html.Li(className=f"triage-event triage-event-{action}", children=[
        html.Div(className="triage-event-line", children=[
            html.Span(when(lang, event["at"]), className="triage-event-at"),
            html.Span(name, className="triage-event-action"),
            html.Span(change, className="triage-event-change"),
            html.Span(event["actor"], className="triage-event-actor"),
        ]),
        html.Div(event.get("note") or "", className="triage-event-note"),
    ])


def timeline(lang: str, view: CaseView) -> html.Div:
    events = list(reversed(view.events))  # newest on top, as in the queue
    return html.Div(className="triage-card", children=[
        html.H3(translate(lang, "triage.detail.timeline")),
        html.Ol([_event(lang, e) for e in events], className="triage-timeline",
                id="triage-timeline"),
    ])


def _source_kind(lang: str, source: dict[str, Any]) -> str:
    if source["source_kind"] == "rule":
        return translate(lang, "triage.source.rule")
    kind = source.get("source") if source.get("source") in SOURCE_KINDS else "other"
    return translate(lang, f"triage.source.{kind}")


def _source(lang: str, source: dict[str, Any]) -> html.Tr:
    details = source.get("details") or {}
    what = " / ".join(x for x in (source.get("category"), source.get("subcategory")) if x)
    if source["source_kind"] == "rule":
        what = " · ".join(str(x) for x in (details.get("rule"), details.get("device")) if x)
    reporter = " ".join(x for x in (source.get("reporter_name"), source.get("reporter_phone"))
                        if x)
    return html.Tr([
        html.Td(_source_kind(lang, source), className="triage-source-kind"),
        html.Td(when(lang, source.get("at"))),
        html.Td([html.Div(what or source["source_key"]),
                 html.Div(source.get("description") or "", className="triage-muted")]),
        html.Td(source.get("address") or "–"),
        html.Td(reporter or "–", className="triage-reporter"),
    ])


def sources(lang: str, view: CaseView) -> html.Div:
    t = lambda key: translate(lang, f"triage.source.{key}")  # noqa: E731 - a local shorthand
    body: Any
    if view.sources:
        body = html.Table(className="triage-sources", id="triage-sources", children=[
            html.Thead(html.Tr([html.Th(t(k)) for k in ("kind", "at", "what", "address",
                                                         "reporter")])),
            html.Tbody([_source(lang, s) for s in view.sources]),
        ])
    else:
        body = html.P(t("none"), className="triage-muted", id="triage-sources")
    return html.Div(className="triage-card", children=[
        html.H3(translate(lang, "triage.detail.sources", count=len(view.sources))), body])


def figures_row(lang: str, view: CaseView) -> html.Div:
    chart = figures.readings_chart(lang, view.readings, view.case["opened_at"],
                                   view.device or "", view.device_is_nearest)
    return html.Div(className="triage-figures", children=[
        html.Div(className="triage-card", children=[
            html.H3(translate(lang, "triage.detail.map")),
            dcc.Graph(id="triage-map", config=GRAPH_CONFIG, style=GRAPH_STYLE,
                      figure=figures.case_map(lang, view.case, view.cases_nearby,
                                              view.devices_nearby))]),
        html.Div(className="triage-card", children=[
            html.H3(translate(lang, "triage.detail.readings")),
            dcc.Graph(id="triage-readings", config=GRAPH_CONFIG, style=GRAPH_STYLE,
                      figure=chart)]),
    ])


def panel(lang: str, role: str, view: CaseView, level: str | None = None) -> list:
    return [header(lang, view), move_bar(lang, role, view.case, view, level),
            figures_row(lang, view),
            html.Div([timeline(lang, view), sources(lang, view)], className="triage-lower")]


def placeholder(lang: str, key: str = "triage.detail.pick") -> html.Div:
    return html.Div(translate(lang, key), className="triage-placeholder",
                    id="triage-placeholder")
