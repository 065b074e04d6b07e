"""Sessions and cross-site requests, against a real dashboard and API of our own: the
login rate limit, expiry, the session's lifetime, logout, deactivation, the CSRF lock on
state-changing dashboard requests and the session cookie's flags. Each check makes users of
its own (tests/access/session_checks.py), so locking and expiring them harms nobody."""

from __future__ import annotations

import pytest
import requests

from tests.access import csrf_checks, session_checks
from tests.access.dash_calls import find
from tests.access.servers import running

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def servers(dashboard_world, tmp_path_factory):
    with running(dashboard_world.settings, tmp_path_factory.mktemp("sessions")) as started:
        yield started


@pytest.fixture
def conn(dashboard_world):
    conn = dashboard_world.connect()
    yield conn
    conn.close()


@pytest.mark.parametrize("check", [session_checks.rate_limit, session_checks.expiry,
                                   session_checks.lifetime, session_checks.logout,
                                   session_checks.deactivated, csrf_checks.cookie_flags,
                                   csrf_checks.api_ignores_ambient_credentials],
                         ids=lambda check: check.__name__)
def test_session_rule(servers, conn, check) -> None:
    problems, _requests = check(servers, conn)
    assert problems == []


def test_cross_site_posts_to_the_dashboard_are_refused(servers, conn, dashboard_world) -> None:
    session = requests.Session()
    session.post(f"{servers.dashboard}/login", timeout=30, allow_redirects=False,
                 data={"username": "admin", "password": dashboard_world.password})
    deps = session.get(f"{servers.dashboard}/_dash-dependencies", timeout=30).json()
    problems, _requests = csrf_checks.dashboard_posts(
        servers, conn, find(deps, "triage-queue.rowData")["output"])
    assert problems == []
