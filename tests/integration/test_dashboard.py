"""The dashboard process: serves its page, health and metrics, in Chinese by default."""

import json
import signal
import subprocess

import pytest

from tests.process import start_cli, wait_http

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def dashboard(settings):
    proc = start_cli(settings, "dashboard")
    url = f"http://127.0.0.1:{settings.dashboard_port}"
    wait_http(f"{url}/healthz", proc=proc)
    yield url
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


def test_health_and_metrics(dashboard) -> None:
    health = json.loads(wait_http(f"{dashboard}/healthz"))
    assert health["ok"] is True and health["service"] == "dashboard"
    assert b"cityops_dashboard_requests_total" in wait_http(f"{dashboard}/metrics")


def test_layout_speaks_chinese_by_default(dashboard) -> None:
    layout = json.loads(wait_http(f"{dashboard}/_dash-layout"))
    text = json.dumps(layout, ensure_ascii=False)
    assert "CityOps 城市运行中心" in text
    assert "一网统管" in text
