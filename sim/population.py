"""Where people live: a grid cell's share of the city's devices and incidents.

A district gets its share of the city from its census population (sim/data/
population.yaml); within a district an urban street (街道) holds `URBAN_PER_STREET` times
a rural town's (镇, 乡) people, whatever their areas (towns are large and thinly peopled);
within a street every cell weighs the same. A district without a figure (another city,
or a district missing from the file) weighs what its streets weigh at the mean density
of the districts that have figures, so a city without any figures is weighted by its
streets' kind alone.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

POPULATION_FILE = Path(__file__).with_name("data") / "population.yaml"
# People of an urban street against a rural town, in the same district. Shanghai's
# census: 89.3% of residents live in towns and cities (城镇), 10.7% in villages (乡村).
URBAN_PER_STREET = 4.0


@lru_cache(maxsize=1)
def district_population() -> dict[str, int]:
    data = yaml.safe_load(POPULATION_FILE.read_text(encoding="utf-8"))
    return {str(code): int(n) for code, n in data["districts"].items()}


def cell_weights(district: np.ndarray, street: np.ndarray, urban: np.ndarray,
                 population: dict[str, int] | None = None) -> np.ndarray:
    """One weight per cell (any scale): the cell's share of the city's people."""
    population = district_population() if population is None else population
    _streets, first, street_index, cells_in = np.unique(
        street, return_index=True, return_inverse=True, return_counts=True)
    street_kind = np.where(urban, URBAN_PER_STREET, 1.0)
    # A street's weight, and its district, from its first cell.
    street_weight = street_kind[first]
    street_district = district[first]
    by_district = {d: street_weight[street_district == d].sum()
                   for d in np.unique(street_district)}
    known = [d for d in by_district if d in population]
    per_unit = (sum(population[d] for d in known) / sum(by_district[d] for d in known)
                if known else 1.0)
    people = {d: population.get(d, by_district[d] * per_unit) for d in by_district}
    street_people = np.array([people[d] * w / by_district[d]
                              for d, w in zip(street_district, street_weight, strict=True)])
    return street_people[street_index] / cells_in[street_index]
