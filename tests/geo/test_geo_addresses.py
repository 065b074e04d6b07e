import pandas as pd
import pytest
import shapely

from geo.addresses import AddressBook
from geo.demo import build_demo

# Real Shanghai addresses of the kind 12345 callers give, and the official
# code of the street or town they lie in.
ADDRESSES = [
    ("上海市黄浦区南京东路街道福州路100号", "310101002"),
    ("黄浦区外滩中山东一路", "310101013"),
    ("虹口区北外滩街道东大名路", "310109018"),
    ("徐汇区漕河泾街道田林路140号", "310104017"),
    ("徐家汇 天钥桥路 肇嘉浜路口", "310104014"),
    ("崇明区横沙乡新民镇路", "310151201"),
    ("崇明区堡镇 堡镇路 老街", "310151101"),
    ("长宁区 虹桥街道 仙霞路", "310105009"),
    ("闵行区虹桥镇吴中路", "310112107"),
    ("上海 瑞金二路街道 永嘉路 井盖缺失", "310101023"),
]


@pytest.fixture(scope="module")
def book(small_city):
    extra = build_demo(seed=7, districts=["310105", "310109", "310112"], cell_size_m=2000)
    return AddressBook(pd.concat([small_city, extra[extra["level"] != "city"]], ignore_index=True))


@pytest.mark.parametrize("address,street", ADDRESSES)
def test_address_is_placed_in_its_street(book, address, street):
    placed = book.place(address)
    assert placed is not None, address
    assert placed.street_code == street
    assert placed.district_code == street[:6]
    assert placed.approximate
    area = book.rows[placed.community_code or street].geometry
    assert shapely.intersects_xy(area, placed.lon, placed.lat)


def test_community_names_place_finer(book, small_city):
    community = small_city[small_city["level"] == "community"].iloc[5]
    placed = book.place(f"{community['name_zh']}5号楼楼道堆物")
    assert placed.community_code == community["code"]
    assert placed.street_code == community["street_code"]


def test_ambiguous_or_unknown_addresses_are_not_guessed(book):
    assert book.place("北京市朝阳区建国路88号") is None
    assert book.place("淮海中路瑞金二路路口") is None  # two streets' names, equally strong
    assert book.place("虹桥路 100号") is None  # 虹桥 is a street in Changning and a town in Minhang
    district_only = book.place("徐汇区某某路100号")
    assert district_only.district_code == "310104" and district_only.street_code is None
