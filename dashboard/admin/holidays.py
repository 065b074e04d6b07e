"""The holiday calendar tab: which years the SLA clocks know the official holidays of, where
each year comes from (the holiday file or the chinese-calendar package), the warning before
and after the covered years run out, and "check" for a pasted or uploaded holiday file.

Checking saves nothing: the file lives with the SLA ticker (CITYOPS_HOLIDAYS_FILE), which
may run on another machine; replacing it is a deploy step, and the ticker reads a changed
file at its next pass.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dash import Dash, Input, Output, State, dcc, html, no_update

from alerts.sla.coverage import Coverage, coverage
from alerts.sla.holiday_file import HolidayFileError, HolidaysInvalid, read_holidays
from alerts.sla.official_days import FILE, OfficialDays
from dashboard.admin.authority import acting_admin
from dashboard.admin.upload import UploadError, upload_text
from dashboard.i18n import translate
from dashboard.session import language

MAX_CHARS = 200_000  # a holiday file is a few KB a year


def section(path: Path, today: date) -> html.Div:
    """The tab for the file at `path` on the city's `today`."""
    try:
        official, problems = OfficialDays.from_file(path), []
    except HolidaysInvalid as exc:
        # The ticker does not use such a file: show what it falls back to, and why.
        official, problems = OfficialDays(), exc.errors
    return panel(language(), official, coverage(official, today), path, problems)


def head_banner(path: Path, today: date) -> html.Div | None:
    """The warning for the top of every admin tab (None when all is well)."""
    try:
        official = OfficialDays.from_file(path)
    except HolidaysInvalid:
        official = OfficialDays()  # the tab itself lists the problems
    return banner(language(), coverage(official, today))


def banner(lang: str, cover: Coverage) -> html.Div | None:
    """The warning when the covered years end within 60 days or have ended; else None."""
    if cover.level == "ok":
        return None
    last = cover.last_day.isoformat() if cover.last_day else "–"
    text = translate(lang, f"admin.holidays.{cover.level}", last_day=last,
                     days=abs(cover.days_left))
    return html.Div(text, className="admin-warn", id="admin-holidays-warning")


def panel(lang: str, official: OfficialDays, cover: Coverage, path: Path,
          problems: list[HolidayFileError]) -> html.Div:
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    listed: list = [banner(lang, cover)] if cover.level != "ok" else []
    if cover.level == "ok":
        listed.append(html.P(t("admin.holidays.ok", last_day=cover.last_day.isoformat(),
                               days=cover.days_left), className="admin-ok"))
    if problems:
        listed.append(html.Div(className="admin-error", id="admin-holidays-file-problems",
                               children=[html.P(t("admin.holidays.file_invalid")),
                                         problems_table(lang, problems)]))
    listed.append(years_table(lang, official))
    return html.Div(className="admin-section admin-holidays", children=[
        html.P(t("admin.holidays.note", file=str(path)), className="admin-note",
               id="admin-holidays-note"),
        html.Div(className="admin-columns", children=[
            html.Div(listed, className="admin-main"),
            _check_panel(lang, path),
        ]),
    ])


def years_table(lang: str, official: OfficialDays) -> html.Table:
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    head = html.Tr([html.Th(t(f"admin.holidays.col.{c}"))
                    for c in ("year", "source", "holidays", "workdays", "notice")])
    rows = []
    for year, source in official.sources().items():
        found = official.file_years.get(year) if source == FILE else None
        counts = ([t("admin.holidays.days", count=len(found.holidays)),
                   t("admin.holidays.days", count=len(found.workdays)), found.source]
                  if found else ["–", "–", t("admin.holidays.package_note")])
        rows.append(html.Tr([html.Td(str(year)), html.Td(t(f"admin.holidays.source.{source}")),
                             *[html.Td(c) for c in counts]]))
    return html.Table([html.Thead(head), html.Tbody(rows)], className="admin-problems",
                      id="admin-holidays-years")


def problems_table(lang: str, problems: list[HolidayFileError]) -> html.Table:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    head = html.Tr([html.Th(t("admin.rules.col.line")), html.Th(t("admin.rules.col.problem"))])
    body = [html.Tr([html.Td(str(p.line) if p.line else "–"), html.Td(p.problem)])
            for p in problems]
    return html.Table([html.Thead(head), html.Tbody(body)], className="admin-problems")


def _check_panel(lang: str, path: Path) -> html.Aside:
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    return html.Aside(className="admin-panel", children=[
        html.H3(t("admin.holidays.check_title")),
        html.P(t("admin.holidays.check_help", file=str(path)), className="admin-help"),
        dcc.Upload(id="admin-holidays-upload", accept=".yaml,.yml", multiple=False,
                   className="admin-upload admin-upload-small",
                   children=html.Div([t("admin.rules.upload"), " ",
                                      html.Span(t("admin.upload.pick"), className="admin-link")])),
        dcc.Textarea(id="admin-holidays-text", spellCheck=False, className="admin-code"),
        html.Button(t("admin.rules.validate"), id="admin-holidays-check", n_clicks=0,
                    className="admin-button"),
        html.Div(id="admin-holidays-result", className="admin-report"),
    ])


def check_result(lang: str, text: str) -> list:
    """What the ticker would make of `text` as its holiday file."""
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    if not text.strip():
        return [html.P(t("admin.rules.empty"), className="admin-error")]
    if len(text) > MAX_CHARS:
        return [html.P(t("admin.upload.too_big"), className="admin-error")]
    years, problems = read_holidays(text, "holidays.yaml")
    if problems:
        return [html.P(t("admin.rules.invalid", count=len(problems)), className="admin-error",
                       id="admin-holidays-invalid"), problems_table(lang, problems)]
    shown = ", ".join(str(y) for y in sorted(years)) or "–"
    return [html.P(t("admin.holidays.valid", years=shown), className="admin-ok",
                   id="admin-holidays-valid"),
            html.P(t("admin.holidays.not_saved"), className="admin-note")]


def register(app: Dash) -> None:
    @app.callback(Output("admin-holidays-text", "value"),
                  Output("admin-holidays-result", "children", allow_duplicate=True),
                  Input("admin-holidays-upload", "contents"), prevent_initial_call=True)
    def upload(contents):
        try:
            return upload_text(contents), []
        except UploadError as exc:
            return no_update, [html.P(translate(language(), exc.key), className="admin-error")]

    @app.callback(Output("admin-holidays-result", "children"),
                  Input("admin-holidays-check", "n_clicks"), State("admin-holidays-text", "value"),
                  prevent_initial_call=True)
    def check(_clicks, text):
        acting_admin()  # it writes nothing, but the tab is the admins'
        return check_result(language(), text or "")
