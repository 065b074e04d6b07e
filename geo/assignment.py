"""Place points in the hierarchy: (lon, lat) -> grid, community, street, district.

A point goes to the grid cell that holds it, and inherits the cell's
community, street and district. Where no grid cell holds it (a level without
cells there, or imported data with gaps) the next level up is tried, so a
point is placed as finely as the data allows. Points outside every area come
back unplaced (all codes None), which is an answer, not an error. On a
border shared by two areas the one with the lowest code wins (see
geo.lookup), so the answer never depends on the order rows were loaded in.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.hierarchy import ANCESTOR_COLUMNS, level_of
from geo.levels import PLACED_LEVELS
from geo.lookup import PolygonIndex

_COVERED = 1e-9  # relative area left uncovered that still counts as covered
RESULT_COLUMNS: tuple[str, ...] = ("grid_code", "community_code", "street_code", "district_code")


class _Level:
    """One level's index, and for each result column the category of every row (-1: none)."""

    def __init__(self, rows: gpd.GeoDataFrame, lattice: dict | None, categories: dict) -> None:
        origin = lattice["origin"] if lattice else None
        step = lattice["step"] if lattice else None
        self.index = PolygonIndex(rows.geometry.values, origin=origin, step=step)
        own = rows["level"].iat[0]
        self.categories = {}
        for column in RESULT_COLUMNS:
            level = column.removesuffix("_code")
            source = "code" if level == own else ANCESTOR_COLUMNS.get(level)
            values = rows[source] if source in rows else pd.Series([None] * len(rows))
            positions = categories[column].get_indexer(values.to_numpy(dtype=object))
            # Trailing -1 so that OUTSIDE (-1) reads "no category".
            self.categories[column] = np.append(positions, -1).astype(np.int32)


def _not_covered(rows: gpd.GeoDataFrame, children: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows whose children leave part of them uncovered: only those need a fallback.

    Children are inside their parents and do not overlap (import checks
    both), so comparing areas tells whether they fill the parent.
    """
    if not len(children):
        return rows
    areas = pd.Series(
        shapely.area(children.geometry.values), index=children["parent_code"].to_numpy()
    )
    covered = areas.groupby(level=0).sum().reindex(rows["code"]).fillna(0).to_numpy()
    own = shapely.area(rows.geometry.values)
    return rows[covered < own * (1 - _COVERED)].reset_index(drop=True)


class Assigner:
    """Built once from the areas (e.g. at service start), then asked many times."""

    def __init__(self, areas: gpd.GeoDataFrame, grid_lattice: dict | None = None) -> None:
        self.levels: list[tuple[str, _Level]] = []
        self.categories = {
            column: pd.Index(
                sorted(areas.loc[areas["level"] == column.removesuffix("_code"), "code"])
            )
            for column in RESULT_COLUMNS
        }
        finer = None
        for level in PLACED_LEVELS:
            rows = level_of(areas, level)
            everything = rows
            if finer is not None:
                rows = _not_covered(rows, finer)
            finer = everything
            if len(rows):
                lattice = grid_lattice if level == "grid" else None
                self.levels.append((level, _Level(rows, lattice, self.categories)))
        if not self.levels:
            raise ValueError("no districts, streets, communities or grid cells to assign to")

    @classmethod
    def from_areas(cls, areas: gpd.GeoDataFrame) -> Assigner:
        """Use the grid lattice recorded on the city row, when the grid was generated."""
        city = areas[areas["level"] == "city"]
        lattice = city["properties"].iat[0].get("grid_lattice") if len(city) else None
        return cls(areas, lattice)

    def assign(self, lon, lat) -> pd.DataFrame:
        """Codes for each point (categorical columns), plus 'level' (finest level placed).

        Unplaced points have missing values (NaN) in every column.
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        (name, level), *coarser = self.levels
        found = level.index.locate(lon, lat)
        result = {column: level.categories[column][found] for column in RESULT_COLUMNS}
        placed_at = np.where(found >= 0, PLACED_LEVELS.index(name), -1).astype(np.int8)
        todo = np.flatnonzero(found < 0)
        for name, level in coarser:
            if not len(todo):
                break
            found = level.index.locate(lon[todo], lat[todo])
            hit = found >= 0
            rows, at = found[hit], todo[hit]
            for column in RESULT_COLUMNS:
                result[column][at] = level.categories[column][rows]
            placed_at[at] = PLACED_LEVELS.index(name)
            todo = todo[~hit]
        # Categoricals: integer positions, not a million Python strings.
        frame = {
            column: pd.Categorical.from_codes(
                result[column], self.categories[column], validate=False
            )
            for column in RESULT_COLUMNS
        }
        frame["level"] = pd.Categorical.from_codes(placed_at, PLACED_LEVELS, validate=False)
        return pd.DataFrame(frame, copy=False)
