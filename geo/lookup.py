"""Which polygon of a set holds each point, for millions of points at once.

Most points are answered by arithmetic: the set's extent is cut into a
lattice of bins, and a bin that lies wholly inside one polygon and touches
no other answers for every point in it. Only points in bins crossed by a
border, or lying within a hair of a bin edge (where floating-point rounding
could put them in the wrong bin), go to the exact path: an STRtree query
with prepared polygons. Bins are aligned with the grid lattice when there is
one, so that on a square grid nearly every bin is answered by arithmetic.

Ties: a point on a border shared by several polygons (boundaries included,
``intersects`` semantics) goes to the one listed first, so callers sort
polygons by code to make the rule "lowest code wins".
"""

from __future__ import annotations

import math

import numpy as np
import shapely

OUTSIDE = -1
_MIXED = -2
_EDGE = 1e-6  # in bin widths: closer than this to a bin edge -> exact path
_SHRINK = 1e-7  # in bin widths: bins are classified on a slightly smaller box
_CHUNK = 1 << 16  # points per pass, so intermediate arrays stay in cache


class PolygonIndex:
    """Point -> position of the (first) polygon that holds it, or OUTSIDE."""

    def __init__(
        self, polygons, origin=None, step=None, subdivide: int = 8, max_bins: int = 4_000_000
    ) -> None:
        self.polygons = np.asarray(polygons, dtype=object)
        shapely.prepare(self.polygons)
        self.tree = shapely.STRtree(self.polygons)
        self._layout(origin, step, subdivide, max_bins)
        self.bins = self._classify()

    def _layout(self, origin, step, subdivide: int, max_bins: int) -> None:
        minx, miny, maxx, maxy = shapely.total_bounds(self.polygons)
        if step is None:
            typical = float(np.median(np.sqrt(shapely.area(self.polygons)))) or 1e-3
            step = (typical, typical)
        sx, sy = step[0] / subdivide, step[1] / subdivide
        while math.ceil((maxx - minx) / sx + 2) * math.ceil((maxy - miny) / sy + 2) > max_bins:
            sx, sy = sx * 2, sy * 2
        ox, oy = origin if origin is not None else (minx, miny)
        # Start one bin before the extent so that every polygon lies strictly inside it.
        self.x0 = ox + (math.floor((minx - ox) / sx) - 1) * sx
        self.y0 = oy + (math.floor((miny - oy) / sy) - 1) * sy
        self.sx, self.sy = sx, sy
        self.nx = math.ceil((maxx - self.x0) / sx) + 2
        self.ny = math.ceil((maxy - self.y0) / sy) + 2

    def _classify(self) -> np.ndarray:
        ix, iy = np.meshgrid(np.arange(self.nx), np.arange(self.ny))
        ix, iy = ix.ravel(), iy.ravel()
        dx, dy = self.sx * _SHRINK, self.sy * _SHRINK
        boxes = shapely.box(
            self.x0 + ix * self.sx + dx,
            self.y0 + iy * self.sy + dy,
            self.x0 + (ix + 1) * self.sx - dx,
            self.y0 + (iy + 1) * self.sy - dy,
        )
        box, polygon = self.tree.query(boxes, predicate="intersects")
        count = np.bincount(box, minlength=len(boxes))
        bins = np.where(count == 0, OUTSIDE, _MIXED).astype(np.int32)
        single = count[box] == 1
        covered = shapely.covers(self.polygons[polygon[single]], boxes[box[single]])
        bins[box[single][covered]] = polygon[single][covered]
        return bins

    def mixed_share(self) -> float:
        """Share of bins that need the exact path (a measure of index quality)."""
        return float(np.mean(self.bins == _MIXED))

    def locate(self, lon, lat) -> np.ndarray:
        """Positions (int32) of the polygons holding each point; OUTSIDE where none."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        result = np.empty(len(lon), dtype=np.int32)
        exact = []
        for start in range(0, len(lon), _CHUNK):
            part = slice(start, start + _CHUNK)
            result[part], todo = self._binned(lon[part], lat[part])
            exact.append(todo + start)
        exact = np.concatenate(exact) if exact else np.empty(0, dtype=np.int64)
        if len(exact):
            result[exact] = self._exact(lon[exact], lat[exact])
        return result

    def _binned(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        fx = (lon - self.x0) / self.sx
        fy = (lat - self.y0) / self.sy
        inside = (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)
        ix = fx.astype(np.int64)
        iy = fy.astype(np.int64)
        near = (np.abs(fx - np.rint(fx)) < _EDGE) | (np.abs(fy - np.rint(fy)) < _EDGE)
        index = np.where(inside, iy * self.nx + ix, 0)
        found = np.where(inside, self.bins[index], OUTSIDE)
        todo = np.flatnonzero((found == _MIXED) | (near & inside))
        return found, todo

    def _exact(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        # Envelope query, then one vectorised exact test per (point, candidate)
        # pair: cheaper than a predicate query that builds prepared tests per point.
        point, polygon = self.tree.query(shapely.points(lon, lat))
        hit = shapely.intersects_xy(self.polygons[polygon], lon[point], lat[point])
        point, polygon = point[hit], polygon[hit]
        first = np.full(len(lon), np.iinfo(np.int32).max, dtype=np.int64)
        np.minimum.at(first, point, polygon)
        return np.where(first == np.iinfo(np.int32).max, OUTSIDE, first).astype(np.int32)
