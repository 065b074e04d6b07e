"""Where the simulated city's devices stand: seeded points inside its grid cells.

Cells are drawn by where people live (sim/population.py: districts by their census
population, urban streets far denser than rural towns), for devices and for incidents
alike; each device sits at a random spot of its cell and inherits the cell's codes. Each
cell also has a kind of place (sim/area_kinds.py), which moves incidents by the hour.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from sim import area_kinds, population
from sim.kinds import TYPES, DeviceType, counts


@dataclass
class Cells:
    """The grid cells of the city, as arrays, with the names an address is made of."""

    codes: np.ndarray
    community: np.ndarray
    street: np.ndarray
    district: np.ndarray
    geometry: np.ndarray
    weight: np.ndarray         # the cell's share of the city's people (any scale)
    names: dict[str, str]
    urban: np.ndarray          # the cell lies in an urban street (街道), not a town
    kind: np.ndarray           # the kind of place, an index into area_kinds.KINDS
    city_name: str             # the city's name as an address begins, e.g. 上海市

    @classmethod
    def from_areas(cls, areas: gpd.GeoDataFrame) -> Cells:
        grid = areas[areas["level"] == "grid"].sort_values("code").reset_index(drop=True)
        if grid.empty:
            raise ValueError("the areas have no grid cells")
        names = dict(zip(areas["code"], areas["name_zh"], strict=True))
        city = areas[areas["level"] == "city"]
        city_code = str(city["code"].iloc[0]) if len(city) else ""
        district, street = grid["district_code"].to_numpy(), grid["street_code"].to_numpy()
        street_names = np.array([str(names.get(s, "")) for s in street])
        urban = np.char.endswith(street_names.astype(str), "街道")
        geometry = grid.geometry.to_numpy()
        area = _area(geometry)
        weight = population.cell_weights(district, urban, area)
        kind = area_kinds.classify(city_code, street_names, district, urban, weight, area,
                                   geometry)
        return cls(grid["code"].to_numpy(), grid["community_code"].to_numpy(), street,
                   district, geometry, weight, names, urban, kind,
                   names.get(city_code, "") if city_code else "")

    def pick(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """Indices of `count` cells, drawn by device density."""
        return rng.choice(len(self.codes), size=count, p=self.weight / self.weight.sum())

    def points_in(self, rng: np.random.Generator, cells: np.ndarray) -> tuple[np.ndarray,
                                                                            np.ndarray]:
        """A uniform random point inside each given cell (cells may repeat)."""
        bounds = shapely.bounds(self.geometry[cells])
        lon = np.empty(len(cells))
        lat = np.empty(len(cells))
        todo = np.arange(len(cells))
        for _ in range(20):  # clipped cells at the coast are not full squares
            x = rng.uniform(bounds[todo, 0], bounds[todo, 2])
            y = rng.uniform(bounds[todo, 1], bounds[todo, 3])
            inside = shapely.contains_xy(self.geometry[cells[todo]], x, y)
            lon[todo[inside]], lat[todo[inside]] = x[inside], y[inside]
            todo = todo[~inside]
            if not len(todo):
                break
        if len(todo):
            spots = shapely.point_on_surface(self.geometry[cells[todo]])
            lon[todo], lat[todo] = shapely.get_x(spots), shapely.get_y(spots)
        return lon, lat

    def address(self, cell: int, number: int) -> str:
        district = self.names.get(self.district[cell], "")
        street = self.names.get(self.street[cell], "")
        community = self.names.get(self.community[cell], "")
        return f"{self.city_name}{district}{street}{community}{number}号附近"


def _area(geometry: np.ndarray) -> np.ndarray:
    """Areas in square degrees of latitude: longitude degrees shrink with cos(latitude)."""
    lat = shapely.get_y(shapely.centroid(geometry))
    return shapely.area(geometry) * np.cos(np.radians(lat))


@dataclass
class Devices:
    """Every simulated device, one row per position in these arrays."""

    ids: list[str]
    type_index: np.ndarray
    cell: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    types: tuple[DeviceType, ...] = TYPES  # what type_index counts in


def place(cells: Cells, total: int, seed: int,
          types: tuple[DeviceType, ...] = TYPES) -> Devices:
    """`total` devices of every type over the city, the same ones for the same seed."""
    rng = np.random.default_rng([seed, 101])
    type_index = np.repeat(np.arange(len(types)), counts(total, types))
    where = cells.pick(rng, total)
    lon, lat = cells.points_in(rng, where)
    ids = [f"{types[t].prefix}-{i + 1:06d}" for i, t in enumerate(type_index)]
    return Devices(ids, type_index, where, np.round(lon, 6), np.round(lat, 6), types)
