"""The simulated city follows where people live: districts by their census figures, urban
streets far denser than rural towns (sim/population.py)."""

import numpy as np
import pytest

from sim.population import URBAN_DENSITY, cell_weights, district_population


def test_district_shares_follow_population_and_streets_their_kind() -> None:
    # District A: an urban street of 2 cells and a town of 8; district B: a town of 10.
    district = np.array(["A"] * 10 + ["B"] * 10)
    urban = np.array([True] * 2 + [False] * 8 + [False] * 10)
    area = np.ones(20)
    weight = cell_weights(district, urban, area, {"A": 300, "B": 100})
    share = weight / weight.sum()
    assert share[district == "A"].sum() == pytest.approx(0.75)
    assert share[0] / share[2] == pytest.approx(URBAN_DENSITY)  # per km², street vs town
    assert share[0] == share[1] and share[10] == share[19]  # cells of a kind alike


def test_a_small_clipped_cell_holds_its_areas_worth() -> None:
    weight = cell_weights(np.array(["A", "A"]), np.array([True, True]), np.array([1.0, 0.25]),
                          {"A": 100})
    assert weight[1] / weight[0] == pytest.approx(0.25)


def test_a_city_without_figures_is_weighted_by_its_streets_kind() -> None:
    district = np.array(["X", "X", "Y"])
    urban = np.array([True, False, True])
    weight = cell_weights(district, urban, np.ones(3), {})
    assert weight[0] == weight[2] == URBAN_DENSITY * weight[1]


def test_the_packaged_figures_sum_to_the_cities_census_totals() -> None:
    figures = district_population()
    shanghai = {c: n for c, n in figures.items() if c.startswith("31")}
    assert len(shanghai) == 16
    # 24,870,895 in the city's bulletin; the district figures sum 85 above it (docs/data.md)
    assert abs(sum(shanghai.values()) - 24_870_895) <= 100
    hangzhou = {c: n for c, n in figures.items() if c.startswith("3301")}
    assert len(hangzhou) == 13
    assert sum(hangzhou.values()) == 11_936_010  # the bulletin's total, to the person
