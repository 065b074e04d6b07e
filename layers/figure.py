"""The map figure: every chosen layer over the area, on plain lon/lat axes, and its refresh.

`build` draws the whole figure and says what the screen keeps (`memory`); `refresh`
answers with a `dash.Patch` of only what changed since that memory, or a whole new figure
when a layer's shape changed (devices added, the geography reloaded). No map library is
used: Plotly's cartesian axes with an equal-area aspect need no styles, glyphs or tiles,
so an intranet without internet draws the same map (see layers/basemap.py for tiles).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType

from dash import Patch

from identity.scope import Scope
from layers import by_name
from layers.basemap import tile_images
from layers.frame import Frame, make_frame
from layers.patching import patch_memory

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
VERSION = 1  # of the memory's layout; a screen holding another version is redrawn


@dataclass(frozen=True)
class MapOptions:
    lang: str = "zh-CN"
    tile_url: str = ""
    layers: tuple[str, ...] | None = None  # None: all registered layers
    interactive: bool = False  # hover and click (drill-down); the wall has neither
    cell_metric: str = "open_cases"
    scale: float = 1.0  # marker, line and text sizes: the screen's width / 1920 px


def _query(layer: ModuleType, cur, scope: Scope, frame: Frame, options: MapOptions,
           refresh: bool = False):
    if layer.NAME == "cells":
        return layer.query(cur, scope, frame, metric=options.cell_metric)
    if refresh and hasattr(layer, "refresh_query"):
        return layer.refresh_query(cur, scope, frame)
    return layer.query(cur, scope, frame)


def axes_layout(frame: Frame, options: MapOptions) -> dict:
    layout = {
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "showlegend": False,
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "color": "#cfe0ff"},
        "hovermode": "closest" if options.interactive else False,
        "dragmode": "pan" if options.interactive else False,
        "xaxis": {"visible": False, "fixedrange": not options.interactive},
        "yaxis": {"visible": False, "fixedrange": not options.interactive,
                  "scaleanchor": "x",
                  # A degree of longitude is cos(latitude) of a degree of latitude.
                  "scaleratio": 1 / max(math.cos(math.radians(frame.centre_lat)), 0.05)},
    }
    if frame.extent is not None:
        lon0, lat0, lon1, lat1 = frame.extent
        pad_x, pad_y = (lon1 - lon0) * 0.02, (lat1 - lat0) * 0.02
        layout["xaxis"]["range"] = [lon0 - pad_x, lon1 + pad_x]
        layout["yaxis"]["range"] = [lat0 - pad_y, lat1 + pad_y]
        if options.tile_url:
            layout["images"] = tile_images(options.tile_url, frame.extent)
    return layout


def _key(scope: Scope, frame: Frame, options: MapOptions, counts: list[int]) -> list:
    names = [layer.NAME for layer in by_name(options.layers)]
    return [VERSION, scope.level, scope.code, options.lang, options.tile_url,
            options.cell_metric, options.scale, names, list(frame.extent or []), counts]


def build(cur, scope: Scope, now: datetime, options: MapOptions = MapOptions()
          ) -> tuple[dict, dict]:
    """The whole figure, and the memory a refresh starts from."""
    frame = make_frame(cur, scope, now)
    layers = by_name(options.layers)
    data, memory, counts = [], {}, []
    for layer in layers:
        found = _query(layer, cur, scope, frame, options)
        drawn = layer.traces(found, options.lang, options.scale)
        data.extend(drawn)
        counts.append(len(drawn))
        memory[layer.NAME] = layer.memory(found)
    figure = {"data": data, "layout": axes_layout(frame, options)}
    figure["layout"]["uirevision"] = f"{scope.level}:{scope.code}"
    return figure, {"key": _key(scope, frame, options, counts), "layers": memory}


def refresh(cur, scope: Scope, now: datetime, memory: dict | None, kept: Patch,
            options: MapOptions = MapOptions()) -> tuple[dict | Patch, dict | None]:
    """What the screen needs now, given what its `memory` says it drew.

    Usually (Patch of the figure, None), having written the memory's changes into `kept`
    (a Patch at the memory's place in the screen's store). When only a full redraw will
    do: (figure, memory), both whole.
    """
    frame = make_frame(cur, scope, now)
    layers = by_name(options.layers)
    if not memory or memory.get("key", [None])[:-1] != _key(scope, frame, options, [])[:-1]:
        return build(cur, scope, now, options)
    figure = Patch()
    offset = 0
    for layer, count in zip(layers, memory["key"][-1], strict=True):
        if not getattr(layer, "LIVE", True):
            offset += count
            continue
        found = _query(layer, cur, scope, frame, options, refresh=True)
        old = memory["layers"].get(layer.NAME) or {}
        if not layer.patch([figure["data"][offset + k] for k in range(count)], old, found):
            return build(cur, scope, now, options)
        patch_memory(kept["layers"], layer.NAME, old, layer.memory(found))
        offset += count
    return figure, None
