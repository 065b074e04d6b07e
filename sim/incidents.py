"""Incidents the way a city receives them: 12345 calls, grid patrols and sensor alarms.

Categories follow the digital urban-management standard (事件 and 部件); calls follow
office hours and cluster at hot spots (a night market, a building site), and each has
a free-text description as a caller would give it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import numpy as np

from sim import area_kinds, people
from sim.lane import WHOLE, Lane
from sim.placement import Cells

SHANGHAI = timezone(timedelta(hours=8))
SOURCES = {"hotline": 0.62, "patrol": 0.32, "sensor": 0.06}
HOT_SPOT_SHARE = 0.35
# Within a district, hot spots are drawn by people per cell to this power: a place draws
# repeated reports where crowds are dense, so they fall mostly in dense urban streets.
# Districts keep their share of people.
HOT_SPOT_CROWDING = 2.0
SATISFACTION = {"满意": 0.74, "基本满意": 0.18, "不满意": 0.08}
FOLLOW_UP_SHARE = 0.7


@dataclass(frozen=True)
class Category:
    case_type: str      # 事件 (an event) or 部件 (a piece of city furniture)
    category: str
    subcategory: str
    share: float
    texts: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category("事件", "市容环境", "暴露垃圾", 0.14, (
        "{place}有垃圾堆放好几天了，天热气味很大，希望尽快清运。",
        "{place}路边垃圾桶满了溢出来，没人清理。")),
    Category("事件", "市容环境", "乱堆物堆料", 0.06, (
        "{place}有人在人行道上堆放建材和杂物，行人只能走机动车道。",)),
    Category("事件", "宣传广告", "非法小广告", 0.08, (
        "{place}电线杆和墙上贴满了小广告，影响市容。",
        "{place}有人在散发和张贴办证小广告。")),
    Category("事件", "施工管理", "施工扰民", 0.08, (
        "{place}工地晚上十点以后还在施工，噪音很大，影响休息。",
        "{place}附近工地一早就开始打桩，吵得睡不着。")),
    Category("事件", "施工管理", "工地扬尘", 0.04, (
        "{place}工地没有覆盖防尘网，刮风时灰尘很大。",)),
    Category("事件", "街面秩序", "占道经营", 0.10, (
        "{place}有摊贩占用人行道卖水果，晚上更多。",
        "{place}店家把桌椅摆到人行道上经营。")),
    Category("事件", "街面秩序", "乱停放非机动车", 0.07, (
        "{place}共享单车乱停乱放，把盲道都堵住了。",)),
    Category("事件", "突发事件", "路面积水", 0.03, (
        "{place}下雨后路面积水很深，车辆熄火，行人无法通过。",)),
    Category("事件", "突发事件", "路面塌陷", 0.01, (
        "{place}路面突然塌陷出一个坑，已经有车差点掉进去。",)),
    Category("部件", "公用设施", "井盖破损", 0.05, (
        "{place}人行道上的井盖破了一个角，晚上看不清很危险。",
        "{place}井盖松动，车一压就响。")),
    Category("部件", "公用设施", "路灯不亮", 0.07, (
        "{place}一排路灯晚上都不亮，路上黑漆漆的。",)),
    Category("部件", "道路交通", "道路破损", 0.06, (
        "{place}路面坑坑洼洼，电瓶车经过容易摔倒。",)),
    Category("部件", "道路交通", "交通信号灯故障", 0.02, (
        "{place}路口红绿灯不亮了，车辆通行很混乱。",)),
    Category("部件", "市容环境", "垃圾箱破损", 0.03, (
        "{place}的垃圾箱盖子坏了，垃圾被风吹得到处都是。",)),
    Category("部件", "园林绿化", "绿地脏乱", 0.04, (
        "{place}绿化带里有很多垃圾，还有人在里面种菜。",)),
    Category("部件", "园林绿化", "行道树倒伏", 0.02, (
        "{place}一棵行道树歪倒了，压在人行道上。",)),
    Category("部件", "房屋土地", "违章搭建", 0.06, (
        "{place}有住户在楼顶违章搭建彩钢板房。",
        "{place}一楼住户私自扩建院子，占用公共绿地。")),
    Category("部件", "其他", "其他部件损坏", 0.04, (
        "{place}的公共座椅坏了，有钉子露出来。",)),
)
BY_SUBCATEGORY = {c.subcategory: c for c in CATEGORIES}
CLOSERS = ("", "麻烦尽快处理。", "希望有关部门管一管。", "已经反映过一次了，还是没解决。",
           "请尽快派人来看看。")
PLACES = ("{community}门口", "{community}附近的路口", "{street}菜市场旁边", "{community}小区大门外",
          "{street}地铁站出口")


def iso(t: float, timespec: str = "seconds") -> str:
    return datetime.fromtimestamp(t, UTC).astimezone(SHANGHAI).isoformat(timespec=timespec)


def _crowded(cells: Cells) -> np.ndarray:
    """Each cell's chance of being a hot spot."""
    _codes, index = np.unique(cells.district, return_inverse=True)
    crowds = cells.weight ** HOT_SPOT_CROWDING
    chance = crowds / np.bincount(index, weights=crowds)[index] * \
        np.bincount(index, weights=cells.weight)[index]
    return chance / chance.sum()


def _cumulative(weights: np.ndarray) -> np.ndarray:
    """Row-wise cumulative shares, each row ending at 1."""
    cdf = np.cumsum(weights, axis=-1)
    return cdf / cdf[..., -1:]


def _draw(cdf: np.ndarray, rng: np.random.Generator) -> int:
    return min(int(np.searchsorted(cdf, rng.random(), side="right")), len(cdf) - 1)


class Reports:
    """Makes incident reports (native incident documents) at given places and times."""

    def __init__(self, cells: Cells, seed: int, lane: Lane = WHOLE) -> None:
        rng = np.random.default_rng([seed, 303])  # hot spots are the city's, in every lane
        self.cells = cells
        self.lane = lane
        self.hot_spots = rng.choice(len(cells.codes), size=max(3, len(cells.codes) // 400),
                                    p=_crowded(cells))
        # Cumulative shares, drawn from by one uniform number: a message costs a binary
        # search, not a pass over every cell.
        self.cell_cdf = _cumulative(area_kinds.band_weights(cells.weight, cells.kind))
        self.category_cdf = _cumulative(area_kinds.category_shares(
            np.array([c.share for c in CATEGORIES]), [c.subcategory for c in CATEGORIES]))
        self.counter = 0

    def where(self, rng: np.random.Generator, t: float) -> int:
        """A cell for an incident at epoch seconds `t`: a hot spot, or by who is where."""
        if rng.random() < HOT_SPOT_SHARE:
            return int(rng.choice(self.hot_spots))
        return _draw(self.cell_cdf[area_kinds.band(t)], rng)

    def category(self, rng: np.random.Generator, cell: int) -> Category:
        """What is reported from `cell`: the city's mix, moved by the kind of place."""
        return CATEGORIES[_draw(self.category_cdf[self.cells.kind[cell]], rng)]

    def source(self, rng: np.random.Generator) -> str:
        return str(rng.choice(list(SOURCES), p=list(SOURCES.values())))

    def report(self, rng: np.random.Generator, t: float, source: str, category: Category,
               cell: int, spot: tuple[float, float] | None = None) -> dict:
        """One native incident document; `spot` pins it to a device's location."""
        self.counter += 1
        if spot is None:
            lon, lat = self.cells.points_in(rng, np.array([cell]))
            spot = (float(lon[0]), float(lat[0]))
        names = self.cells.names
        place = str(rng.choice(PLACES)).format(
            community=names.get(self.cells.community[cell], ""),
            street=names.get(self.cells.street[cell], "").removesuffix("街道"))
        text = str(rng.choice(category.texts)).format(place=place) + str(rng.choice(CLOSERS))
        prefix = {"hotline": "12345", "patrol": "XC", "sensor": "GZ"}[source]
        day = iso(t)[:10].replace("-", "")
        number = self.lane.number(self.counter)
        doc = {"source": source, "source_id": f"{prefix}-{day}-{number:07d}",
               "reported_at": iso(t), "case_type": category.case_type,
               "category": category.category, "subcategory": category.subcategory,
               "description": text, "lon": round(spot[0], 6), "lat": round(spot[1], 6),
               "address": self.cells.address(cell, int(rng.integers(1, 999)))}
        if source != "sensor":
            doc["reporter"] = {"name": people.name(rng), "phone": people.phone(rng)}
        if source == "sensor":
            doc["description"] = f"物联感知设备告警：{category.subcategory}。{place}"
        return doc

    def follow_up(self, rng: np.random.Generator, doc: dict, t: float) -> dict:
        """The caller's rating once the case is closed: the same incident, closed and rated."""
        rating = str(rng.choice(list(SATISFACTION), p=list(SATISFACTION.values())))
        return {**doc, "status": "closed", "closed_at": iso(t), "satisfaction": rating}
