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
from shapely import affinity

from geo.cells import METRES_PER_DEGREE
from geo.cities import CENTRAL_DISTRICTS

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
PALETTE = ["#dbe9f6", "#fde2c8", "#d9f0d3", "#efdcef", "#fff2b3", "#d5eef0", "#f7d6d6", "#e4e0f5"]
# The inner city around a centre point: the districts within this distance of it.
CENTRE_RADIUS_M = 12_000.0


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


def map_centre(areas: gpd.GeoDataFrame, given: tuple[float, float] | None) -> tuple[float, float]:
    """The point a map centres on: the one given (CITYOPS_MAP_CENTRE), else the city's centroid."""
    if given is not None:
        return given
    districts = areas[areas["level"] == "district"]
    middle = shapely.centroid(shapely.union_all(districts.geometry.values))
    return middle.x, middle.y


def central_districts(
    areas: gpd.GeoDataFrame, given: tuple[float, float] | None = None
) -> gpd.GeoDataFrame:
    """The inner city: a city's chosen central districts when no centre point is given,
    else the districts within CENTRE_RADIUS_M of the centre (at least the nearest one)."""
    districts = areas[areas["level"] == "district"]
    city = areas.loc[areas["level"] == "city", "code"]
    chosen = CENTRAL_DISTRICTS.get(city.iat[0]) if len(city) and given is None else None
    if chosen:
        return districts[districts["code"].isin(chosen)]
    lon, lat = map_centre(areas, given)
    radius = CENTRE_RADIUS_M / METRES_PER_DEGREE  # degrees of latitude; the disc's x is wider
    disc = affinity.scale(
        shapely.Point(lon, lat).buffer(radius), 1 / math.cos(math.radians(lat)), 1.0
    )
    distance = shapely.distance(districts.geometry.values, shapely.Point(lon, lat))
    near = shapely.intersects(districts.geometry.values, disc) | (distance == distance.min())
    return districts[near]


def _title(areas: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, centre: bool) -> str:
    city = areas[areas["level"] == "city"]
    name = city["name_zh"].iat[0] if len(city) else "城市"
    demo = " (演示)" if areas.loc[areas["level"] == "street", "is_generated"].any() else ""
    if centre:
        return f"{name}{demo} 中心城区: 区、街道与网格"
    streets = int((areas["level"] == "street").sum())
    return f"{name}{demo}: {len(districts)} 个区、{streets} 个街道/镇与网格"


def city_map(
    areas: gpd.GeoDataFrame, centre: bool = False, centre_point: tuple[float, float] | None = None
) -> go.Figure:
    """Districts filled, streets and grid cells outlined; centre=True zooms on the inner city
    (around centre_point, CITYOPS_MAP_CENTRE, when given)."""
    districts = areas[areas["level"] == "district"]
    if centre:
        districts = central_districts(areas, centre_point)
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
    title = _title(areas, districts, centre)
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
