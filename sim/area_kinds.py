"""What kind of place a grid cell is, and what that changes: who is there at which hour,
and what they report.

Kinds (sim/data/places.yaml): a commercial street (named, per city), the centre (urban
streets of the dense districts), the urban edge (urban streets of districts of towns),
and towns (镇, 乡). At office hours on working days commercial streets draw people from
everywhere else; in the evening people are home. Every number is data, in places.yaml.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
import yaml

from sim import rhythms

PLACES_FILE = Path(__file__).with_name("data") / "places.yaml"
KINDS = ("commercial", "centre", "edge", "town")
COMMERCIAL, CENTRE, EDGE, TOWN = range(len(KINDS))
BANDS = ("rest", "office", "evening")  # the rest of the time weighs cells by their people
REST, OFFICE, EVENING = range(len(BANDS))


@lru_cache(maxsize=1)
def places() -> dict:
    return yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))


def commercial_streets(city_code: str) -> list[str] | None:
    """The named commercial streets of a city, or None when the data has none for it."""
    return places()["commercial"].get(city_code)


def classify(city_code: str, street_names: np.ndarray, district: np.ndarray,
             urban: np.ndarray, weight: np.ndarray, area: np.ndarray,
             geometry: np.ndarray) -> np.ndarray:
    """The kind of every cell (an index into KINDS); `area` of the cells in any unit."""
    codes, index = np.unique(district, return_inverse=True)
    density = np.bincount(index, weights=weight) / np.bincount(index, weights=area)
    centre = density >= places()["centre_density_share"] * density.max()
    kind = np.where(urban, np.where(centre[index], CENTRE, EDGE), TOWN)
    named = commercial_streets(city_code)
    if named is None:
        named = _standing_in(street_names, index, urban, density, geometry)
    kind[urban & np.isin(street_names, named)] = COMMERCIAL
    return kind


def _standing_in(street_names: np.ndarray, index: np.ndarray, urban: np.ndarray,
                 density: np.ndarray, geometry: np.ndarray) -> list[str]:
    """For a city without named commercial streets: the urban streets nearest the middle
    of its densest district."""
    mine = urban & (index == int(np.argmax(density)))
    if not mine.any():
        return []
    middle = shapely.centroid(geometry[mine])
    x, y = shapely.get_x(middle), shapely.get_y(middle)
    names = street_names[mine]
    streets = np.unique(names)
    distance = [np.hypot(x[names == s].mean() - x.mean(), y[names == s].mean() - y.mean())
                for s in streets]
    return streets[np.argsort(distance)][:places()["streets_standing_in"]].tolist()


def band(t: float) -> int:
    """The hour band at epoch seconds `t` (an index into BANDS), in the city's local time."""
    hour = float(rhythms.local_hour(t))
    start, end = places()["office_hours"]
    if start <= hour < end and int(rhythms.local_weekday(t)) < 5:
        return OFFICE
    start, end = places()["evening_hours"]
    return EVENING if start <= hour < end else REST


def band_weights(weight: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Cells' weights in each band (rows in BANDS order), from their people and kind."""
    uplift = places()["uplift"]
    rows = [np.ones(len(KINDS))] + [np.array([uplift[b][k] for k in KINDS])
                                    for b in BANDS[1:]]
    return np.stack([weight * row[kind] for row in rows])


def category_shares(shares: np.ndarray, subcategories: list[str]) -> np.ndarray:
    """Each kind's category mix (rows in KINDS order, each summing to 1)."""
    table = places()["categories"]
    multiplier = np.array([[table.get(s, {}).get(k, 1.0) for s in subcategories]
                           for k in KINDS])
    mix = multiplier * np.asarray(shares, dtype=float)
    return mix / mix.sum(axis=1, keepdims=True)
