"""The dashboard process over HTTP: health and metrics open, everything else behind a login,
sessions that end, and no cross-site posts."""

import json

import pytest
import requests

from tests.process import wait_http

pytestmark = pytest.mark.integration


def _session(world, username: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{world.url}/login", data={"username": username,
                                                      "password": world.password},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    return session


def test_health_and_metrics_need_no_login(dashboard_world) -> None:
    health = json.loads(wait_http(f"{dashboard_world.url}/healthz"))
    assert health["ok"] is True and health["service"] == "dashboard"
    assert b"cityops_dashboard_requests_total" in wait_http(f"{dashboard_world.url}/metrics")


@pytest.mark.parametrize("path", ["/", "/wall", "/triage", "/worker", "/summary", "/admin"])
def test_pages_redirect_to_the_login(dashboard_world, path) -> None:
    answer = requests.get(f"{dashboard_world.url}{path}", allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/_dash-layout", "/_dash-dependencies"])
def test_dash_endpoints_need_a_session(dashboard_world, path) -> None:
    assert requests.get(f"{dashboard_world.url}{path}", timeout=10).status_code == 401


def test_callbacks_need_a_session(dashboard_world) -> None:
    answer = requests.post(f"{dashboard_world.url}/_dash-update-component",
                           json={"output": "wall-map.figure", "inputs": []}, timeout=10)
    assert answer.status_code == 401


def test_login_page_speaks_chinese_by_default_and_english_on_request(dashboard_world) -> None:
    assert "用户名" in requests.get(f"{dashboard_world.url}/login", timeout=10).text
    english = requests.get(f"{dashboard_world.url}/login", cookies={"cityops_lang": "en"},
                           timeout=10).text
    assert "Username" in english and "用户名" not in english


def test_login_sends_each_role_home_and_logout_revokes(dashboard_world) -> None:
    session = _session(dashboard_world, "manager_hp")
    assert session.get(f"{dashboard_world.url}/", allow_redirects=False,
                       timeout=10).headers["Location"] == "/triage"
    assert session.get(f"{dashboard_world.url}/_dash-layout", timeout=10).status_code == 200
    token = session.cookies["cityops_session"]
    session.post(f"{dashboard_world.url}/logout", timeout=10)
    stale = requests.get(f"{dashboard_world.url}/_dash-layout",
                         cookies={"cityops_session": token}, timeout=10)
    assert stale.status_code == 401


def test_a_link_to_logout_logs_nobody_out(dashboard_world) -> None:
    """Issue 13: `GET /logout` let any page's link or image end a user's session. Leaving
    is a POST (same origin, the guard's second lock), and it revokes the token."""
    session = _session(dashboard_world, "manager_hp")
    answer = session.get(f"{dashboard_world.url}/logout", allow_redirects=False, timeout=10)
    assert answer.status_code == 405
    assert session.get(f"{dashboard_world.url}/_dash-layout", timeout=10).status_code == 200


def test_callback_of_a_page_not_for_the_role_is_refused(dashboard_world) -> None:
    session = _session(dashboard_world, "worker_hp")
    answer = session.post(f"{dashboard_world.url}/_dash-update-component",
                          json={"output": "admin-users.data", "inputs": []}, timeout=10)
    assert answer.status_code == 403


def test_cross_site_post_is_refused(dashboard_world) -> None:
    session = _session(dashboard_world, "operator")
    answer = session.post(f"{dashboard_world.url}/_dash-update-component",
                          json={"output": "wall-map.figure", "inputs": []},
                          headers={"Origin": "https://evil.example"}, timeout=10)
    assert answer.status_code == 403


def test_open_redirect_after_login_is_not_possible(dashboard_world) -> None:
    answer = requests.post(f"{dashboard_world.url}/login",
                           data={"username": "operator", "password": dashboard_world.password,
                                 "next": "//evil.example/x"}, allow_redirects=False, timeout=10)
    assert answer.headers["Location"] == "/wall"


def test_a_hand_made_worker_move_with_a_bad_case_id_is_refused_not_a_crash(dashboard_world) -> None:
    session = _session(dashboard_world, "worker_hp")
    button = {"action": "accept", "id": "1; DROP TABLE alerts", "type": "worker-act",
              "version": 1}
    key = json.dumps(button, separators=(",", ":"), sort_keys=True)
    body = {"output": "..worker-list.children...worker-count.children..."
                      "worker-message.children...worker-message.className..",
            "outputs": [{"id": "worker-list", "property": "children"},
                        {"id": "worker-count", "property": "children"},
                        {"id": "worker-message", "property": "children"},
                        {"id": "worker-message", "property": "className"}],
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}],
                       {"id": "worker-refresh", "property": "n_clicks", "value": None}],
            "state": [[], []], "changedPropIds": [f"{key}.n_clicks"]}
    answer = session.post(f"{dashboard_world.url}/_dash-update-component", json=body,
                          timeout=10)
    assert answer.status_code == 200, answer.text[:300]
    assert "任务不存在" in answer.text
