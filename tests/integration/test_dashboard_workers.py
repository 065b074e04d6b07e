"""A freshly started dashboard serves its scripts to the first burst of requests.

Dash fills its registry of script paths on the first request, behind a flag it sets
before doing the work (plotly/dash#3971). Under gunicorn's threaded workers a script
request arriving in that gap was answered 500, and the wall never drew. The app now runs
that set-up before the workers are forked; here a new dashboard process gets a burst of
concurrent script requests before anything else has warmed its workers.
"""

from __future__ import annotations

import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import free_port
from tests.process import serving

pytestmark = pytest.mark.integration

SCRIPT = re.compile(r'<script src="(/_dash-component-suites/[^"]+)"')


def wait_for_port(port: int, timeout_s: float = 60) -> None:
    """Listening, without an HTTP request: one would warm a worker before the burst."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {timeout_s} s")


def test_the_first_burst_of_script_requests_is_served(dashboard_world, tmp_path) -> None:
    settings = dashboard_world.settings.replace(dashboard_port=free_port())
    url = f"http://127.0.0.1:{settings.dashboard_port}"
    # The shared dashboard's index names the same scripts; asking it warms nothing here.
    session = requests.Session()
    session.post(f"{dashboard_world.url}/login", timeout=10,
                 data={"username": dashboard_world.users["operator"],
                       "password": dashboard_world.password})
    scripts = SCRIPT.findall(session.get(f"{dashboard_world.url}/wall", timeout=10).text)
    assert len(scripts) >= 5, "the wall's index lists Dash's script bundles"
    with serving(settings, tmp_path / "dashboard.log", "dashboard"):
        wait_for_port(settings.dashboard_port)
        time.sleep(1)  # the workers are forked just after the socket opens
        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(
                lambda path: requests.get(f"{url}{path}", cookies=session.cookies,
                                          timeout=30).status_code,
                scripts * 4))
    refused = {path: code for path, code in zip(scripts * 4, answers, strict=True)
               if code != 200}
    assert not refused, refused
