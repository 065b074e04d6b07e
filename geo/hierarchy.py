"""The city's hierarchy: city -> district -> street -> community -> grid cell.

One table of areas holds every level; this module fixes its columns and the
rules that tie a child to its parent.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geo.levels import LEVELS  # noqa: F401 - the hierarchy's levels, defined once

# Ancestor columns denormalised on every row so that a grid cell answers
# "who is responsible" without walking the tree.
ANCESTOR_COLUMNS: dict[str, str] = {
    "district": "district_code",
    "street": "street_code",
    "community": "community_code",
}

COLUMNS: tuple[str, ...] = (
    "code",
    "level",
    "parent_code",
    "name_zh",
    "name_en",
    "district_code",
    "street_code",
    "community_code",
    "is_generated",
    "source",
    "properties",
    "geometry",
)

CRS = "EPSG:4326"


def parent_level(level: str) -> str | None:
    """The level one step up, or None for the city."""
    index = LEVELS.index(level)
    return LEVELS[index - 1] if index else None


def as_multipolygons(geometries) -> list:
    """Polygonal parts only, always as MultiPolygon (the table's column type)."""
    result = []
    for geometry in geometries:
        parts = shapely.get_parts(geometry)
        polygons = []
        for part in parts:
            if part.geom_type == "Polygon" and not part.is_empty:
                polygons.append(part)
            elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
                polygons.extend(p for p in shapely.get_parts(part) if p.geom_type == "Polygon")
        result.append(shapely.MultiPolygon(polygons) if polygons else shapely.MultiPolygon())
    return result


def areas_frame(records: list[dict] | pd.DataFrame, geometry=None) -> gpd.GeoDataFrame:
    """A GeoDataFrame with exactly the area columns, in order, in WGS84."""
    frame = pd.DataFrame(records).copy()
    if geometry is None:
        geometry = frame.pop("geometry") if "geometry" in frame else [None] * len(frame)
    for column in COLUMNS[:-1]:
        if column not in frame:
            frame[column] = None
    frame["is_generated"] = frame["is_generated"].fillna(False).astype(bool)
    frame["properties"] = [p if isinstance(p, dict) else {} for p in frame["properties"]]
    frame = frame[list(COLUMNS[:-1])]
    for column in (
        "code",
        "parent_code",
        "name_zh",
        "name_en",
        "source",
        *ANCESTOR_COLUMNS.values(),
    ):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return gpd.GeoDataFrame(frame, geometry=list(geometry), crs=CRS)


def fill_ancestors(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Set district/street/community codes on every row from the parent chain."""
    areas = areas.copy()
    by_code = dict(
        zip(areas["code"], zip(areas["level"], areas["parent_code"], strict=True), strict=True)
    )
    for column in ANCESTOR_COLUMNS.values():
        areas[column] = None
    for row, code in enumerate(areas["code"]):
        current = code
        while current in by_code:
            level, parent = by_code[current]
            if level in ANCESTOR_COLUMNS:
                areas.iat[row, areas.columns.get_loc(ANCESTOR_COLUMNS[level])] = current
            current = parent
    return areas


def level_of(areas: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
    """Rows of one level, sorted by code (the order assignment ties break on)."""
    rows = areas[areas["level"] == level]
    return rows.sort_values("code", kind="stable").reset_index(drop=True)
