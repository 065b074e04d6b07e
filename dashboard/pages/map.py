"""The map, /map (态势地图): the wall's map for a desk, with layers to switch and areas to open.

The figure is the wall's own (layers/figure.py) with hover and click on. A click on an
area's name, a name in the side list or a step of the breadcrumb opens that area
(district → its streets → their communities and grid cells); layers/drill.py decides
whether the viewer may see it, so a hand-made request for another district's street gets
a refusal and no map. Switching a layer off only hides its traces (a Patch of `visible`),
without asking the database again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import dash
from dash import ALL, Dash, Input, Output, Patch, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.context import PageContext
from dashboard.i18n import translate
from dashboard.session import language, viewer
from dashboard.shell import frame
from geo.levels import LEVELS
from identity.pool import read_connection
from identity.scope import Scope
from layers import LAYERS, legend_for, names
from layers.drill import AREA, area_scope, clicked_code
from layers.figure import MapOptions, build
from layers.frame import area_name

PAGE = "map"
TILE_KEY = "CITYOPS_MAP_PAGE_TILE_URL"  # the app's config holds the settings' tile server
GRAPH_CONFIG = {"displayModeBar": False, "scrollZoom": True, "responsive": True,
                "doubleClick": "reset"}
CRUMB, PART = "map-crumb", "map-part"


@dataclass(frozen=True)
class View:
    """One area's map as the page shows it."""

    figure: dict
    trail: list[tuple[str, str]]   # (code, label) from the viewer's own area down to this
    parts: list[tuple[str, str]]   # (code, name) of the areas one level down
    traces: list[str]              # the layer of each trace, in the figure's order
    level: str = "city"            # the area's level, for the legend


def lineage(own: Scope, place: tuple) -> list[tuple[str, str]]:
    """(level, code) of each step from the viewer's own area down to `place`, an areas
    row (level, code, district, street, community) already known to lie inside `own`."""
    level, code, district, street, community = place
    codes = {"city": own.code if own.level == "city" else None, "district": district,
             "street": street, "community": community,
             "grid": code if level == "grid" else None}
    codes[level] = code
    start, end = LEVELS.index(own.level), LEVELS.index(level)
    return [(step, codes[step]) for step in LEVELS[start:end + 1] if codes[step]]


def layer_of(trace_name: str) -> str:
    """A trace's layer: layers name their traces `<layer>` or `<layer>-<part>`."""
    return trace_name.split("-", 1)[0]


def visibility(traces: list[str], shown: list[str] | None) -> list[bool]:
    """Which traces to draw, given the layers ticked in the list."""
    chosen = set(shown or [])
    return [layer in chosen for layer in traces]


def parts_of(figure: dict) -> list[tuple[str, str]]:
    """The named areas of a figure (its `names` trace), each with its code."""
    for trace in figure.get("data", []):
        if trace.get("name") == names.NAME:
            return list(zip(trace.get("customdata", []), trace.get("text", []), strict=True))
    return []


def chosen_code(triggered: list[dict] | None) -> str | None:
    """The area asked for by what fired the callback: a click on the map's names, or a
    click on a breadcrumb step or a name in the list (pattern ids carrying the code).
    Components merely added to the page fire with no clicks: they choose nothing."""
    for item in triggered or []:
        prop, value = str(item.get("prop_id", "")), item.get("value")
        if prop == "map-figure.clickData":
            return clicked_code(value)
        if not prop.startswith("{") or not value:
            continue
        try:
            ident = json.loads(prop.rsplit(".", 1)[0])
        except ValueError:
            continue
        if not isinstance(ident, dict) or ident.get("type") not in (CRUMB, PART):
            continue
        code = ident.get("code")
        if isinstance(code, str) and code.isdigit():
            return code
    return None


def _label(cur, level: str, code: str, lang: str) -> str:
    if level == "city":
        return translate(lang, "map.city")
    return area_name(cur, code, lang) or code


def view(cur, own: Scope, code: str, lang: str, now: datetime, tile_url: str = ""
         ) -> View | None:
    """The map of area `code` for a viewer whose scope is `own`; None when the area is not
    theirs to see (layers/drill.py)."""
    scope = area_scope(cur, own, code)
    if scope is None:
        return None
    cur.execute(AREA, (code,))
    place = cur.fetchone()
    trail = [(step, _label(cur, level, step, lang)) for level, step in lineage(own, place)]
    figure, _memory = build(cur, scope, now, MapOptions(lang=lang, tile_url=tile_url,
                                                        interactive=True))
    traces = [layer_of(str(trace.get("name", ""))) for trace in figure["data"]]
    return View(figure, trail, parts_of(figure), traces, scope.level)


def _shown(figure: dict, traces: list[str], shown: list[str] | None) -> dict:
    for trace, visible in zip(figure["data"], visibility(traces, shown), strict=True):
        trace["visible"] = visible
    return figure


def trail_items(trail: list[tuple[str, str]]) -> list[html.Li]:
    """The breadcrumb: every step a button back to it, the last one the area shown."""
    items = [html.Li(html.Button(label, id={"type": CRUMB, "code": code}, n_clicks=0,
                                 className="map-crumb-button"), className="map-crumb")
             for code, label in trail[:-1]]
    if trail:
        items.append(html.Li(trail[-1][1], className="map-crumb map-crumb-current",
                             id="map-current", **{"aria-current": "page"}))
    return items


def part_items(lang: str, parts: list[tuple[str, str]]) -> list[html.Li]:
    if not parts:
        return [html.Li(translate(lang, "map.parts.none"), className="map-part-none")]
    return [html.Li(html.Button(name, id={"type": PART, "code": code}, n_clicks=0,
                                className="map-part-button"), className="map-part")
            for code, name in parts]


def legend_items(lang: str, level: str) -> list[html.Li]:
    """What the map draws at this level: the legend changes as one drills down."""
    return [html.Li(className=f"map-legend-entry shape-{entry.shape}", children=[
                html.Span(className="map-legend-mark", style={"--mark": entry.colour}),
                html.Span(translate(lang, entry.key))])
            for layer in LAYERS for entry in legend_for(level, layer)]


def _side(lang: str, found: View) -> html.Aside:
    return html.Aside(className="map-side", children=[
        html.H2(translate(lang, "map.layers"), className="map-side-title"),
        dcc.Checklist(id="map-layers", className="map-layers",
                      options=[{"label": translate(lang, f"layers.{layer.NAME}"),
                                "value": layer.NAME} for layer in LAYERS],
                      value=[layer.NAME for layer in LAYERS],
                      labelClassName="map-layer", inputClassName="map-layer-box"),
        html.H2(translate(lang, "map.parts"), className="map-side-title"),
        html.Ul(part_items(lang, found.parts), id="map-parts", className="map-parts"),
        html.H2(translate(lang, "map.legend"), className="map-side-title"),
        html.Ul(legend_items(lang, found.level), id="map-legend", className="map-legend"),
    ])


def layout(area: str = "", **_query: str) -> html.Div:
    """`?area=<code>` opens that area directly, if it is the viewer's to see."""
    lang = language()
    own = viewer().scope
    tile_url = dash.get_app().server.config.get(TILE_KEY, "")
    now = datetime.now(UTC)
    with read_connection().cursor() as cur:
        found = (view(cur, own, area, lang, now, tile_url) if area.isdigit() else None) \
            or view(cur, own, own.code, lang, now, tile_url)
    read_connection().rollback()
    if found is None:  # a worker, or an area without a row: the shell refuses or shows none
        found = View({"data": [], "layout": {}}, [], [], [])
    return frame(PAGE, html.Div(className="map-screen", children=[
        html.Header(className="map-head", children=[
            html.H1(translate(lang, "map.title"), className="map-title"),
            html.Nav(html.Ol(trail_items(found.trail), id="map-trail", className="map-trail"),
                     className="map-trail-nav", **{"aria-label": translate(lang, "map.trail")}),
            html.Span(translate(lang, "map.hint"), className="map-hint"),
            html.Span("", id="map-message", className="map-message", role="status"),
        ]),
        html.Div(className="map-body", children=[
            html.Section(className="map-panel", children=[
                dcc.Graph(id="map-figure", className="map-figure", config=GRAPH_CONFIG,
                          figure=found.figure)]),
            _side(lang, found),
        ]),
        dcc.Store(id="map-traces", data=found.traces),
    ]))


def register(app: Dash, context: PageContext) -> None:
    app.server.config[TILE_KEY] = context.settings.map_tile_url

    @app.callback(Output("map-figure", "figure"), Output("map-trail", "children"),
                  Output("map-parts", "children"), Output("map-traces", "data"),
                  Output("map-message", "children"), Output("map-legend", "children"),
                  Input("map-figure", "clickData"),
                  Input({"type": CRUMB, "code": ALL}, "n_clicks"),
                  Input({"type": PART, "code": ALL}, "n_clicks"),
                  State("map-layers", "value"), prevent_initial_call=True)
    def open_area(_click, _crumbs, _parts, shown: list[str] | None) -> tuple:
        code = chosen_code(dash.ctx.triggered)
        if code is None:
            raise PreventUpdate
        lang = language()
        with read_connection().cursor() as cur:
            found = view(cur, viewer().scope, code, lang, datetime.now(UTC),
                         context.settings.map_tile_url)
        read_connection().rollback()
        if found is None:
            keep = dash.no_update
            return keep, keep, keep, keep, translate(lang, "map.refused"), keep
        return (_shown(found.figure, found.traces, shown), trail_items(found.trail),
                part_items(lang, found.parts), found.traces, "",
                legend_items(lang, found.level))

    @app.callback(Output("map-figure", "figure", allow_duplicate=True),
                  Input("map-layers", "value"), State("map-traces", "data"),
                  prevent_initial_call=True)
    def switch_layers(shown: list[str] | None, traces: list[str] | None) -> Patch:
        if not traces:
            raise PreventUpdate
        figure = Patch()
        for k, visible in enumerate(visibility(traces, shown)):
            figure["data"][k]["visible"] = visible
        return figure
