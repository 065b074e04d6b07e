"""Any city in the packaged data, not only Shanghai: Hangzhou, a prefecture-level city.

Small on purpose: two of Hangzhou's urban districts at 1 km cells build in about a second.
"""

import re

import pandas as pd
import pytest

from geo import sources
from geo.cities import UnknownCity, find, search
from geo.demo import build_demo
from geo.fill import missing_areas
from geo.hierarchy import LEVELS

HANGZHOU = "330100"
TWO = ["330102", "330108"]  # 上城区, 滨江区


@pytest.fixture(scope="module")
def hangzhou():
    return build_demo(seed=5, cell_size_m=1000, districts=TWO, city=HANGZHOU)


def test_a_prefecture_city_and_a_municipality_are_both_cities():
    hz, sh = find(HANGZHOU), find("310000")
    assert (hz.name_zh, hz.municipality, hz.polygon_prefix) == ("杭州市", False, "3301")
    assert (sh.name_zh, sh.municipality, sh.polygon_prefix) == ("上海市", True, "31")
    assert len(sh.districts) == 16 and set(TWO) <= set(hz.districts)
    assert [c.code for c in search("杭州")] == [HANGZHOU]


def test_hangzhou_has_every_level_with_the_right_parents(hangzhou):
    by_level = {level: hangzhou[hangzhou["level"] == level] for level in LEVELS}
    assert all(len(rows) for rows in by_level.values())
    city = by_level["city"].iloc[0]
    assert (city["code"], city["name_zh"], city["name_en"], city["parent_code"]) == (
        HANGZHOU, "杭州市", None, None)
    districts = by_level["district"]
    assert sorted(districts["code"]) == TWO
    assert set(districts["parent_code"]) == {HANGZHOU}
    assert districts["name_en"].isna().all()  # no English names known: readers show Chinese
    official = {d.code for code in TWO for d in sources.divisions(code) if d.level == 4}
    assert set(by_level["street"]["code"]) == official
    for level in LEVELS[2:]:
        rows, above = by_level[level], by_level[LEVELS[LEVELS.index(level) - 1]]
        assert set(rows["parent_code"]) <= set(above["code"]), level
        assert all(c.startswith(p) for c, p in zip(rows["code"], rows["parent_code"], strict=True))
    grid = by_level["grid"]
    assert (grid["street_code"] == grid["community_code"].str[:9]).all()
    assert set(grid["district_code"]) == set(TWO)


@pytest.mark.parametrize("code,says", [
    ("999999", "no division 999999"),
    ("330000", "a province (浙江省)"),
    ("441900", "has no districts"),
    ("3301", "not a 6-digit"),
])
def test_what_is_not_a_buildable_city_is_refused_saying_how_to_find_one(code, says):
    with pytest.raises(UnknownCity, match=re.escape(says)) as refused:
        build_demo(city=code)
    assert "cityops geo" in str(refused.value)


def test_districts_of_another_city_are_refused():
    with pytest.raises(ValueError, match="not districts of 330100 杭州市"):
        build_demo(city=HANGZHOU, districts=["310101"])


def test_filling_streets_makes_communities_and_cells_once(hangzhou):
    streets = hangzhou[hangzhou["level"].isin(["city", "district", "street"])]
    new = missing_areas(streets, set(streets["parent_code"].dropna()), 1000.0)
    communities, grid = new[new["level"] == "community"], new[new["level"] == "grid"]
    assert set(communities["parent_code"]) == set(streets.loc[streets["level"] == "street", "code"])
    assert set(grid["parent_code"]) == set(communities["code"])
    assert (grid["street_code"] == grid["parent_code"].str[:9]).all()
    assert set(grid["district_code"]) == set(TWO) and new["is_generated"].all()
    filled = pd.concat([streets, new], ignore_index=True)
    assert missing_areas(filled, set(filled["parent_code"].dropna()), 1000.0).empty
