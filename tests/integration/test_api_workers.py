"""`cityops api` is served by gunicorn worker processes, not Werkzeug's development server:
as many workers as CITYOPS_API_WORKERS says, and a clean stop on SIGTERM."""

from __future__ import annotations

import time

import pytest
import requests

from tests.conftest import free_port
from tests.process import descendants, serving

pytestmark = pytest.mark.integration

WORKERS = 3


def wait_for_children(pid: int, count: int, timeout_s: float = 30) -> list[int]:
    """The process's children once there are `count` of them (workers fork after the bind)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = descendants(pid)
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"process {pid} has {descendants(pid)} below it, not {count} workers")


def test_the_api_runs_gunicorn_workers(settings, tmp_path) -> None:
    run = settings.replace(api_port=free_port())
    url = f"http://127.0.0.1:{run.api_port}"
    with serving(run, tmp_path / "api.log", "api", health_url=f"{url}/healthz",
                 CITYOPS_API_WORKERS=str(WORKERS)) as proc:
        answer = requests.get(f"{url}/healthz", timeout=10)
        assert answer.status_code == 200
        assert answer.headers.get("Server", "").startswith("gunicorn"), answer.headers
        assert len(wait_for_children(proc.pid, WORKERS)) == WORKERS
        # The login lock is one for all workers (a table): once five wrong passwords locked
        # a name, every later try is refused, whichever worker answers it.
        name = f"nobody-{run.api_port}"
        answers = [requests.post(f"{url}/api/v1/login", timeout=10,
                                 json={"username": name, "password": "wrong"}).status_code
                   for _ in range(5 + 2 * WORKERS)]
        assert answers == [401] * 5 + [429] * 2 * WORKERS
    assert proc.returncode == 0, (tmp_path / "api.log").read_text()[-2000:]
