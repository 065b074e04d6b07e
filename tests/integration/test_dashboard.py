"""The dashboard process: serves its page, health and metrics, in Chinese by default."""

import json

import pytest

from tests.process import wait_http

pytestmark = pytest.mark.integration


def test_health_and_metrics(dashboard_url) -> None:
    health = json.loads(wait_http(f"{dashboard_url}/healthz"))
    assert health["ok"] is True and health["service"] == "dashboard"
    assert b"cityops_dashboard_requests_total" in wait_http(f"{dashboard_url}/metrics")


def test_layout_speaks_chinese_by_default(dashboard_url) -> None:
    layout = json.loads(wait_http(f"{dashboard_url}/_dash-layout"))
    text = json.dumps(layout, ensure_ascii=False)
    assert "CityOps 城市运行中心" in text
    assert "一网统管" in text
