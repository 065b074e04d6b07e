"""`cityops demo` brings everything up, data flows end to end, and Ctrl-C stops it all."""

import signal
import socket
import time

import pytest
import requests

from geo.store import write_areas
from sim.seed.people import DEMO_PASSWORD
from store import db as store_db
from tests.process import start_cli, wait_http

pytestmark = pytest.mark.integration


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def simulated_rows(db) -> int:
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM readings")
        count = cur.fetchone()[0]
    db.rollback()
    return count


@pytest.fixture(scope="module")
def demo_world(isolated, small_city_areas):
    """A world of its own with a small city loaded, so the demo skips building Shanghai."""
    settings = isolated("demo")
    conn = store_db.connect(settings.database_url)
    write_areas(conn, small_city_areas)
    yield settings, conn
    conn.close()


@pytest.mark.parametrize("attempt", [1, 2])  # the second run proves it can start again
def test_demo_runs_and_stops_everything_it_started(demo_world, attempt: int) -> None:
    settings, db = demo_world
    before = simulated_rows(db)
    proc = start_cli(settings, "demo", "--rate", "400", "--devices", "500")
    try:
        url = f"http://127.0.0.1:{settings.dashboard_port}"
        assert "登录".encode() in wait_http(f"{url}/", timeout=60, proc=proc)
        # The demo's own accounts let an operator in, onto the wall screen.
        wall = requests.post(f"{url}/login", data={"username": "operator",
                                                   "password": DEMO_PASSWORD}, timeout=10)
        assert wall.url.endswith("/wall") and "<title>CityOps</title>" in wall.text
        wait_http(f"http://127.0.0.1:{settings.ingest_metrics_port}/healthz", proc=proc)
        wait_http(f"http://127.0.0.1:{settings.alerts_metrics_port}/healthz", proc=proc)
        deadline = time.monotonic() + 60
        while simulated_rows(db) == before and time.monotonic() < deadline:
            time.sleep(0.5)
        assert simulated_rows(db) > before, "simulated readings never reached the store"
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=40)
    assert proc.returncode == 0, err[-2000:]
    assert "cityops demo: stopped services" in out
    if attempt == 1:
        assert f"with the demo password {DEMO_PASSWORD}" in out
    assert port_closed(settings.dashboard_port)
    assert port_closed(settings.ingest_metrics_port)
    assert port_closed(settings.alerts_metrics_port)
