"""Dashboard: the wall screen's first draw, its refresh's server time, and Patch bytes.

    .venv/bin/python bench/dashboard.py --quick   # 3 browser loads, 60 refreshes, ~1 min
    .venv/bin/python bench/dashboard.py           # 7 browser loads, 300 refreshes
    .venv/bin/python bench/dashboard.py --city --quick   # the whole city, at its scale

`--city`: the whole demo city (every district of the city set, 1 km grid cells) with
100,000 devices, 5,000 open cases, 200,000 incidents in the last 24 h and 2,000 workers;
it must meet all three targets: first draw <= 2 s, refresh p95 <= 150 ms, and at most
layers.detail.MARKER_BOUND markers in any draw (`markers_max`, counted in every full
figure the wall is sent: the first draw and each redraw).

On the local stack (brought up if needed), in a scratch database: the small demo city (黄浦,
静安; 1 km grid cells), 10,000 devices with their state, 50,000 incidents in the last 24 h
(and as many the day before, for the trend), 1,000 open cases, 300 closed ones with their
timelines, 300 workers; a `cityops dashboard` process on a free port; an operator (whole
city) logged in through /login.

- first_draw_s: in Debian's headless Chromium, logged in, from navigation start
  (performance.now() = 0) to the map drawn: the map graph holds the devices trace and its
  SVG is in the page. Median over the loads.
- refresh_p95_s: the wall's refresh callback posted to /_dash-update-component as the
  browser posts it (session cookie, the screen's memory as its State), after a typical
  5 seconds of city: 20 devices change status, 15 incidents arrive, a case opens. Measured
  round trip on loopback (an upper bound of the server's time). p95 over the refreshes.
- patch_bytes_ratio: bytes of a full redraw (the same callback with an empty memory, i.e.
  what a refresh without Patch would send) over the median bytes of a Patch refresh.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psycopg2 import sql  # noqa: E402
from psycopg2.extras import Json, execute_values  # noqa: E402

from cityops.settings import Settings  # noqa: E402
from dashboard.wall.refresh_request import next_memory, refresh_body  # noqa: E402
from store import db  # noqa: E402
from store.device_health import ROLLUP as STATUS_ROLLUP  # noqa: E402

DISTRICTS = ["310101", "310106"]
SEVERITIES = ("info", "minor", "major", "critical")
STATUSES = ("normal",) * 8 + ("alarm", "offline")
SOURCES = ("hotline", "patrol", "sensor", "other")
PASSWORD = "bench-password"
DEVICES = 10_000  # set from the arguments


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- the city

def scratch(base: Settings, run: str) -> Settings:
    from store.migrate import migrate
    name = f"cityops_bench_dashboard_{run}"
    admin = db.connect(base.owner_url, autocommit=True)
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    # Migrated by the owner; filled and served as the services' role.
    url = f"{base.owner_url.rsplit('/', 1)[0]}/{name}"
    settings = base.replace(database_url=f"{base.database_url.rsplit('/', 1)[0]}/{name}",
                            owner_database_url=url, database_url_given=True,
                            kafka_bootstrap_given=True, dashboard_port=free_port())
    conn = db.connect(url)
    migrate(conn, settings.timescale)
    conn.close()
    return settings


def cells_of(areas) -> list[tuple]:
    import shapely
    grid = areas[areas["level"] == "grid"]
    points = shapely.point_on_surface(grid.geometry.values)
    return [(r.code, r.community_code, r.street_code, r.district_code, p.x, p.y)
            for r, p in zip(grid.itertuples(), points, strict=True)]


def jitter(rng: random.Random, cell: tuple) -> tuple[float, float]:
    return cell[4] + rng.uniform(-0.004, 0.004), cell[5] + rng.uniform(-0.004, 0.004)


def fill(settings: Settings, now: datetime, args) -> list[tuple]:
    from geo.demo import build_demo
    from geo.store import write_areas
    from identity.users import add_user
    rng = random.Random(7)
    conn = db.connect(settings.database_url)
    areas = build_demo(seed=1, districts=None if args.city else DISTRICTS, cell_size_m=1000)
    write_areas(conn, areas)
    grid = cells_of(areas)
    with conn.cursor() as cur:
        devices = []
        for k in range(args.devices):  # bench-00000 … (ids sort as they are made)
            cell = rng.choice(grid)
            devices.append((f"bench-{k:06d}", "streetlight", *jitter(rng, cell), *cell[:4]))
        execute_values(cur, "INSERT INTO devices (device_id, kind, lon, lat, grid_code,"
                       " community_code, street_code, district_code) VALUES %s", devices)
        execute_values(cur, "INSERT INTO device_state (device_id, last_ts, status) VALUES %s",
                       [(d[0], now, rng.choice(STATUSES)) for d in devices])
        incidents = []
        for k in range(args.incidents * 2):  # the last 24 h and the day before
            cell = rng.choice(grid)
            at = now - timedelta(seconds=rng.uniform(0, 86400) + (86400 if k % 2 else 0))
            incidents.append((SOURCES[k % 4], f"bench-{k}", "暴露垃圾", *jitter(rng, cell),
                              *cell[:4], at))
        execute_values(cur, "INSERT INTO incidents (source, source_id, category, lon, lat,"
                       " grid_code, community_code, street_code, district_code, reported_at)"
                       " VALUES %s", incidents, page_size=5000)
        cases(cur, rng, grid, now, args.open_cases, 300)
        workers = [(f"bench-w{k:03d}", f"网格员{k}", cell[0], cell[4], cell[5],
                    Json(["00:00-24:00"] if k % 3 else []))
                   for k, cell in enumerate(rng.choices(grid, k=args.workers))]
        execute_values(cur, "INSERT INTO workers (worker_id, name, grid_code, lon, lat,"
                       " schedule) VALUES %s", workers)
        cur.execute(STATUS_ROLLUP)  # as the health service's sweep keeps it
    conn.commit()
    add_user(conn, "bench_operator", PASSWORD, "operator", "310000")
    with conn.cursor() as cur:
        cur.execute("ANALYZE")
    conn.commit()
    conn.close()
    return grid


def cases(cur, rng, grid, now, open_n: int, closed_n: int) -> None:
    rows = []
    for k in range(open_n + closed_n):
        cell = rng.choice(grid)
        closed = k >= open_n
        opened = now - timedelta(minutes=rng.uniform(5, 1200))
        rows.append((f"bench-case-{k}", f"案件{k}", SEVERITIES[k % 4],
                     "closed" if closed else "dispatched", *jitter(rng, cell), *cell[:4],
                     opened, opened + timedelta(hours=2) if closed else None,
                     now + timedelta(minutes=rng.uniform(-120, 240))))
    ids = execute_values(cur, "INSERT INTO alerts (fingerprint, kind, title, severity, state,"
                         " lon, lat, grid_code, community_code, street_code, district_code,"
                         " opened_at, closed_at, due_at) VALUES %s RETURNING id, opened_at",
                         [(r[0], "incident", *r[1:]) for r in rows], fetch=True)
    execute_values(cur, "INSERT INTO alert_events (alert_id, at, actor, action, from_state,"
                   " to_state) VALUES %s",
                   [(case_id, opened + timedelta(minutes=15), "bench", "dispatch",
                     "confirmed", "dispatched") for case_id, opened in ids])


# ---------------------------------------------------------------- the dashboard

def start_dashboard(settings: Settings, log_path: Path) -> subprocess.Popen:
    import os
    env = {**os.environ, **settings.to_env(), "CITYOPS_LOG_LEVEL": "WARNING"}
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "cityops", "dashboard"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{settings.dashboard_port}/healthz"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"dashboard exited; see {log_path}") from None
            time.sleep(0.3)
    raise RuntimeError("dashboard did not answer /healthz within 60 s")


def session(base_url: str) -> str:
    """Log in through the form; the session cookie's value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = urllib.parse.urlencode({"username": "bench_operator", "password": PASSWORD,
                                   "next": "/wall"}).encode()
    opener.open(f"{base_url}/login", data=body, timeout=10).read()
    return next(c.value for c in jar if c.name == "cityops_session")


# ---------------------------------------------------------------- first draw

DRAWN_JS = """
const done = arguments[arguments.length - 1];
(function poll() {
  const g = document.querySelector('#wall-map .js-plotly-plot');
  if (g && g.data && g.data.some(t => t.name === 'devices') && g.querySelector('.main-svg')) {
    done(performance.now() / 1000);
  } else { setTimeout(poll, 5); }
})();
"""


def first_draws(base_url: str, cookie: str, loads: int) -> list[float]:
    from tests.browser.harness import chrome
    driver = chrome(1920, 1080)
    driver.set_script_timeout(30)
    try:
        driver.get(f"{base_url}/login")
        driver.add_cookie({"name": "cityops_session", "value": cookie, "path": "/"})
        driver.get(f"{base_url}/wall")  # warm the browser's cache of the app's scripts
        driver.execute_async_script(DRAWN_JS)
        seconds = []
        for _ in range(loads):
            driver.get("about:blank")
            driver.get(f"{base_url}/wall")
            seconds.append(driver.execute_async_script(DRAWN_JS))
        return seconds
    finally:
        driver.quit()


# ---------------------------------------------------------------- refresh

def post(base_url: str, cookie: str, body: bytes) -> tuple[float, bytes]:
    request = urllib.request.Request(
        f"{base_url}/_dash-update-component", data=body, method="POST",
        headers={"Content-Type": "application/json", "Cookie": f"cityops_session={cookie}"})
    started = time.perf_counter()
    answer = urllib.request.urlopen(request, timeout=30).read()
    return time.perf_counter() - started, answer


def five_seconds_of_city(settings: Settings, rng: random.Random, grid, step: int) -> None:
    conn = db.connect(settings.database_url)
    now = datetime.now(UTC)
    with conn, conn.cursor() as cur:
        # As the health service changes statuses: the state and a change row each.
        status = rng.choice(STATUSES[7:]) if step % 2 else "normal"
        changed = [f"bench-{rng.randrange(DEVICES):06d}" for _ in range(20)]
        cur.execute("UPDATE device_state SET status = %s, updated_at = now() WHERE device_id ="
                    " ANY(%s)", (status, changed))
        execute_values(cur, "INSERT INTO device_status_changes (device_id, to_status, reason)"
                       " VALUES %s", [(device, status, "bench") for device in changed])
        cur.execute(STATUS_ROLLUP)  # and its counts per street, in the same transaction
        rows = []
        for k in range(15):
            cell = rng.choice(grid)
            rows.append(("hotline", f"live-{step}-{k}", "暴露垃圾", *jitter(rng, cell),
                         *cell[:4], now))
        execute_values(cur, "INSERT INTO incidents (source, source_id, category, lon, lat,"
                       " grid_code, community_code, street_code, district_code, reported_at)"
                       " VALUES %s", rows)
        cell = rng.choice(grid)
        cur.execute("INSERT INTO alerts (fingerprint, kind, title, severity, lon, lat,"
                    " grid_code, community_code, street_code, district_code) VALUES"
                    " (%s, 'incident', %s, 'major', %s, %s, %s, %s, %s, %s)",
                    (f"live-{step}", f"新案件{step}", *jitter(rng, cell), *cell[:4]))
    conn.close()


def markers(answer: bytes) -> int | None:
    """Markers of the map in a refresh's answer when it is a whole figure; None for a
    Patch (which only recolours or moves what a whole figure drew)."""
    from layers.detail import marker_count
    figure = json.loads(answer)["response"].get("wall-map", {}).get("figure")
    if not isinstance(figure, dict) or figure.get("__dash_patch_update"):
        return None
    return marker_count(figure)


def refreshes(settings: Settings, base_url: str, cookie: str, grid, count: int
              ) -> tuple[list[float], list[int], int, int]:
    rng = random.Random(11)
    _seconds, full = post(base_url, cookie, refresh_body(None, 1))
    memory = next_memory(None, full)
    most = markers(full) or 0
    times, sizes = [], []
    for step in range(count):
        five_seconds_of_city(settings, rng, grid, step)
        seconds, answer = post(base_url, cookie, refresh_body(memory, step + 2))
        memory = next_memory(memory, answer)
        most = max(most, markers(answer) or 0)
        times.append(seconds)
        sizes.append(len(answer))
    _seconds, full_again = post(base_url, cookie, refresh_body(None, count + 2))
    return times, sizes, len(full_again), max(most, markers(full_again) or 0)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def drop(base: Settings, settings: Settings) -> None:
    conn = db.connect(base.owner_url, autocommit=True)
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(settings.database_url.rsplit("/", 1)[1])))
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--incidents", type=int, default=50_000, help="in the last 24 h")
    parser.add_argument("--open-cases", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=300)
    parser.add_argument("--city", action="store_true",
                        help="the whole city at city scale (see the module's doc)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    if args.city:
        args.devices, args.incidents, args.open_cases, args.workers = \
            100_000, 200_000, 5_000, 2_000
    global DEVICES
    DEVICES = args.devices
    loads, count = (3, 60) if args.quick else (7, 300)

    from ops import stack
    base = Settings.from_env()
    stack.up(base)
    settings = scratch(base, uuid.uuid4().hex[:6])
    proc = None
    try:
        started = time.perf_counter()
        grid = fill(settings, datetime.now(UTC), args)
        print(f"city filled in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        log = Path(f"/tmp/cityops-bench-dashboard-{settings.dashboard_port}.log")
        proc = start_dashboard(settings, log)
        base_url = f"http://127.0.0.1:{settings.dashboard_port}"
        cookie = session(base_url)
        draws = first_draws(base_url, cookie, loads)
        times, sizes, full, markers_max = refreshes(settings, base_url, cookie, grid, count)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)
        if not args.keep:
            drop(base, settings)
    patch_bytes = statistics.median(sizes)
    print(f"first draw: {', '.join(f'{s:.2f}' for s in draws)} s", file=sys.stderr)
    print(f"refresh: p50 {quantile(times, 0.5) * 1000:.0f} ms, p95 "
          f"{quantile(times, 0.95) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
          f"over {len(times)}", file=sys.stderr)
    print(f"bytes: full redraw {full:,}, Patch refresh median {patch_bytes:,.0f} "
          f"(min {min(sizes):,}, max {max(sizes):,})", file=sys.stderr)
    from layers.detail import MARKER_BOUND
    result = {"first_draw_s": round(statistics.median(draws), 3),
              "first_draw_max_s": round(max(draws), 3),
              "refresh_p95_s": round(quantile(times, 0.95), 4),
              "patch_bytes_ratio": round(full / patch_bytes, 1),
              "markers_max": markers_max, "marker_bound": MARKER_BOUND}
    if args.city:
        result["scale"] = "city"
        result["targets_met"] = (max(draws) <= 2.0 and quantile(times, 0.95) <= 0.150
                                 and markers_max <= MARKER_BOUND)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
