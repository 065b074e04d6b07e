"""The simulated city follows where people live: districts by their census figures, urban
streets above rural towns (sim/population.py)."""

import numpy as np
import pytest

from sim.population import URBAN_PER_STREET, cell_weights, district_population


def test_district_shares_follow_population_and_streets_their_kind() -> None:
    # District A: an urban street of 2 cells and a town of 8; district B: a town of 10.
    district = np.array(["A"] * 10 + ["B"] * 10)
    street = np.array(["A1"] * 2 + ["A2"] * 8 + ["B1"] * 10)
    urban = np.array([True] * 2 + [False] * 8 + [False] * 10)
    weight = cell_weights(district, street, urban, {"A": 300, "B": 100})
    share = weight / weight.sum()
    assert share[district == "A"].sum() == pytest.approx(0.75)
    assert share[street == "A1"].sum() / share[street == "A2"].sum() == \
        pytest.approx(URBAN_PER_STREET)
    assert share[0] == share[1] and share[10] == share[19]  # cells of a street alike


def test_a_city_without_figures_is_weighted_by_its_streets_kind() -> None:
    district = np.array(["X", "X", "Y"])
    street = np.array(["X1", "X2", "Y1"])
    urban = np.array([True, False, True])
    weight = cell_weights(district, street, urban, {})
    assert weight[0] == weight[2] == URBAN_PER_STREET * weight[1]


def test_the_packaged_figures_sum_to_the_citys_census_total() -> None:
    shanghai = {c: n for c, n in district_population().items() if c.startswith("31")}
    assert len(shanghai) == 16
    # 24,870,895 in the city's bulletin; the district figures sum 85 above it (docs/data.md)
    assert abs(sum(shanghai.values()) - 24_870_895) <= 100
