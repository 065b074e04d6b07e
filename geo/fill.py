"""Communities and grid cells generated under the streets a city already has.

A city that imports its street boundaries (`cityops geo import`) seldom has
community polygons, and almost never grid cells. Here every street without
communities is cut into generated ones (as the demo city's are), and every
community without cells gets a grid, named and coded as the demo's. Only the
missing levels are made, so running it again adds nothing; each street's
communities come from a generator seeded by the seed and the street's code,
so they do not depend on which other streets were filled before.
"""

from __future__ import annotations

import zlib

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import cells
from geo.demo import communities_of, grid_records
from geo.hierarchy import areas_frame, as_multipolygons, fill_ancestors


def _street_rng(seed: int, code: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(code.encode("utf-8"))])


def missing_areas(
    areas: gpd.GeoDataFrame,
    with_children: set[str],
    cell_size_m: float | None = 500.0,
    cells_per_community: int | None = None,
    shape: str = "square",
    seed: int = 1,
) -> gpd.GeoDataFrame:
    """The communities and grid cells to add, ancestors filled (may be empty).

    areas holds the districts, streets and communities there are (grid cells not
    needed); with_children the codes of areas that already have at least one child.
    """
    streets = areas[(areas["level"] == "street") & ~areas["code"].isin(with_children)]
    streets = streets[streets.geometry.notna() & ~streets.geometry.is_empty]  # nothing to cut
    made = [
        community
        for street in streets.sort_values("code").itertuples()
        for community in communities_of(
            {"code": street.code, "name_zh": street.name_zh, "geometry": street.geometry},
            _street_rng(seed, street.code),
            seed,
        )
    ]
    new_communities = areas_frame(made, as_multipolygons([c.pop("geometry") for c in made]))
    existing = areas[(areas["level"] == "community") & ~areas["code"].isin(with_children)]
    bare = pd.concat([existing, new_communities], ignore_index=True)
    bare = bare[~bare.geometry.is_empty].sort_values("code").reset_index(drop=True)
    grid_rows: list[dict] = []
    if len(bare):
        grid, _ = cells.grid_cells(bare, cell_size_m, cells_per_community, shape)
        grid_rows = grid_records(bare, grid, seed)
    grid_frame = areas_frame(grid_rows, as_multipolygons([g.pop("geometry") for g in grid_rows]))
    new = pd.concat([new_communities, grid_frame], ignore_index=True)
    if new.empty:
        return areas_frame([], [])
    # Ancestors walk through the rows above, which are already stored.
    known = pd.concat([areas[areas["level"] != "grid"], new], ignore_index=True)
    filled = fill_ancestors(gpd.GeoDataFrame(known, crs=areas.crs))
    return filled[filled["code"].isin(new["code"])].reset_index(drop=True)
