"""The wall screen, /wall (一屏观全域): the viewer's whole area at a glance, nothing to click.

The page is an empty frame; its one server callback draws everything on load and then
refreshes every `context.refresh_ms` with Patches (dashboard/wall/screen.py). A line of
browser script tells the server how wide the screen is, so a 4K wall gets larger markers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dash
from dash import Dash, Input, Output, State, dcc, html

from alerts.cases.severity import MOST_SEVERE_FIRST as SEVERITIES
from dashboard.context import PageContext
from dashboard.i18n import translate
from dashboard.session import language, viewer
from dashboard.shell import frame
from dashboard.wall import freshness, screen
from dashboard.wall.vitals import TEXT_IDS
from identity.pool import read_connection, reads_from_replica
from layers import LAYERS, legend_for
from layers.frame import area_name
from screens.wall.city import SOURCES
from store import replica

PAGE = "wall"
REFRESH_KEY = "CITYOPS_WALL_REFRESH_MS"  # the app's config holds the context's period
ZONE_KEY = "CITYOPS_WALL_ZONE"  # and the city's time zone, for the clock
CLOCK_JS = """
function(_n) {
  const el = document.getElementById('wall-clock');
  const zone = el.dataset.zone, lang = el.dataset.lang === 'en' ? 'en-GB' : 'zh-CN';
  const now = new Date();
  const date = now.toLocaleDateString(lang, {timeZone: zone, month: 'long', day: 'numeric',
                                             weekday: 'short'});
  const time = now.toLocaleTimeString(lang, {timeZone: zone, hour12: false});
  return date + ' ' + time;
}
"""
GRAPH_CONFIG = {"displayModeBar": False, "staticPlot": True, "responsive": True}


def _tile(lang: str, key: str, *, note: bool = False, parts: list | None = None,
          tone: str = "") -> html.Div:
    children = [html.Div(translate(lang, f"wall.tile.{key}"), className="wall-tile-label"),
                html.Div("–", id=f"wall-value-{key}", className="wall-tile-value")]
    if note:
        children.append(html.Div("", id=f"wall-note-{key}", className="wall-tile-note"))
    if parts:
        children.append(html.Div(parts, className="wall-tile-parts"))
    return html.Div(children, className=f"wall-tile {tone}".strip(), id=f"wall-tile-{key}")


def _part(lang: str, label_key: str, value_id: str, tone: str) -> html.Div:
    return html.Div(className=f"wall-part {tone}", children=[
        html.Span(translate(lang, label_key), className="wall-part-label"),
        html.Span("–", id=value_id, className="wall-part-value")])


def _tiles(lang: str) -> html.Div:
    severities = [_part(lang, f"wall.severity.{s}", f"wall-value-sev-{s}", f"severity-{s}")
                  for s in SEVERITIES]
    sources = [_part(lang, f"wall.source.{s}", f"wall-value-src-{s}", f"source-{s}")
               for s in SOURCES]
    return html.Div(className="wall-tiles", children=[
        _tile(lang, "devices_online", note=True, tone="tone-ok"),
        _tile(lang, "open_cases", parts=severities),
        _tile(lang, "overdue", tone="tone-alarm"),
        _tile(lang, "incidents_today", parts=sources),
        _tile(lang, "dispatch_time"),
        _tile(lang, "close_time"),
        _tile(lang, "on_time", note=True, tone="tone-ok"),
    ])


def _legend(lang: str, level: str) -> html.Ul:
    """What the map draws at the viewer's level (counts per part above a street)."""
    entries = [entry for layer in LAYERS for entry in legend_for(level, layer)]
    return html.Ul(id="wall-legend", className="wall-legend", children=[
        html.Li(className=f"wall-legend-entry shape-{entry.shape}", children=[
            html.Span(className="wall-legend-mark", style={"--mark": entry.colour}),
            html.Span(translate(lang, entry.key))])
        for entry in entries])


def layout(**_query: str) -> html.Div:
    lang = language()
    scope = viewer().scope
    with read_connection().cursor() as cur:
        place = area_name(cur, scope.code, lang) if scope.level != "city" else None
    read_connection().rollback()
    place = place or translate(lang, "wall.scope.city")
    return frame(PAGE, html.Div(id="wall-screen", className="wall-screen", children=[
        html.Header(className="wall-head", children=[
            html.H1(translate(lang, "wall.title"), className="wall-title"),
            html.Span(translate(lang, "wall.subtitle"), className="wall-subtitle"),
            html.Span(place, id="wall-place", className="wall-place"),
            html.Span("", id="wall-updated", className="wall-fresh"),
            html.Span("", id="wall-replica", className="wall-replica"),
            html.Time("", id="wall-clock", className="wall-clock",
                      **{"data-zone": _zone(), "data-lang": lang}),
        ]),
        _tiles(lang),
        html.Section(className="wall-map-panel", children=[
            dcc.Graph(id="wall-map", className="wall-map", config=GRAPH_CONFIG,
                      figure={"data": [], "layout": {"paper_bgcolor": "rgba(0,0,0,0)",
                                                     "plot_bgcolor": "rgba(0,0,0,0)",
                                                     "xaxis": {"visible": False},
                                                     "yaxis": {"visible": False}}}),
            _legend(lang, scope.level),
        ]),
        html.Aside(className="wall-side", children=[
            html.H2(translate(lang, "wall.trend.title"), className="wall-side-title"),
            dcc.Graph(id="wall-trend", className="wall-trend", config=GRAPH_CONFIG,
                      figure={"data": [], "layout": {"paper_bgcolor": "rgba(0,0,0,0)",
                                                     "plot_bgcolor": "rgba(0,0,0,0)"}}),
            html.H2(translate(lang, "wall.ticker.title"), className="wall-side-title"),
            html.Ul(id="wall-ticker", className="wall-ticker"),
        ]),
        dcc.Store(id="wall-width"),
        dcc.Store(id="wall-memory"),
        dcc.Interval(id="wall-tick", interval=_refresh_ms(), n_intervals=0),
        dcc.Interval(id="wall-second", interval=1000, n_intervals=0),
    ]), full_screen=True)


def _zone() -> str:
    return dash.get_app().server.config.get(ZONE_KEY, "UTC")


def _refresh_ms() -> int:
    return dash.get_app().server.config.get(REFRESH_KEY, 5000)


OUTPUTS = [Output("wall-map", "figure"), Output("wall-trend", "figure"),
           Output("wall-ticker", "children"), Output("wall-memory", "data"),
           Output("wall-updated", "children"), Output("wall-updated", "className"),
           Output("wall-replica", "children"), Output("wall-replica", "className"),
           *(Output(f"wall-{key}", "children") for key in TEXT_IDS)]


def _answer(update: screen.Update, lang: str, now: datetime,
            replica: tuple[str, str]) -> tuple:
    keep = dash.no_update
    return (update.map if update.map is not None else keep,
            update.trend if update.trend is not None else keep,
            update.ticker if update.ticker is not None else keep,
            update.memory if update.memory is not None else keep,
            *update.fresh, *replica,
            *(update.texts.get(key, keep) for key in TEXT_IDS))


def register(app: Dash, context: PageContext) -> None:
    app.server.config[REFRESH_KEY] = context.refresh_ms
    app.server.config[ZONE_KEY] = context.settings.time_zone
    # The clock ticks in the browser, in the city's time zone: no request a second.
    app.clientside_callback(CLOCK_JS, Output("wall-clock", "children"),
                            Input("wall-second", "n_intervals"))
    tile_url = context.settings.map_tile_url
    # The screen's width, once, in the browser: no request, no state on the server.
    app.clientside_callback("function(id) { return window.innerWidth; }",
                            Output("wall-width", "data"), Input("wall-screen", "id"))

    @app.callback(*OUTPUTS, Input("wall-tick", "n_intervals"), Input("wall-width", "data"),
                  State("wall-memory", "data"))
    def refresh(_tick: int, width: int | None, memory: dict | None) -> tuple:
        lang = language()
        now = datetime.now(UTC)
        look = screen.Look(lang, screen.screen_scale(width), tile_url)
        with read_connection().cursor() as cur:
            update = screen.refresh(cur, viewer().scope, now, look, memory)
            lag = replica.lag(cur) if reads_from_replica() else None
        read_connection().rollback()
        return _answer(update, lang, now, freshness.replica_line(lang, lag))
