"""The daily summary's queries on the real database: the day's numbers, and a district
viewer sees only their district. Everything is written in the test's own transaction and
rolled back, under made-up district codes nobody else uses."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from dashboard.summary.data import gather
from identity.scope import Scope
from screens.summary import areas as incident_days
from screens.summary import cases as daily
from tests.dashboard.summary_world import DAY, EAST, WEST, at, fill

pytestmark = pytest.mark.integration


@pytest.fixture
def world(db):
    return fill(db)


def test_kpi_series_counts_each_city_day(world) -> None:
    with world.cursor() as cur:
        rows = daily.kpi_series(cur, Scope("district", EAST), DAY - timedelta(days=1), DAY,
                                "Asia/Shanghai")
    prev, today = rows
    assert (prev["day"], prev["new_cases"], prev["closed_cases"]) == (DAY - timedelta(1), 2, 1)
    assert today["new_cases"] == 3
    assert (today["closed_cases"], today["closed_on_time"]) == (2, 1)
    assert today["dispatch_seconds"] == pytest.approx((10 + 20) / 2 * 60)
    assert today["close_seconds"] == pytest.approx((4 + 11) / 2 * 3600)
    # Overdue at the day's end: the 路灯不亮 case (due 23:45, still open).
    assert today["overdue_open"] == 1 and prev["overdue_open"] == 0


def test_a_district_viewer_sees_only_their_district(world) -> None:
    now = at(DAY + timedelta(days=1), 9)
    with world.cursor() as cur:
        east = gather(cur, Scope("district", EAST), DAY, now)
        west = gather(cur, Scope("district", WEST), DAY, now)
    assert east.area_zh == "东区"
    assert east.kpi("new_cases").value == 3 and west.kpi("new_cases").value == 1
    assert {d["code"] for d in east.districts} == {EAST}
    assert {d["code"] for d in west.districts} == {WEST}
    assert [c["category"] for c in west.categories] == ["井盖破损"]
    assert [o["category"] for o in east.overdue] == ["路灯不亮"]
    assert [o["category"] for o in west.overdue] == ["井盖破损"]
    assert east.kpi("incidents").value == 3 and west.kpi("incidents").value == 1
    assert east.kpi("source_hotline").value == 2


def test_hot_cells_rank_the_days_busiest_grid_cells(world) -> None:
    with world.cursor() as cur:
        cells = daily.hot_cells(cur, Scope("district", EAST), *_bounds(DAY))
    assert [(c["name_zh"], c["cases"]) for c in cells] == [("东一1号网格", 2), ("东一2号网格", 1)]
    assert cells[0]["street_zh"] == "东一街道"


def test_sla_by_district_counts_closed_on_time_and_overdue_now(world) -> None:
    with world.cursor() as cur:
        rows = daily.by_district(cur, Scope("street", "319901001"), *_bounds(DAY),
                                 at(DAY + timedelta(days=1), 9))
    (east,) = rows
    assert (east["name_zh"], east["new_cases"], east["closed_cases"],
            east["closed_on_time"]) == ("东区", 3, 2, 1)
    # The day before's open 占道经营 case has no due time: not overdue.
    assert east["overdue_now"] == 1


def test_incidents_by_source_uses_the_citys_midnight(world) -> None:
    with world.cursor() as cur:
        counts = incident_days.incidents_by_source(cur, "district", EAST, DAY, DAY,
                                                   "Asia/Shanghai")
    assert counts == {DAY: {"hotline": 2, "patrol": 1}}


def _bounds(day: date) -> tuple[datetime, datetime]:
    return at(day, 0), at(day + timedelta(days=1), 0)
