"""A tiny city of two districts: people by census and street kind, categories by kind of
place, commercial streets busy at office hours (sim/area_kinds.py, data in places.yaml)."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.sources import divisions
from sim import area_kinds
from sim.incidents import CATEGORIES, Reports
from sim.placement import Cells, place
from sim.population import district_population

FRIDAY_10H = 1795140000.0   # 2026-11-20 10:00 Shanghai
FRIDAY_19H = FRIDAY_10H + 9 * 3600
SATURDAY_10H = FRIDAY_10H + 86400
# district, street, street name, cells: 黄浦 all urban (a commercial street and a
# residential one), 闵行 an urban street and a large town.
STREETS = (("310101", "310101002", "南京东路街道", 2), ("310101", "310101017", "老西门街道", 2),
           ("310112", "310112001", "江川路街道", 2), ("310112", "310112102", "七宝镇", 40))


@pytest.fixture(scope="module")
def tiny() -> Cells:
    rows = [("310000", "city", "上海市", None, None, None)]
    rows += [(d, "district", n, None, d, None) for d, n in (("310101", "黄浦区"),
                                                           ("310112", "闵行区"))]
    x = 0
    for district, street, name, count in STREETS:
        rows.append((street, "street", name, street, district, None))
        rows.append((street + "001", "community", name[:2] + "第1社区", street, district, None))
        for i in range(count):
            rows.append((f"{street}001{i + 1:03d}", "grid", "网格", street, district, x))
            x += 1
    frame = gpd.GeoDataFrame(
        [{"code": c, "level": lv, "name_zh": n, "street_code": s, "district_code": d,
          "community_code": c[:12] if lv == "grid" else None} for c, lv, n, s, d, _ in rows],
        geometry=[shapely.box(121 + 0.005 * i, 31, 121 + 0.005 * (i + 1), 31.005)
                  if i is not None else shapely.box(121, 31, 121.3, 31.005)
                  for *_, i in rows], crs="EPSG:4326")
    return Cells.from_areas(frame)


def test_district_shares_follow_the_census_and_streets_beat_towns(tiny) -> None:
    population = district_population()
    huangpu = population["310101"] / (population["310101"] + population["310112"])
    share = np.mean(tiny.district[place(tiny, 4000, 1).cell] == "310101")
    assert share == pytest.approx(huangpu, abs=0.03)
    minhang = tiny.district == "310112"
    assert tiny.weight[minhang & tiny.urban].min() > 10 * tiny.weight[minhang & ~tiny.urban].max()


def test_kinds_of_place_and_the_citys_name(tiny) -> None:
    kinds = dict(zip(tiny.street, (area_kinds.KINDS[k] for k in tiny.kind), strict=True))
    assert kinds == {"310101002": "commercial", "310101017": "centre",
                     "310112001": "edge", "310112102": "town"}
    assert tiny.address(0, 5).startswith("上海市黄浦区南京东路街道")


def test_the_centre_reports_street_trading_and_towns_illegal_building(tiny) -> None:
    reports = Reports(tiny, 1)
    rng = np.random.default_rng(2)
    centre, town = 2, len(tiny.codes) - 1
    for cell in (centre, town):
        assert area_kinds.KINDS[tiny.kind[cell]] in ("centre", "town")

    def share(cell: int, subcategory: str) -> float:
        return np.mean([reports.category(rng, cell).subcategory == subcategory
                        for _ in range(3000)])

    assert share(centre, "占道经营") > 1.8 * share(town, "占道经营")
    assert share(town, "违章搭建") > 2 * share(centre, "违章搭建")


def test_commercial_streets_fill_at_office_hours_on_working_days(tiny) -> None:
    assert [area_kinds.band(t) for t in (FRIDAY_10H, FRIDAY_19H, SATURDAY_10H)] == \
        [area_kinds.OFFICE, area_kinds.EVENING, area_kinds.REST]
    reports = Reports(tiny, 1)
    rng = np.random.default_rng(3)
    commercial = tiny.kind == area_kinds.COMMERCIAL

    def share(t: float) -> float:
        return commercial[[reports.where(rng, t) for _ in range(4000)]].mean()

    office, rest, evening = share(FRIDAY_10H), share(SATURDAY_10H), share(FRIDAY_19H)
    assert office > 2 * rest and rest > evening


def test_the_data_names_real_streets_and_categories() -> None:
    for city, names in area_kinds.places()["commercial"].items():
        known = {d.name for d in divisions(city[:2] if city.endswith("0000") else city[:4])
                 if d.level == 4}
        assert set(names) <= known, city
    assert set(area_kinds.places()["categories"]) <= {c.subcategory for c in CATEGORIES}
