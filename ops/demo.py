"""`cityops demo`: the local stack, the schema, a simulated city, ingest, alerts, dashboard.

Everything it starts it stops again on Ctrl-C or SIGTERM: the services as child
processes, the stack only if it was not already running.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request

from cityops.service import StopSignal, check_port_free
from cityops.settings import REPO_ROOT, Settings
from dashboard.access import HOME_PAGE
from geo import store as geo_store
from geo.cities import find as find_city
from geo.demo import build_demo
from ops import stack
from sim.seed import seed_city
from sim.seed import units as seed_units
from sim.seed.grid import read_cells
from sim.seed.people import DEMO_PASSWORD
from store import db, features, retention
from store.migrate import migrate


class OtherCity(Exception):
    """The database holds a different city than CITYOPS_CITY names; the message says what
    to do, since mixing two cities' areas would place devices and cases in neither."""


def _prepare_city(conn, settings: Settings) -> None:
    """Build the city CITYOPS_CITY names the first time; refuse a database of another city."""
    held = geo_store.city_rows(conn)
    if held and all(code != settings.city for code, _ in held):
        shown = ", ".join(f"{name} ({code})" for code, name in held)
        raise OtherCity(
            f"the database holds {shown}, but CITYOPS_CITY is {settings.city}; either set "
            f"CITYOPS_CITY={held[0][0]}, or replace the areas with `bin/cityops geo build-demo "
            f"--city {settings.city}` (devices, cases and accounts of the old city stay: "
            f"for a clean start stop the demo and remove {settings.state_dir}/postgres)")
    if held or not geo_store.read_areas(conn, ["district"]).empty:
        return  # built before, or imported by the user (a city row is optional then)
    city = find_city(settings.city)
    name = settings.city_name or city.name_zh
    print(f"cityops demo: building the demo city ({name}) once, about 30 s", flush=True)
    geo_store.write_areas(conn, build_demo(seed=1, city=city.code,
                                           city_name=settings.city_name or None))


def _prepare_store(settings: Settings) -> None:
    """Schema, and the demo city (CITYOPS_CITY) the first time: sim places devices on its grid.

    The schema as its owner; the city and its people as the services' role, like any
    other writer of data (docs/operations.md, "Database roles")."""
    conn = db.connect(settings.owner_url, setting="CITYOPS_OWNER_DATABASE_URL")
    try:
        migrate(conn, settings.timescale)
        retention.apply_policies(conn, features.current(conn), settings.readings_retention_days,
                                 settings.compress_after_days)
    finally:
        conn.close()
    conn = db.connect(settings.database_url)
    try:
        _prepare_city(conn, settings)
        _seed_people_and_history(conn)
        _seed_units(conn)
    finally:
        conn.close()


def _seed_people_and_history(conn) -> None:
    """The first time: demo accounts, workers on duty and a week of history, so the summary
    and the triage queue have something to show before the live stream has run a day.
    Devices are left to the simulator, which registers and feeds its own."""
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM users")
        if cur.fetchone()[0]:
            return
    print("cityops demo: adding demo accounts, workers and a week of history", flush=True)
    report = seed_city(conn, devices_count=0, readings_devices=0, open_cases=150,
                       incidents_24h=2000)
    print(f"cityops demo: log in as {', '.join(report.users)} "
          f"with the demo password {report.password}", flush=True)


def _seed_units(conn) -> None:
    """Departments, the responsibility list and unit staff (issue #16), once; also for a
    demo database made before they existed."""
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM responsibilities")
        if cur.fetchone()[0]:
            return
    conn.rollback()
    cells = read_cells(conn)
    staff = seed_units.write(conn, cells, DEMO_PASSWORD)
    seed_units.hand_over(conn, cells)
    print(f"cityops demo: units and the responsibility list added; unit staff and the street "
          f"desk log in as {', '.join(staff)} with the demo password", flush=True)


def _accounts(settings: Settings) -> list[tuple[str, str, str]]:
    """(username, role, area name) of the demo accounts, the desk roles first."""
    conn = db.connect(settings.database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT u.username, u.role, coalesce(a.name_zh, u.area_code) FROM users u"
                        " LEFT JOIN areas a ON a.code = u.area_code ORDER BY u.role, u.username")
            return cur.fetchall()
    finally:
        conn.close()


def _print_logins(settings: Settings, url: str) -> None:
    print(f"Log in with the demo password {DEMO_PASSWORD} as:", flush=True)
    for username, role, area in _accounts(settings):
        where = HOME_PAGE.get(role, "")
        print(f"  {username:<14} {role:<9} {area:<10} {url.rstrip('/')}/{where}", flush=True)
    # Last, so whoever reads this (a person, the demo's own test) has the list above it.
    print(f"CityOps demo running: {url}  (Ctrl-C stops it)", flush=True)


# About one incident report a second at the demo's 2,000 messages a second: ~86,000 a day,
# the order of a megacity's 12345 calls and patrol finds together. The simulator's own
# default (2% of readings) is for tests and benches that want many incidents quickly; at
# the demo's rate it made 40 a second, 3.5 million a day, and a case signal in every poll.
DEMO_INCIDENT_SHARE = 0.0005


def _serving(url: str, children: list[subprocess.Popen], stop: StopSignal,
             timeout: float = 300) -> bool:
    """Wait until the dashboard answers, so the logins printed work when read; False when
    asked to stop first, or a service ended (the loop below reports which)."""
    deadline = time.monotonic() + timeout
    while not stop.requested and time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def _child(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cityops", *args], cwd=REPO_ROOT,
                            start_new_session=True)


def run(settings: Settings, rate: float, devices: int) -> int:
    check_port_free(settings.dashboard_host, settings.dashboard_port, "CITYOPS_DASHBOARD_PORT")
    report = stack.up(settings)
    children: list[subprocess.Popen] = []
    stop = StopSignal()
    try:
        try:
            _prepare_store(settings)
        except (OtherCity, ValueError) as error:  # ValueError: an unknown CITYOPS_CITY
            print(f"cityops demo: {error}", file=sys.stderr)
            return 2
        children = [_child("ingest"), _child("alerts"), _child("escalate"), _child("health"),
                    _child("api"), _child("bridge", "mqtt"),
                    _child("sim", "--rate", str(rate), "--devices", str(devices),
                           "--incident-share", str(DEMO_INCIDENT_SHARE)),
                    _child("dashboard")]
        url = f"http://{settings.dashboard_host}:{settings.dashboard_port}/"
        if _serving(f"{url}healthz", children, stop):
            _print_logins(settings, url)
        while not stop.requested:
            ended = [child for child in children if child.poll() is not None]
            if ended:
                names = ", ".join(f"{' '.join(child.args[3:])} (exit {child.returncode})"
                                  for child in ended)
                print(f"cityops demo: a service exited: {names}; stopping the demo",
                      file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        stopped = stack.down(settings, only=report.started)
        print(f"cityops demo: stopped services; stack: {', '.join(stopped) or 'left as it was'}")
