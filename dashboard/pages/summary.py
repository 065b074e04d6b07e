"""`/summary`: the leaders' daily summary of one day in their area, and its PDF export.

The page picks a day (yesterday by default, on the city's calendar) and shows the numbers
of dashboard/summary; `/export/summary?date=YYYY-MM-DD` prints the same day to a PDF. The
guard lets only the summary's roles reach either, and every query is scoped by the viewer.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import flask
from dash import Dash, Input, Output, dcc, html

from cityops.settings import Settings
from dashboard.context import PageContext
from dashboard.i18n import translate
from dashboard.session import language, viewer
from dashboard.shell import frame
from dashboard.summary.data import gather, yesterday
from dashboard.summary.export_cache import ExportCache
from dashboard.summary.pdf import PdfFailed, export, file_name
from dashboard.summary.slots import Busy, ChromiumSlots
from dashboard.summary.tables import day_label
from dashboard.summary.view import body
from identity.pool import read_connection

PAGE = "summary"
EXPORT_PATH = "/export/summary"
log = logging.getLogger("cityops.dashboard")


def _chosen_day(text: str | None, latest: date) -> date | None:
    """The day asked for; None when it is not a date. Future days are clamped to yesterday."""
    if not text:
        return latest
    try:
        chosen = date.fromisoformat(text[:10])
    except ValueError:
        return None
    return min(chosen, latest)


def _now() -> datetime:
    return datetime.now(UTC)


def layout(**query: str) -> html.Div:
    lang = language()
    latest = yesterday(_now())
    chosen = _chosen_day(query.get("date"), latest) or latest
    return frame(PAGE, [
        html.Div(className="summary-head", children=[
            html.H1(translate(lang, "summary.title")),
            html.Span(id="summary-area", className="summary-area"),
            html.Div(className="summary-controls", children=[
                html.Label(translate(lang, "summary.date"), htmlFor="summary-date",
                           className="summary-date-label"),
                dcc.Input(id="summary-date", type="date", value=chosen.isoformat(),
                          max=latest.isoformat(), className="summary-date", debounce=False),
                html.A(translate(lang, "summary.export"), id="summary-export",
                       className="summary-export", href=f"{EXPORT_PATH}?date={chosen}"),
            ]),
        ]),
        dcc.Loading(html.Div(id="summary-content"), type="dot", color="#5cc8ff"),
    ])


def show(day_text: str | None) -> tuple[list | html.P, str, str]:
    """The callback's work: the body for the chosen day, the area label, the export link."""
    lang = language()
    now = _now()
    latest = yesterday(now)
    chosen = _chosen_day(day_text, latest)
    if chosen is None:
        return html.P(translate(lang, "summary.bad_date"), className="summary-empty"), "", \
            EXPORT_PATH
    with read_connection().cursor() as cur:
        summary = gather(cur, viewer().scope, chosen, now)
    area = translate(lang, "summary.area", area=summary.area_name(lang))
    return body(summary, lang, day_label(lang, chosen, latest)), area, \
        f"{EXPORT_PATH}?date={chosen.isoformat()}"


class Exports:
    """GET /export/summary?date=…: the day's summary of the viewer's area as a PDF, printed
    once per (area, day, language) and by at most `concurrency` Chromiums at a time."""

    def __init__(self, settings: Settings) -> None:
        self.slots = ChromiumSlots(settings.export_dir, settings.export_concurrency)
        self.cache = ExportCache(settings.export_dir / "cache")
        self.wait_seconds = settings.export_wait_seconds

    def __call__(self) -> flask.Response:
        lang = language()
        now = _now()
        latest = yesterday(now)
        chosen = _chosen_day(flask.request.args.get("date"), latest)
        if chosen is None:
            return _text(translate(lang, "summary.bad_date"), 400)
        scope = viewer().scope
        # Keyed by the latest day too: the PDF words a day relative to today ("yesterday")
        # and counts what is overdue now, so none outlives the city's midnight.
        key = ExportCache.key(f"{scope.level}:{scope.code}|{latest.isoformat()}", chosen, lang)
        try:
            with self.slots.only_one(key, self.wait_seconds):
                pdf = self.cache.get(key, chosen, latest)
                if pdf is not None:
                    log.info("summary pdf from cache", extra={"day": chosen.isoformat()})
                else:
                    pdf = self._print(scope, chosen, now, lang)
                    self.cache.put(key, pdf)
        except Busy:
            busy = _text(translate(lang, "summary.pdf_busy"), 503)
            busy.headers["Retry-After"] = str(max(1, round(self.wait_seconds)))
            return busy
        except PdfFailed as exc:
            return _text(translate(lang, "summary.pdf_failed", reason=str(exc)), 500)
        response = flask.Response(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = \
            f'attachment; filename="{file_name(chosen, scope.code)}"'
        return response

    def _print(self, scope, chosen: date, now: datetime, lang: str) -> bytes:
        with read_connection().cursor() as cur:
            summary = gather(cur, scope, chosen, now)
        read_connection().rollback()
        name = file_name(chosen, summary.area_code)
        with self.slots.held(self.wait_seconds), \
                tempfile.TemporaryDirectory(prefix="cityops-export-") as work:
            pdf = export(summary, lang, Path(work) / name).read_bytes()
        log.info("summary pdf printed", extra={"day": chosen.isoformat()})
        return pdf


def _text(message: str, status: int) -> flask.Response:
    return flask.Response(message, status=status, mimetype="text/plain")


def register(app: Dash, context: PageContext) -> None:
    app.server.add_url_rule(EXPORT_PATH, "summary_export", Exports(context.settings),
                            methods=["GET"])
    app.callback(
        Output("summary-content", "children"),
        Output("summary-area", "children"),
        Output("summary-export", "href"),
        Input("summary-date", "value"),
    )(show)
