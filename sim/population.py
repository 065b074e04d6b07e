"""Where people live: a grid cell's share of the city's devices and incidents.

A district gets its share of the city from its census population (sim/data/
population.yaml). Within a district, people are spread over its land by density: a km²
of an urban street (街道) holds `URBAN_DENSITY` times a km² of a rural town (镇, 乡), and
a cell holds its area's worth (cells are clipped at community borders, so many are small).
A district without a figure (another city, or a district missing from the file) is
peopled at the mean density of the districts that have figures, so a city without any
figures is weighted by its streets' kind alone; the simulator's log says so.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

log = logging.getLogger("cityops.sim")

POPULATION_FILE = Path(__file__).with_name("data") / "population.yaml"
# People per km² of an urban street against a rural town. Shanghai's seven central
# districts hold about 23,000 per km² (6.68 million on 289 km²); 金山, a district of
# towns, about 1,400 (0.82 million on 586 km²).
URBAN_DENSITY = 15.0


@lru_cache(maxsize=1)
def district_population() -> dict[str, int]:
    data = yaml.safe_load(POPULATION_FILE.read_text(encoding="utf-8"))
    return {str(code): int(n) for code, n in data["districts"].items()}


def cell_weights(district: np.ndarray, urban: np.ndarray, area: np.ndarray,
                 population: dict[str, int] | None = None) -> np.ndarray:
    """One weight per cell (any scale): the cell's share of the city's people. `area` in
    any unit the same over the city."""
    population = district_population() if population is None else population
    density = np.where(urban, URBAN_DENSITY, 1.0) * area
    codes, index = np.unique(district, return_inverse=True)
    by_district = np.bincount(index, weights=density)
    known = np.array([c in population for c in codes])
    if not known.all():
        log.warning("no census figure: weighted by street kind alone",
                    extra={"districts": [str(c) for c in codes[~known]]})
    figures = np.array([population.get(c, 0) for c in codes], dtype=float)
    per_unit = figures[known].sum() / by_district[known].sum() if known.any() else 1.0
    people = np.where(known, figures, by_district * per_unit)
    return density * (people / by_district)[index]
