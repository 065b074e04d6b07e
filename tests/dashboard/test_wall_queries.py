"""The wall's queries on the real database: KPIs and layers are scoped to the viewer's area,
a refresh sends what changed and nothing else, and drill-down stays inside the scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dash import Patch

from dashboard.wall import screen
from identity.scope import Scope
from layers import figure as map_figure
from layers.detail import MARKER_BOUND, marker_count
from layers.drill import area_scope
from layers.frame import make_frame
from screens.wall import cases as case_kpis
from screens.wall import city as city_kpis
from store import db as store_db
from tests.dashboard.wall_world import HUANGPU, JINGAN, populate

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(microsecond=0)
CITY, HP, JA = Scope("city", "310000"), Scope("district", HUANGPU), Scope("district", JINGAN)


@pytest.fixture(scope="module")
def world(isolated, small_city_areas):
    settings = isolated("wallq")
    conn = store_db.connect(settings.database_url)
    grid = populate(conn, small_city_areas, NOW)
    yield conn, grid
    conn.close()


@pytest.fixture
def cur(world):
    conn, _grid = world
    with conn.cursor() as cursor:
        yield cursor
    conn.rollback()


def test_device_and_incident_kpis_add_up_over_the_two_districts(cur) -> None:
    city, hp, ja = (city_kpis.device_counts(cur, s) for s in (CITY, HP, JA))
    assert city.total == 300 and hp.total + ja.total == city.total
    assert hp.online + ja.online == city.online and 0 < hp.online < hp.total
    hourly = {s: city_kpis.hourly_incidents(cur, s, NOW) for s in (CITY, HP, JA)}
    assert sum(hourly[HP].values()) + sum(hourly[JA].values()) == sum(hourly[CITY].values())
    assert 0 < sum(hourly[HP].values()) < sum(hourly[CITY].values())


def test_case_kpis_of_a_district_count_only_its_cases(cur) -> None:
    city = case_kpis.open_cases(cur, CITY, NOW)
    hp, ja = case_kpis.open_cases(cur, HP, NOW), case_kpis.open_cases(cur, JA, NOW)
    assert city.total == 60 and hp.total + ja.total == 60 and hp.total > 0
    assert city.overdue == 12 and hp.overdue + ja.overdue == 12
    flow = case_kpis.flow_times(cur, CITY, NOW)
    assert flow.closed == 20 and flow.closed_on_time == 15
    assert flow.mean_close_s == pytest.approx(7200, abs=1)
    assert flow.mean_dispatch_s is not None and 590 <= flow.mean_dispatch_s <= 1210
    newest = case_kpis.newest_cases(cur, HP, 8)
    assert newest and all(row["district_code"] == HUANGPU for row in newest)


def _street_of(cur, district: str) -> Scope:
    cur.execute("SELECT street_code FROM devices WHERE district_code = %s AND street_code IS"
                " NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", (district,))
    return Scope("street", cur.fetchone()[0])


def test_a_districts_map_counts_its_own_streets_and_a_street_draws_its_devices(cur) -> None:
    city, _ = map_figure.build(cur, CITY, NOW)
    hp, memory = map_figure.build(cur, HP, NOW)
    traces = {t["name"]: t for t in hp["data"]}
    # A district: counts per street below their names, no device or worker markers.
    assert traces["devices"]["marker"]["color"] == []
    cur.execute("SELECT count(*) FROM areas WHERE level = 'street' AND district_code = %s",
                (HUANGPU,))
    assert len(traces["devices-parts"]["text"]) == cur.fetchone()[0]
    assert set(traces["cases-parts"]["customdata"]) <= set(traces["names"]["customdata"])
    assert {t["name"] for t in city["data"]} == set(traces)
    assert marker_count(hp) <= MARKER_BOUND and marker_count(city) <= MARKER_BOUND
    # A street: its devices one by one, only its own.
    street = _street_of(cur, HUANGPU)
    drawn, _ = map_figure.build(cur, street, NOW)
    points = {t["name"]: t for t in drawn["data"]}
    assert len(points["devices"]["marker"]["color"]) == \
        city_kpis.device_counts(cur, street).total > 0
    assert points["devices-parts"]["text"] == []
    types = {t["type"] for t in hp["data"]}
    assert types <= {"scatter", "scattergl", "heatmap"}  # nothing that fetches a map style
    frame = make_frame(cur, HP, NOW)
    assert frame.extent is not None and memory["key"][-2] == list(frame.extent)


def test_a_refresh_patches_one_colour_when_one_device_changes(world, cur) -> None:
    conn, _grid = world
    street = _street_of(cur, HUANGPU)
    _figure, memory = map_figure.build(cur, street, NOW)
    cur.execute("SELECT d.device_id, s.status FROM devices d JOIN device_state s USING"
                " (device_id) WHERE d.street_code = %s AND s.status = 'normal' LIMIT 1",
                (street.code,))
    device, _status = cur.fetchone()
    cur.execute("UPDATE device_state SET status = 'alarm' WHERE device_id = %s", (device,))
    kept = Patch()
    patch, whole = map_figure.refresh(cur, street, NOW, memory, kept)
    assert whole is None
    ops = patch.to_plotly_json()["operations"]
    assert len(ops) == 1 and ops[0]["location"][2:4] == ["marker", "color"]
    assert ops[0]["params"]["value"] == 1
    assert [op["location"][:3] for op in kept.to_plotly_json()["operations"]] == \
        [["layers", "devices", "codes"]]


def test_the_whole_screen_refresh_is_empty_when_nothing_changed(cur) -> None:
    look = screen.Look("zh-CN")
    first = screen.draw(cur, HP, NOW, look)
    again = screen.refresh(cur, HP, NOW, look, first.memory)
    assert again.map.to_plotly_json()["operations"] == []
    assert again.trend is None and again.ticker is None and again.texts == {}
    wider = screen.refresh(cur, HP, NOW, screen.Look("zh-CN", 2.0), first.memory)
    assert isinstance(wider.map, dict)  # another screen size: drawn again, whole


def test_drill_down_opens_a_street_of_ones_own_district_only(cur) -> None:
    cur.execute("SELECT code FROM areas WHERE level = 'street' AND district_code = %s"
                " ORDER BY code LIMIT 1", (HUANGPU,))
    street = cur.fetchone()[0]
    assert area_scope(cur, HP, street) == Scope("street", street)
    assert area_scope(cur, JA, street) is None
    assert area_scope(cur, HP, "999999999") is None


def test_incidents_of_the_last_day_fill_the_density_of_their_district(cur) -> None:
    figure, _memory = map_figure.build(cur, JA, NOW)
    density = next(t for t in figure["data"] if t["type"] == "heatmap")
    cur.execute("SELECT count(*) FROM incidents WHERE district_code = %s AND reported_at > %s",
                (JINGAN, NOW - timedelta(hours=24)))
    assert sum(map(sum, density["z"])) == cur.fetchone()[0]
