"""The hourly incident rollup (m0011) against direct counts of `incidents`: after inserts,
late incidents, upserts that move one to another hour or place, deletes, COPY and TRUNCATE,
the rollup, the wall's hourly counts and the density map (which keeps whole hours between
refreshes) are exactly what counting the incidents themselves gives; and the refresh's
short device query says what the full one says."""

from __future__ import annotations

import io
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from psycopg2 import sql

from identity.scope import Scope, area_sql
from ingest.records import Incident
from layers import devices, incidents
from layers.frame import make_frame
from screens.wall import city as kpis
from store import db as store_db
from store import incident_rollup
from store.incidents import IncidentWriter
from tests.dashboard.wall_world import HUANGPU, JINGAN, populate

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(microsecond=0)

# The rollup's rows as the trigger keys them, counted from `incidents` directly.
DIRECT = """
SELECT date_bin(INTERVAL '1 hour', r.reported_at, TIMESTAMPTZ '2000-01-01 00:00+00'),
       r.source, r.district_code, r.street_code,
       CASE WHEN r.district_code IS NULL OR r.street_code IS NULL
            THEN coalesce(r.grid_code, r.community_code, r.street_code, r.district_code) END,
       count(*)
FROM incidents r GROUP BY 1, 2, 3, 4, 5
"""
ROLLUP = """
SELECT hour, source, district_code, street_code, finest_code, n
FROM incidents_hourly WHERE n <> 0
"""
DENSITY = """
SELECT least(floor((i.lat - %(y0)s) / %(dy)s)::int, %(rows)s - 1),
       least(floor((i.lon - %(x0)s) / %(dx)s)::int, %(columns)s - 1), count(*)
FROM incidents i
WHERE i.reported_at > %(since)s AND i.reported_at <= %(now)s
  AND i.lon >= %(x0)s AND i.lon <= %(x1)s AND i.lat >= %(y0)s AND i.lat <= %(y1)s AND {area}
GROUP BY 1, 2
"""


@pytest.fixture(scope="module")
def world(isolated, small_city_areas):
    settings = isolated("rollup")
    conn = store_db.connect(settings.database_url)
    grid = populate(conn, small_city_areas, NOW, incidents=1500)
    yield settings, conn, grid
    conn.close()


def _scopes(grid) -> list[Scope]:
    cell = next(c for c in grid if c.district == HUANGPU)
    return [Scope("city", "310000"), Scope("district", HUANGPU), Scope("district", JINGAN),
            Scope("street", cell.street), Scope("community", cell.community),
            Scope("grid", cell.code)]


def _raw_hourly(cur, scope: Scope, now: datetime) -> dict:
    area, params = area_sql(scope.level, scope.code, "scope_code", alias="i")
    top = kpis.current_hour(now)
    params.update(since=top - timedelta(hours=47), until=now)
    cur.execute(kpis.HOURLY.format(area=area), params)
    return {(hour, source): int(n) for hour, source, n in cur.fetchall()}


def _raw_density(cur, scope: Scope, frame) -> list[list[int]]:
    rows, columns = incidents.bins(frame)
    x0, y0, x1, y1 = frame.extent
    area, params = area_sql(scope.level, scope.code, "scope_code", alias="i")
    params.update(x0=x0, y0=y0, x1=x1, y1=y1, dx=(x1 - x0) / columns, dy=(y1 - y0) / rows,
                  rows=rows, columns=columns, since=frame.now - incidents.WINDOW,
                  now=frame.now)
    cur.execute(DENSITY.format(area=area), params)
    z = [[0] * columns for _ in range(rows)]
    for r, c, n in cur.fetchall():
        z[r][c] = int(n)
    return z


def _assert_exact(conn, grid, now: datetime = NOW) -> None:
    with conn.cursor() as cur:
        cur.execute(DIRECT)
        direct = sorted(cur.fetchall(), key=repr)
        cur.execute(ROLLUP)
        assert sorted(cur.fetchall(), key=repr) == direct
        for scope in _scopes(grid):
            assert kpis.hourly_incidents(cur, scope, now) == _raw_hourly(cur, scope, now), scope
            frame = make_frame(cur, scope, now)
            assert incidents.query(cur, scope, frame).z == _raw_density(cur, scope, frame), scope
    conn.rollback()


def _versions(conn) -> dict:
    with conn.cursor() as cur:
        found = incident_rollup.hour_versions(cur, Scope("city", "310000"),
                                              NOW - timedelta(days=3), NOW + timedelta(days=1))
    conn.rollback()
    return found.hours


def _hour(at: datetime) -> int:
    return int(at.timestamp()) // 3600 * 3600


def _insert(cur, source_id: str, at: datetime, cell=None, **codes) -> None:
    place = {} if cell is None else {"lon": cell.lon, "lat": cell.lat, "grid_code": cell.code,
                                     "community_code": cell.community,
                                     "street_code": cell.street, "district_code": cell.district}
    place.update(codes)
    columns = ["source", "source_id", "reported_at", *place]
    cur.execute(sql.SQL("INSERT INTO incidents ({}) VALUES ({})").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns))),
        ("hotline", source_id, at, *place.values()))


def test_the_rollup_counts_what_incidents_hold_after_every_kind_of_write(world) -> None:
    settings, conn, grid = world
    _assert_exact(conn, grid)  # what populate() wrote, and the density's first, cold count
    hp = [c for c in grid if c.district == HUANGPU]
    ja = [c for c in grid if c.district == JINGAN]
    before = _versions(conn)
    with conn.cursor() as cur:
        _insert(cur, "r-now", NOW - timedelta(seconds=30), hp[0])
        _insert(cur, "r-late", NOW - timedelta(hours=5, minutes=10), hp[1])  # a kept hour
        _insert(cur, "r-yesterday", NOW - timedelta(hours=30), ja[0])
        # Missing codes: the area rule falls back to the finest code the row has.
        _insert(cur, "r-no-district", NOW - timedelta(hours=3), hp[2], district_code=None)
        _insert(cur, "r-no-street", NOW - timedelta(hours=3), ja[1], street_code=None)
        _insert(cur, "r-only-grid", NOW - timedelta(hours=2), None, grid_code=hp[3].code,
                lon=hp[3].lon, lat=hp[3].lat)
        _insert(cur, "r-nowhere", NOW - timedelta(hours=2))
    conn.commit()
    _assert_exact(conn, grid)
    after = _versions(conn)
    assert all(after[h] >= v for h, v in before.items())
    assert after[_hour(NOW - timedelta(hours=5, minutes=10))] > \
        before.get(_hour(NOW - timedelta(hours=5, minutes=10)), 0)

    with conn.cursor() as cur:
        # A correction that moves an incident to another hour and district, one that moves
        # it within its hour and cell (its bin on the map may change, its count not), and
        # a delete.
        cur.execute("UPDATE incidents SET reported_at = %s, district_code = %s, street_code ="
                    " %s, grid_code = %s, community_code = %s, lon = %s, lat = %s"
                    " WHERE source_id = 'r-late'",
                    (NOW - timedelta(hours=9), ja[2].district, ja[2].street, ja[2].code,
                     ja[2].community, ja[2].lon, ja[2].lat))
        cur.execute("UPDATE incidents SET lon = lon + 0.003 WHERE source_id = 'wall-7'")
        cur.execute("DELETE FROM incidents WHERE source_id IN ('wall-3', 'wall-4', 'r-now')")
    conn.commit()
    _assert_exact(conn, grid)
    moved = _versions(conn)
    with conn.cursor() as cur:
        cur.execute("SELECT reported_at FROM incidents WHERE source_id = 'wall-7'")
        (wall7,) = cur.fetchone()
    conn.rollback()
    assert moved[_hour(wall7)] > after[_hour(wall7)]  # same count, still a new version

    # Ingest's upsert: new incidents and changed ones in one statement (both triggers).
    writer = IncidentWriter(conn)
    cell = hp[4]
    writer.write([Incident("patrol", "u-1", NOW - timedelta(hours=7), lon=cell.lon,
                           lat=cell.lat, grid_code=cell.code, community_code=cell.community,
                           street_code=cell.street, district_code=cell.district,
                           payload={"v": 1}),
                  Incident("patrol", "u-2", NOW - timedelta(minutes=1), payload={"v": 1})])
    writer.write([Incident("patrol", "u-1", NOW - timedelta(hours=1), lon=ja[3].lon,
                           lat=ja[3].lat, grid_code=ja[3].code,
                           community_code=ja[3].community, street_code=ja[3].street,
                           district_code=ja[3].district, payload={"v": 2}),
                  Incident("patrol", "u-2", NOW - timedelta(minutes=1), payload={"v": 1}),
                  Incident("patrol", "u-3", NOW - timedelta(hours=20), payload={"v": 1})])
    _assert_exact(conn, grid)

    # COPY (the simulator's seed writes so).
    with conn.cursor() as cur:
        rows = "".join(f"sensor\tc-{k}\t{(NOW - timedelta(hours=k)).isoformat()}\t"
                       f"{cell.lon}\t{cell.lat}\t{cell.code}\t{cell.district}\n"
                       for k in range(6))
        cur.copy_expert("COPY incidents (source, source_id, reported_at, lon, lat, grid_code,"
                        " district_code) FROM STDIN", io.StringIO(rows))
    conn.commit()
    _assert_exact(conn, grid)


def test_the_density_keeps_whole_hours_only_while_nobody_wrote_them(world) -> None:
    _settings, conn, grid = world
    later = NOW + timedelta(minutes=50)  # across an hour boundary: an hour newly whole
    _assert_exact(conn, grid, later)
    with conn.cursor() as cur:
        cur.execute("UPDATE incidents SET lat = lat + 0.002 WHERE source_id = 'wall-11'")
    conn.commit()
    _assert_exact(conn, grid, later)


def test_two_databases_with_the_same_versions_keep_their_own_hours(isolated,
                                                                   small_city_areas) -> None:
    """The same city written the same way, then one incident moved differently in each:
    every version is the same in both databases, the bins are not."""
    worlds = []
    for label, shift in (("rollupa", 0.002), ("rollupb", -0.002)):
        conn = store_db.connect(isolated(label).database_url)
        grid = populate(conn, small_city_areas, NOW, incidents=300, devices=0, workers=0,
                        open_cases=0, closed_cases=0)
        with conn.cursor() as cur:
            cur.execute("UPDATE incidents SET lat = lat + %s WHERE source_id = 'wall-5'",
                        (shift,))
        conn.commit()
        worlds.append((conn, grid))
    try:
        assert _versions(worlds[0][0]) == _versions(worlds[1][0])
        for conn, grid in worlds:
            _assert_exact(conn, grid)
    finally:
        for conn, _grid in worlds:
            conn.close()


def test_a_truncate_zeroes_the_counts_and_moves_every_version_on(isolated, small_city_areas):
    settings = isolated("rollupt")
    conn = store_db.connect(settings.owner_url)  # TRUNCATE is the owner's: no service may
    try:
        grid = populate(conn, small_city_areas, NOW, incidents=100, devices=0, workers=0,
                        open_cases=0, closed_cases=0)
        before = _versions(conn)
        with conn.cursor() as cur:
            cur.execute("TRUNCATE incidents")
        conn.commit()
        after = _versions(conn)
        assert set(after) == set(before) and all(after[h] > before[h] for h in before)
        _assert_exact(conn, grid)
    finally:
        conn.close()


def test_writers_in_parallel_neither_deadlock_nor_lose_counts(world) -> None:
    settings, _conn, grid = world
    errors: list[BaseException] = []
    run = uuid.uuid4().hex[:6]

    def write(worker: int) -> None:
        conn = store_db.connect(settings.database_url)
        try:
            writer = IncidentWriter(conn)
            for step in range(15):
                batch = []
                for k in range(20):
                    cell = grid[(worker * 7 + k * 3 + step) % len(grid)]
                    # The first half new at every step, the second half this writer's own
                    # changed (moved): both triggers fire in each statement, over the same
                    # hours and streets as the other writer's.
                    source_id = f"p-{run}-{worker}-{k}" if k >= 10 else \
                        f"p-{run}-{worker}-{step}-{k}"
                    batch.append(Incident(
                        "other", source_id, NOW - timedelta(hours=(k + step) % 5),
                        lon=cell.lon, lat=cell.lat, grid_code=cell.code,
                        community_code=cell.community, street_code=cell.street,
                        district_code=cell.district, payload={"step": step, "by": worker}))
                writer.write(batch)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    conn = store_db.connect(settings.database_url)
    try:
        _assert_exact(conn, grid)
    finally:
        conn.close()


def test_the_refresh_device_query_agrees_with_the_full_one(world) -> None:
    _settings, conn, grid = world
    with conn.cursor() as cur:
        for scope in [*_scopes(grid), Scope("grid", "999999999999999")]:
            frame = make_frame(cur, scope, NOW)
            full = devices.query(cur, scope, frame)
            short = devices.refresh_query(cur, scope, frame)
            # The key and codes of devices drawn one by one, or the counts per part.
            assert devices.memory(short) == devices.memory(full), scope
    conn.rollback()
