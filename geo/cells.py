"""Grid cells (网格) generated for any set of parent polygons.

Cells are squares or hexagons of one size laid on a lattice over the parents
and clipped to them, or, with a target count, a lattice per parent sized so
that each parent gets about that many cells. Clipping leaves slivers where a
parent's border grazes a lattice cell; slivers below a fraction of a full
cell are merged into the neighbour of the same parent they share the
longest border with, since no one manages a 20 m² grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

SHAPES: tuple[str, ...] = ("square", "hexagon")
METRES_PER_DEGREE = 6371008.8 * math.pi / 180.0


@dataclass(frozen=True)
class Lattice:
    """Where cells lie: origin and step in degrees (squares: cell = step)."""

    shape: str
    origin: tuple[float, float]
    step: tuple[float, float]

    def as_dict(self) -> dict:
        return {"shape": self.shape, "origin": list(self.origin), "step": list(self.step)}


def lattice_for(bounds, size_m: float, shape: str, snap: bool = True) -> Lattice:
    """A lattice of cells of size_m (side of a square, or a hexagon of equal area)."""
    if shape not in SHAPES:
        raise ValueError(f"unknown cell shape {shape!r}; expected one of {SHAPES}")
    lat0 = (bounds[1] + bounds[3]) / 2
    dy = size_m / METRES_PER_DEGREE
    dx = dy / math.cos(math.radians(lat0))
    if snap:  # a stable origin, so the same size gives the same lattice for any extent
        origin = (math.floor(bounds[0] / dx) * dx, math.floor(bounds[1] / dy) * dy)
    else:
        origin = (bounds[0], bounds[1])
    return Lattice(shape, origin, (dx, dy))


def _squares(lattice: Lattice, bounds) -> np.ndarray:
    (x0, y0), (dx, dy) = lattice.origin, lattice.step
    nx = max(1, math.ceil((bounds[2] - x0) / dx))
    ny = max(1, math.ceil((bounds[3] - y0) / dy))
    ix, iy = np.meshgrid(np.arange(nx), np.arange(ny))
    ix, iy = ix.ravel(), iy.ravel()
    # Edges as x0 + i*dx everywhere, so neighbours share bit-identical edges.
    return shapely.box(x0 + ix * dx, y0 + iy * dy, x0 + (ix + 1) * dx, y0 + (iy + 1) * dy)


def _hexagons(lattice: Lattice, bounds) -> np.ndarray:
    (x0, y0), (dx, dy) = lattice.origin, lattice.step
    # Flat-topped hexagon with the area of a dx-by-dy square (in the local metric plane).
    r = math.sqrt(2.0 / (3.0 * math.sqrt(3.0)))
    column, row = 1.5 * r, math.sqrt(3.0) * r
    nx = max(1, math.ceil((bounds[2] - x0) / (column * dx)) + 2)
    ny = max(1, math.ceil((bounds[3] - y0) / (row * dy)) + 2)
    ix, iy = np.meshgrid(np.arange(-1, nx), np.arange(-1, ny))
    cx = ix.ravel() * column
    cy = iy.ravel() * row + (ix.ravel() % 2) * row / 2
    angles = np.radians(np.arange(0, 360, 60))
    vx = (cx[:, None] + r * np.cos(angles)) * dx + x0
    vy = (cy[:, None] + r * np.sin(angles)) * dy + y0
    ring = np.stack([vx, vy], axis=-1)
    return shapely.polygons(np.concatenate([ring, ring[:, :1]], axis=1))


def _clip(candidates: np.ndarray, parents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pieces of candidates inside parents: (parent index, piece), polygons only."""
    tree = shapely.STRtree(parents)
    cand, parent = tree.query(candidates, predicate="intersects")
    pieces = shapely.intersection(candidates[cand], parents[parent])
    pieces = shapely.get_parts(pieces, return_index=True)
    geoms, owner = pieces
    keep = (shapely.get_type_id(geoms) == 3) & (shapely.area(geoms) > 0)
    # Parts of one cell within one parent (a cell cut by a river) stay one cell.
    frame = gpd.GeoDataFrame({"key": owner[keep]}, geometry=geoms[keep])
    merged = frame.dissolve(by="key", sort=True)
    keys = merged.index.to_numpy()
    return parent[keys], merged.geometry.values


def _merge_slivers(parent: np.ndarray, pieces: np.ndarray, full_area: float, fraction: float):
    small = np.flatnonzero(shapely.area(pieces) < fraction * full_area)
    if not len(small):
        return parent, pieces
    pieces = pieces.copy()
    alive = np.ones(len(pieces), dtype=bool)
    tree = shapely.STRtree(pieces)
    for index in small:
        neighbours = tree.query(pieces[index], predicate="intersects")
        neighbours = [
            n for n in neighbours if n != index and alive[n] and parent[n] == parent[index]
        ]
        if not neighbours:
            continue
        shared = shapely.length(shapely.intersection(pieces[neighbours], pieces[index]))
        target = neighbours[int(np.argmax(shared))]
        if shared.max() <= 0:
            continue
        pieces[target] = shapely.union(pieces[target], pieces[index])
        alive[index] = False
    return parent[alive], pieces[alive]


def grid_cells(
    parents: gpd.GeoDataFrame,
    size_m: float | None = None,
    per_parent: int | None = None,
    shape: str = "square",
    sliver_fraction: float = 0.2,
) -> tuple[gpd.GeoDataFrame, Lattice | None]:
    """Cells clipped to parents, with a parent_code column, ordered by parent.

    Give size_m for one city-wide lattice (returned, for fast binning), or
    per_parent for a lattice per parent (the lattice returned is None).
    """
    if (size_m is None) == (per_parent is None):
        raise ValueError("give exactly one of size_m and per_parent")
    build = _squares if shape == "square" else _hexagons
    geometries = parents.geometry.values
    if size_m is not None:
        lattice = lattice_for(parents.total_bounds, size_m, shape)
        owner, pieces = _clip(build(lattice, parents.total_bounds), np.asarray(geometries))
        full = lattice.step[0] * lattice.step[1]
        owner, pieces = _merge_slivers(owner, pieces, full, sliver_fraction)
    else:
        lattice, owners, parts = None, [], []
        lat0 = parents.total_bounds[[1, 3]].mean()
        for index, geometry in enumerate(geometries):
            area_m2 = geometry.area * METRES_PER_DEGREE**2 * math.cos(math.radians(lat0))
            local = lattice_for(geometry.bounds, math.sqrt(area_m2 / per_parent), shape, snap=False)
            _, piece = _clip(build(local, geometry.bounds), np.asarray([geometry]))
            _, piece = _merge_slivers(
                np.zeros(len(piece)), piece, local.step[0] * local.step[1], sliver_fraction
            )
            owners.append(np.full(len(piece), index))
            parts.append(piece)
        owner, pieces = np.concatenate(owners), np.concatenate(parts)
    order = np.argsort(owner, kind="stable")
    codes = parents["code"].to_numpy()[owner[order]]
    return gpd.GeoDataFrame(
        {"parent_code": codes}, geometry=pieces[order], crs=parents.crs
    ), lattice
