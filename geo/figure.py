"""The city map as a picture: districts, streets and grid cells, Chinese labels.

Drawn on plain axes (no map tiles, no glyph server), so it renders offline;
longitude is stretched by 1/cos(latitude) so that shapes keep their form.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go
import shapely

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
PALETTE = ["#dbe9f6", "#fde2c8", "#d9f0d3", "#efdcef", "#fff2b3", "#d5eef0", "#f7d6d6", "#e4e0f5"]
CENTRE = ("310101", "310104", "310105", "310106", "310107", "310109", "310110")


def _outline(geometries) -> tuple[np.ndarray, np.ndarray]:
    """All rings as one line, broken by NaN, so a whole level is one trace."""
    rings = shapely.get_rings(shapely.get_parts(np.asarray(geometries, dtype=object)))
    xs, ys = [], []
    for ring in rings:
        xy = shapely.get_coordinates(ring)
        xs += [xy[:, 0], [np.nan]]
        ys += [xy[:, 1], [np.nan]]
    return np.concatenate(xs), np.concatenate(ys)


def _line(geometries, width: float, colour: str, name: str) -> go.Scatter:
    x, y = _outline(geometries)
    return go.Scatter(
        x=x, y=y, mode="lines", line={"width": width, "color": colour}, name=name, hoverinfo="skip"
    )


def _labels(rows: gpd.GeoDataFrame, size: int, colour: str) -> go.Scatter:
    points = shapely.point_on_surface(rows.geometry.values)
    return go.Scatter(
        x=shapely.get_x(points),
        y=shapely.get_y(points),
        mode="text",
        text=list(rows["name_zh"]),
        textfont={"family": FONT, "size": size, "color": colour},
        showlegend=False,
    )


def city_map(areas: gpd.GeoDataFrame, centre: bool = False) -> go.Figure:
    """Districts filled, streets and grid cells outlined; centre=True zooms on the inner city."""
    districts = areas[areas["level"] == "district"]
    if centre:
        districts = districts[districts["code"].isin(CENTRE)]
    keep = areas["district_code"].isin(districts["code"])
    streets = areas[keep & (areas["level"] == "street")]
    grid = areas[keep & (areas["level"] == "grid")]
    figure = go.Figure()
    for number, (_, row) in enumerate(districts.iterrows()):
        x, y = _outline([row.geometry])
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                fill="toself",
                line={"width": 0},
                fillcolor=PALETTE[number % len(PALETTE)],
                showlegend=False,
                hoverinfo="skip",
            )
        )
    figure.add_trace(_line(grid.geometry.values, 0.3, "rgba(90,90,90,0.45)", "网格 grid cell"))
    figure.add_trace(_line(streets.geometry.values, 1.0, "#3b6ea5", "街道/镇 street or town"))
    figure.add_trace(_line(districts.geometry.values, 2.4, "#1b1b1b", "区 district"))
    if centre:
        figure.add_trace(_labels(streets, 12, "#17324f"))
    figure.add_trace(_labels(districts, 26 if centre else 20, "#000000"))
    minx, miny, maxx, maxy = districts.total_bounds
    ratio = 1 / math.cos(math.radians((miny + maxy) / 2))
    title = (
        "上海市 (演示) 中心城区: 区、街道与网格"
        if centre
        else "上海市 (演示): 16 个区、216 个街道/镇与网格"
    )
    figure.update_layout(
        title={"text": title, "font": {"family": FONT, "size": 28}},
        font={"family": FONT},
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"x": 0.01, "y": 0.01, "font": {"size": 16}, "bgcolor": "rgba(255,255,255,0.8)"},
        margin={"l": 20, "r": 20, "t": 70, "b": 20},
    )
    figure.update_xaxes(visible=False, range=[minx, maxx])
    figure.update_yaxes(visible=False, range=[miny, maxy], scaleanchor="x", scaleratio=ratio)
    return figure


def write_png(
    figure: go.Figure,
    path: str | Path,
    width: int = 1800,
    height: int = 1800,
    browser: str = "/usr/bin/chromium",
) -> None:
    """Export with kaleido, driving the given Chrome/Chromium (no download, no network)."""
    import kaleido

    kaleido.write_fig_sync(
        figure,
        path=str(path),
        opts={"width": width, "height": height, "format": "png"},
        kopts={"path": browser},
    )
