"""The admin page's writes and reads on the real database: device import by the command's
path, the device list with its filters and scope, workers, and turning accounts off."""

from datetime import timedelta

import pytest

from dashboard.admin.device_import import import_devices
from dashboard.admin.roster_upload import import_roster
from identity.scope import Scope
from identity.tokens import holder, issue
from identity.user_admin import accounts, set_active
from identity.users import add_user
from screens.admin.devices import DeviceFilter, device_facets, device_page
from screens.admin.workers import worker_rows
from store import db as store_db

pytestmark = pytest.mark.integration

CITY = Scope("city", "310000")
HUANGPU = Scope("district", "310101")
PASSWORD = "a-long-enough-password"
RIVER_META = '"{""type"": ""river_gauge""}"'  # a JSON object, quoted as CSV quotes it


@pytest.fixture(scope="module")
def world(isolated, small_city_areas):
    from geo import store as geo_store
    run = isolated("admin_store")  # not "admin": test_admin_commands.py's world
    conn = store_db.connect(run.database_url)
    geo_store.write_areas(conn, small_city_areas)
    conn.commit()
    grid = small_city_areas[small_city_areas["level"] == "grid"]
    points = {}
    for district in ("310101", "310106"):
        cells = grid[grid["district_code"] == district]
        points[district] = [cells.geometry.iloc[i].representative_point() for i in range(3)]
    yield conn, points, grid
    conn.close()


def _csv(points, *lines: str) -> str:
    return "device_id,kind,name,lon,lat,meta\n" + "\n".join(lines) + "\n"


def test_import_adds_then_updates_and_reports_every_line(world) -> None:
    conn, points, _ = world
    hp, ja = points["310101"][0], points["310106"][0]
    text = _csv(points,
                f"adm-lamp-1,streetlight,外滩路灯1,{hp.x},{hp.y},",
                f"adm-gauge-1,gauge,苏州河水位计,{ja.x},{ja.y},{RIVER_META}",
                "adm-far-1,manhole,北京井盖,116.40,39.90,",
                "adm-nowhere,bridge,,,,",
                "adm-bad,streetlihgt,,121.4,31.2,")
    first = import_devices(conn, text, CITY)
    assert (first.added, first.updated) == (4, 0)
    assert [(n.line, n.reason.key) for n in first.rejected] == [
        (6, "admin.devices.reason.unknown_kind")]
    assert [(n.line, n.reason.key) for n in first.unplaced] == [
        (4, "admin.devices.reason.unplaced"), (5, "admin.devices.reason.no_position")]
    with conn.cursor() as cur:
        cur.execute("SELECT device_id, district_code, placed, meta FROM devices "
                    "WHERE device_id LIKE 'adm-%%' ORDER BY device_id")
        stored = {r[0]: r[1:] for r in cur.fetchall()}
    conn.rollback()
    assert stored["adm-lamp-1"][:2] == ("310101", True)
    assert stored["adm-gauge-1"] == ("310106", True, {"type": "river_gauge"})
    assert stored["adm-far-1"][:2] == (None, False)

    again = import_devices(conn, text, CITY)
    assert (again.added, again.updated, len(again.rejected)) == (0, 4, 1)


def test_an_area_admin_registers_only_inside_their_area(world) -> None:
    conn, points, _ = world
    hp, ja = points["310101"][1], points["310106"][1]
    text = _csv(points, f"adm-hp-2,manhole,,{hp.x},{hp.y},", f"adm-ja-2,manhole,,{ja.x},{ja.y},",
                "adm-none-2,manhole,,,,")
    done = import_devices(conn, text, HUANGPU)
    assert done.added == 1
    assert [(n.device_id, n.reason.key) for n in done.rejected] == [
        ("adm-ja-2", "admin.devices.reason.outside_scope"),
        ("adm-none-2", "admin.devices.reason.outside_scope")]


def test_a_file_problem_writes_nothing(world) -> None:
    conn, _, _ = world
    done = import_devices(conn, "name,lon\nx,1\n", CITY)
    assert done.problem is not None and done.written == 0


def test_the_device_list_filters_sorts_pages_and_keeps_to_the_scope(world) -> None:
    conn, _, _ = world
    with conn.cursor() as cur:
        cur.execute("INSERT INTO device_state (device_id, last_ts, status) VALUES "
                    "('adm-lamp-1', now(), 'alarm') ON CONFLICT (device_id) DO UPDATE "
                    "SET status = 'alarm'")
    conn.commit()
    rows, total = device_page(conn, CITY, DeviceFilter(), offset=0, limit=2,
                              sort=[("device_id", True)])
    assert total == 5 and len(rows) == 2
    assert rows[0]["device_id"] > rows[1]["device_id"]
    alarm, n = device_page(conn, CITY, DeviceFilter(status="alarm"), offset=0, limit=50)
    assert n == 1 and alarm[0]["device_id"] == "adm-lamp-1" and alarm[0]["district_zh"]
    silent, _ = device_page(conn, CITY, DeviceFilter(status="no_data", kind="gauge"),
                            offset=0, limit=50)
    assert [r["device_id"] for r in silent] == ["adm-gauge-1"]
    inside, _ = device_page(conn, HUANGPU, DeviceFilter(), offset=0, limit=50)
    assert {r["district_code"] for r in inside} == {"310101"}
    found, _ = device_page(conn, CITY, DeviceFilter(text="苏州河"), offset=0, limit=50)
    assert [r["device_id"] for r in found] == ["adm-gauge-1"]
    # % and _ are letters here, not patterns
    assert device_page(conn, CITY, DeviceFilter(text="%"), offset=0, limit=50)[1] == 0
    # an unknown sort column is ignored, never put in the SQL
    device_page(conn, CITY, DeviceFilter(), offset=0, limit=1, sort=[("1; DROP", False)])
    facets = device_facets(conn, HUANGPU)
    assert set(facets.districts) == {"310101"} and facets.statuses["alarm"] == 1


def test_roster_import_by_the_command_path_then_the_worker_list(world) -> None:
    conn, _, grid = world
    hp_cell = grid[grid["district_code"] == "310101"]["code"].iloc[0]
    ja_cell = grid[grid["district_code"] == "310106"]["code"].iloc[0]
    roster = ("worker_id,name,phone,tier,grid_code,shifts\n"
              f"adm-w1,王小明,13800000001,grid,{hp_cell},mon-sun 00:00-24:00\n"
              f"adm-w2,李四,13800000002,grid,{ja_cell},sat 08:00-12:00\n")
    bad = roster.replace(hp_cell, "999999999999999").replace("sat 08:00", "sat 8h")
    refused = import_roster(conn, bad, "roster.csv")
    # The reader's problems first (all of them), as `cityops workers import` reports them.
    assert refused.done is None
    assert refused.problems == ("roster.csv:row 3: worker adm-w2: hours must look like "
                                "08:00-17:30, not '8h-12:00'",)
    unknown = import_roster(conn, roster.replace(hp_cell, "999999999999999"), "roster.csv")
    assert unknown.done is None and len(unknown.problems) == 1
    assert "roster.csv:row 2: worker adm-w1: grid 999999999999999" in unknown.problems[0]
    assert import_roster(conn, roster, "roster.csv", dry_run=True).done.workers == 2
    assert worker_rows(conn, CITY) == []  # a dry run writes nothing
    done = import_roster(conn, roster, "roster.csv")
    assert done.done is not None and done.done.workers == 2
    assert {r["worker_id"] for r in worker_rows(conn, CITY)} == {"adm-w1", "adm-w2"}
    assert [r["worker_id"] for r in worker_rows(conn, HUANGPU)] == ["adm-w1"]
    assert [r["worker_id"] for r in worker_rows(conn, CITY, district="310106")] == ["adm-w2"]
    assert import_roster(conn, roster, "roster.txt").done is None


def test_deactivating_revokes_every_token_and_ends_the_session(world) -> None:
    conn, _, _ = world
    user_id = add_user(conn, "adm.target", PASSWORD, "operator", "310101", "目标")
    with conn, conn.cursor() as cur:
        tokens = [issue(cur, user_id, timedelta(hours=1)).token for _ in range(2)]
    with conn.cursor() as cur:
        assert holder(cur, tokens[0]).username == "adm.target"
    conn.rollback()

    # A district admin of 静安 cannot touch a 黄浦 account.
    assert set_active(conn, user_id, False, Scope("district", "310106")) is None
    done = set_active(conn, user_id, False, HUANGPU)
    assert done is not None and (done.username, done.tokens_revoked) == ("adm.target", 2)
    with conn.cursor() as cur:
        assert [holder(cur, t) for t in tokens] == [None, None]
        cur.execute("SELECT count(*) FROM api_tokens WHERE user_id = %s "
                    "AND revoked_at IS NULL", (user_id,))
        assert cur.fetchone()[0] == 0
    conn.rollback()
    listed = {a.username: a for a in accounts(conn, HUANGPU)}
    assert listed["adm.target"].active is False

    again = set_active(conn, user_id, True, CITY)
    assert again is not None and again.tokens_revoked == 0
    with conn.cursor() as cur:
        assert holder(cur, tokens[0]) is None  # revoked stays revoked: log in again
    conn.rollback()
    assert "adm.target" not in {a.username for a in accounts(conn, Scope("district", "310106"))}
