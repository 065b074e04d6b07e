"""The grid cells of the store's areas, with their parents and a box to scatter points in."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo.store import read_areas


@dataclass(frozen=True)
class Cells:
    codes: np.ndarray          # grid codes
    community: np.ndarray
    street: np.ndarray
    district: np.ndarray
    lon: np.ndarray            # centroids
    lat: np.ndarray
    half_width: np.ndarray     # half the box, in degrees: points stay near their cell
    half_height: np.ndarray
    city_code: str

    def __len__(self) -> int:
        return len(self.codes)

    def districts(self) -> list[str]:
        return sorted(set(self.district.tolist()))

    def points(self, rng: np.random.Generator, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One point in (or right by) each chosen cell: the inner 70% of its box."""
        lon = self.lon[index] + rng.uniform(-0.7, 0.7, len(index)) * self.half_width[index]
        lat = self.lat[index] + rng.uniform(-0.7, 0.7, len(index)) * self.half_height[index]
        return lon, lat


def read_cells(conn) -> Cells:
    areas = read_areas(conn, ["city", "grid"])
    city = areas[areas["level"] == "city"]
    grid = areas[areas["level"] == "grid"].reset_index(drop=True)
    if grid.empty:
        raise ValueError("the store has no grid cells: write the areas first "
                         "(cityops geo build-demo or geo import)")
    bounds = grid.geometry.bounds
    centroids = grid.geometry.representative_point()
    return Cells(codes=grid["code"].to_numpy(), community=grid["community_code"].to_numpy(),
                 street=grid["street_code"].to_numpy(),
                 district=grid["district_code"].to_numpy(),
                 lon=centroids.x.to_numpy(), lat=centroids.y.to_numpy(),
                 half_width=((bounds["maxx"] - bounds["minx"]) / 2).to_numpy(),
                 half_height=((bounds["maxy"] - bounds["miny"]) / 2).to_numpy(),
                 city_code=str(city["code"].iloc[0]) if not city.empty else "310000")
