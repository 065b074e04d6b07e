"""`/assessment` (综合评价): the assessment of a month or quarter in the viewer's area, ranked by
unit, street, district or post, each figure drilling down to its cases; links to the
monthly bulletin's files.

The indicator set is read once from CITYOPS_ASSESSMENT_FILE when the page registers; the
figures are computed by assessment/ through the viewer's scope on every request.
"""

from __future__ import annotations

import tempfile
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

import flask
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from assessment import periods
from assessment.bulletin import gather
from assessment.indicators import IndicatorSet, read
from assessment.report import cases_behind, run
from assessment.scores import GROUPINGS
from dashboard.assessment import bulletin_files
from dashboard.assessment.view import FIGURE, drill, table
from dashboard.context import PageContext
from dashboard.i18n import city_zone, translate
from dashboard.session import language, viewer
from dashboard.shell import frame
from dashboard.summary.pdf import PdfFailed
from dashboard.summary.slots import Busy, ChromiumSlots
from identity.pool import read_connection

PAGE = "assessment"
INDICATORS_KEY = "CITYOPS_ASSESSMENT_INDICATORS"
BULLETIN_PATH = "/export/bulletin"
FORMATS = ("pdf", "xlsx", "csv")
MIME = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _indicators() -> IndicatorSet:
    return flask.current_app.config[INDICATORS_KEY]


def _choices(lang: str) -> list[dict]:
    today = datetime.now(city_zone()).date()
    return [{"label": p.label, "value": p.label} for p in periods.recent(today)]


def layout(**query: str) -> html.Div:
    lang = language()
    options = _choices(lang)
    # This month so far by street: it always has figures, even in a city that began last
    # week; last month (the bulletin's) is one pick away.
    chosen = query.get("period") or options[0]["value"]
    return frame(PAGE, [
        html.Div(className="assessment-head", children=[
            html.H1(translate(lang, "assessment.title")),
            html.Div(className="assessment-controls", children=[
                dcc.Dropdown(id="assessment-period", options=options, value=chosen,
                             clearable=False, className="assessment-period"),
                dcc.RadioItems(id="assessment-grouping", value="street", inline=True,
                               className="assessment-grouping", options=[
                                   {"label": translate(lang, f"assessment.by.{g}"), "value": g}
                                   for g in GROUPINGS]),
                html.Div([html.A(translate(lang, f"assessment.export.{f}"), href="#",
                                 id=f"assessment-export-{f}", className="assessment-export")
                          for f in FORMATS], className="assessment-exports"),
            ]),
        ]),
        html.P(translate(lang, "assessment.note"), className="assessment-note"),
        dcc.Loading(html.Div(id="assessment-table"), type="dot", color="#5cc8ff"),
        html.Div(id="assessment-drill"),
    ])


def _period(text) -> periods.Period | None:
    try:
        return periods.parse(str(text))
    except ValueError:
        return None


def show(period_text, grouping):
    """The ranking of the chosen period and grouping, and the bulletin links for it."""
    lang = language()
    period = _period(period_text)
    if period is None or grouping not in GROUPINGS:
        return html.P(translate(lang, "assessment.bad_request")), *(["#"] * len(FORMATS))
    done = run(read_connection(), viewer().scope, period, grouping, _indicators(), city_zone())
    links = [f"{BULLETIN_PATH}?period={period.label}&format={f}" for f in FORMATS]
    return table(lang, done, _indicators()), *links


def drill_down(_clicks, period_text, grouping):
    """The cases behind the pressed figure, read again through the viewer's scope."""
    pressed = ctx.triggered_id
    if not isinstance(pressed, dict) or not any(_clicks or []):
        return no_update
    lang = language()
    period, code = _period(period_text), pressed.get("code")
    indicators = _indicators().by_code()
    if period is None or grouping not in GROUPINGS or code not in indicators:
        return html.P(translate(lang, "assessment.bad_request"))
    done = run(read_connection(), viewer().scope, period, grouping, _indicators(), city_zone())
    row = next((r for r in done.rows if r.key == pressed.get("key")), None)
    if row is None:
        return html.P(translate(lang, "assessment.bad_request"))
    figure = row.figures[code]
    ids = sorted(set(figure.cases) | set(figure.of))
    title = f"{done.name(row.key, lang)} · {indicators[code].name(lang)}"
    return drill(lang, title, cases_behind(read_connection(), viewer().scope, ids),
                 set(figure.cases))


class BulletinExport:
    """GET /export/bulletin?period=2026-11&format=pdf|xlsx|csv: the bulletin of the viewer's
    area; PDFs print through the same few Chromium slots as the daily summary."""

    def __init__(self, settings) -> None:
        self.slots = ChromiumSlots(settings.export_dir, settings.export_concurrency)
        self.wait_seconds = settings.export_wait_seconds

    def __call__(self) -> flask.Response:
        lang = language()
        period = _period(flask.request.args.get("period"))
        fmt = flask.request.args.get("format", "pdf")
        if period is None or fmt not in FORMATS:
            return flask.Response(translate(lang, "assessment.bad_request"), status=400,
                                  mimetype="text/plain")
        scope = viewer().scope
        bulletin = gather(read_connection(), scope, period, _indicators(), city_zone())
        name = bulletin_files.file_name(bulletin, scope.code, fmt)
        try:
            printing = self.slots.held(self.wait_seconds) if fmt == "pdf" else nullcontext()
            with printing, tempfile.TemporaryDirectory(prefix="cityops-bulletin-") as work:
                data = bulletin_files.write(lang, bulletin, fmt, Path(work) / name).read_bytes()
        except Busy:
            return flask.Response(translate(lang, "summary.pdf_busy"), status=503,
                                  mimetype="text/plain")
        except PdfFailed as exc:
            return flask.Response(translate(lang, "summary.pdf_failed", reason=str(exc)),
                                  status=500, mimetype="text/plain")
        response = flask.Response(data, mimetype=MIME[fmt])
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def register(app: Dash, context: PageContext) -> None:
    app.server.config[INDICATORS_KEY] = read(context.settings.assessment_file)
    app.server.add_url_rule(BULLETIN_PATH, "bulletin_export", BulletinExport(context.settings),
                            methods=["GET"])
    app.callback(Output("assessment-table", "children"),
                 *[Output(f"assessment-export-{f}", "href") for f in FORMATS],
                 Input("assessment-period", "value"), Input("assessment-grouping", "value"),
                 )(show)
    app.callback(Output("assessment-drill", "children"),
                 Input({"type": FIGURE, "key": ALL, "code": ALL}, "n_clicks"),
                 State("assessment-period", "value"), State("assessment-grouping", "value"),
                 prevent_initial_call=True)(drill_down)
