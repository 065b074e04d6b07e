"""Access, long version: sessions and cross-site requests (tests/access/session_checks.py,
csrf_checks.py), each a results row; repeated a few rounds with fresh users each time, so a
rule that holds only by luck of timing shows up."""

from __future__ import annotations

import pytest
import requests

from tests.access import csrf_checks, session_checks
from tests.access.dash_calls import find
from tests.access.servers import running

pytestmark = [pytest.mark.reliability, pytest.mark.integration]

ROUNDS = 3
CHECKS = {"login rate limit (5 wrong → 429; other names, other addresses unaffected)":
              session_checks.rate_limit,
          "session expiry (expired token → /login, 401)": session_checks.expiry,
          "session lifetime (cookie Max-Age = token expiry)": session_checks.lifetime,
          "logout revokes the token": session_checks.logout,
          "deactivated user's session stops at once": session_checks.deactivated,
          "session cookie HttpOnly, SameSite=Strict, Path=/": csrf_checks.cookie_flags,
          "API ignores cookies (bearer only: no CSRF)":
              csrf_checks.api_ignores_ambient_credentials}


@pytest.fixture(scope="module")
def servers(dashboard_world, tmp_path_factory):
    with running(dashboard_world.settings, tmp_path_factory.mktemp("sessions")) as started:
        yield started


def test_session_rules(servers, dashboard_world, results) -> None:
    conn = dashboard_world.connect()
    everything = []
    try:
        for name, check in CHECKS.items():
            problems, sent = [], 0
            for _ in range(ROUNDS):
                found, made = check(servers, conn)
                problems += found
                sent += made
            results.add("access", name, not problems, requests=sent, rounds=ROUNDS,
                        problems="; ".join(problems)[:200])
            everything += problems
    finally:
        conn.close()
    assert everything == []


def test_cross_site_posts_to_the_dashboard_are_refused(servers, dashboard_world,
                                                       results) -> None:
    session = requests.Session()
    session.post(f"{servers.dashboard}/login", timeout=30, allow_redirects=False,
                 data={"username": "admin", "password": dashboard_world.password})
    deps = session.get(f"{servers.dashboard}/_dash-dependencies", timeout=30).json()
    conn = dashboard_world.connect()
    try:
        problems, sent = csrf_checks.dashboard_posts(servers, conn,
                                                     find(deps, "triage-queue.rowData")["output"])
    finally:
        conn.close()
    results.add("access", "CSRF: foreign Origin/Referer refused on callback, login, logout",
                not problems, requests=sent, problems="; ".join(problems)[:200])
    assert problems == []
