"""Point -> grid assignment speed on the demo city (see docs/benchmarks.md).

Measures, each as a median of repeated runs:
- our rate: 1,000,000 points inside demo Shanghai -> grid/community/street/district;
- a naive loop: per point, test every grid cell in code order (sampled points);
- on a pure square grid, direct arithmetic binning (cell index, then its code)
  against our assignment of the same points.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import shapely  # noqa: E402

from geo.assignment import Assigner  # noqa: E402
from geo.cells import lattice_for  # noqa: E402
from geo.demo import build_demo  # noqa: E402
from geo.hierarchy import areas_frame, as_multipolygons, level_of  # noqa: E402


def _timed(function, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _points_inside(areas, count: int, rng) -> tuple[np.ndarray, np.ndarray]:
    city = areas[areas["level"] == "city"].geometry.iat[0]
    shapely.prepare(city)
    minx, miny, maxx, maxy = city.bounds
    lon, lat = rng.uniform(minx, maxx, 4 * count), rng.uniform(miny, maxy, 4 * count)
    inside = shapely.contains_xy(city, lon, lat)
    return lon[inside][:count], lat[inside][:count]


def _naive_rate(areas, lon, lat) -> float:
    cells = list(level_of(areas, "grid").geometry.values)
    start = time.perf_counter()
    for x, y in zip(lon, lat, strict=True):
        point = shapely.Point(x, y)
        next((i for i, cell in enumerate(cells) if cell.intersects(point)), -1)
    return len(lon) / (time.perf_counter() - start)


def _square_grid(side: int, size_m: float):
    lattice = lattice_for((121.0, 31.0, 121.0, 31.0), size_m, "square")
    (x0, y0), (dx, dy) = lattice.origin, lattice.step
    ix, iy = np.meshgrid(np.arange(side), np.arange(side))
    ix, iy = ix.ravel(), iy.ravel()
    boxes = shapely.box(x0 + ix * dx, y0 + iy * dy, x0 + (ix + 1) * dx, y0 + (iy + 1) * dy)
    codes = [f"G{j:03d}{i:03d}" for i, j in zip(ix, iy, strict=True)]
    frame = areas_frame({"code": codes, "level": "grid", "name_zh": codes}, as_multipolygons(boxes))
    return frame, lattice


def _binning_ratio(side: int, count: int, repeats: int, rng) -> float:
    grid, lattice = _square_grid(side, 500.0)
    assigner = Assigner(grid, lattice.as_dict())
    (x0, y0), (dx, dy) = lattice.origin, lattice.step
    lon = rng.uniform(x0 - 0.02, x0 + side * dx + 0.02, count)
    lat = rng.uniform(y0 - 0.02, y0 + side * dy + 0.02, count)
    codes = np.append(np.asarray(grid["code"], dtype=object), None)
    # level_of sorts by code, which here is row-major order: index iy*side+ix.

    def binning():
        ix = np.floor((lon - x0) / dx).astype(np.int64)
        iy = np.floor((lat - y0) / dy).astype(np.int64)
        inside = (ix >= 0) & (ix < side) & (iy >= 0) & (iy < side)
        return codes[np.where(inside, iy * side + ix, -1)]

    ours, placed = _timed(lambda: assigner.assign(lon, lat), repeats)
    theirs, binned = _timed(binning, repeats)
    if not (placed["grid_code"].to_numpy(dtype=object, na_value=None) == binned).all():
        raise AssertionError("assignment and binning disagree on the square grid")
    return theirs / ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and naive samples")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    repeats, naive_points = (3, 20) if args.quick else (7, 100)
    rng = np.random.default_rng(args.seed)

    start = time.perf_counter()
    areas = build_demo(seed=args.seed)
    built = time.perf_counter() - start
    start = time.perf_counter()
    assigner = Assigner.from_areas(areas)
    indexed = time.perf_counter() - start
    cells = int((areas["level"] == "grid").sum())
    print(f"demo city: {cells} grid cells, built in {built:.1f} s, indexed in {indexed:.1f} s")

    lon, lat = _points_inside(areas, args.points, rng)
    seconds, placed = _timed(lambda: assigner.assign(lon, lat), repeats)
    rate = len(lon) / seconds
    print(
        f"assign: {len(lon)} points in {seconds:.3f} s = {rate:,.0f} points/s "
        f"({placed['grid_code'].notna().mean():.2%} placed in a cell)"
    )
    naive = _naive_rate(areas, lon[:naive_points], lat[:naive_points])
    print(f"naive loop over {cells} cells: {naive:,.1f} points/s")
    ratio_binning = _binning_ratio(200, args.points, repeats, rng)
    print(f"pure square grid, 200x200 cells: our rate / arithmetic binning = {ratio_binning:.2f}")
    print(
        json.dumps(
            {
                "points_per_s": round(rate),
                "ratio_naive": round(rate / naive, 1),
                "ratio_binning": round(ratio_binning, 3),
                "cells": cells,
            }
        )
    )


if __name__ == "__main__":
    main()
