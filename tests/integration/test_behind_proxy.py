"""Behind a reverse proxy (CITYOPS_TRUSTED_PROXIES = hops): the dashboard's Origin check
compares with the host and scheme the proxy forwarded, and the login lock (dashboard and
API) counts per forwarded client address. With no trusted proxy (the default) a client's own
X-Forwarded-* headers change nothing: they neither pass the Origin check nor split the lock.

Requests here play the proxy: they carry the headers nginx would add.
"""

from __future__ import annotations

import pytest
import requests

from tests.access.servers import running
from tests.access.session_checks import PASSWORD, TIMEOUT, new_user

pytestmark = pytest.mark.integration

PUBLIC = "https://ops.example.org"


def forwarded(client: str) -> dict[str, str]:
    """What a proxy at https://ops.example.org adds for a browser at `client`."""
    return {"X-Forwarded-For": client, "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "ops.example.org", "Origin": PUBLIC}


def dashboard_login(servers, name: str, password: str, headers: dict) -> int:
    return requests.post(f"{servers.dashboard}/login", headers=headers, allow_redirects=False,
                         data={"username": name, "password": password},
                         timeout=TIMEOUT).status_code


def api_login(servers, name: str, password: str, headers: dict) -> int:
    return requests.post(f"{servers.api}/api/v1/login", headers=headers, timeout=TIMEOUT,
                         json={"username": name, "password": password}).status_code


def spoofed(client: str) -> dict[str, str]:
    """What a client sends itself, straight to us, to pass as `client`."""
    return {"X-Forwarded-For": client}


def lock_from(servers, login, conn, headers, locked_from: str, then_from: str) -> list[int]:
    """Five wrong passwords sent with `headers(locked_from)`, then the right one with those
    and with `headers(then_from)`: the status codes of those last two (a login that goes
    through is 200 on the API and 302 on the dashboard: both are counted as 'in')."""
    name = new_user(conn)
    for attempt in range(5):
        assert login(servers, name, f"wrong-{attempt}", headers(locked_from)) == 401
    return [_in(login(servers, name, PASSWORD, headers(locked_from))),
            _in(login(servers, name, PASSWORD, headers(then_from)))]


def _in(status: int) -> int | str:
    return "in" if status in (200, 302) else status


@pytest.fixture(scope="module")
def proxied(dashboard_world, tmp_path_factory):
    with running(dashboard_world.settings, tmp_path_factory.mktemp("proxied"),
                 CITYOPS_TRUSTED_PROXIES="1") as started:
        yield started


@pytest.fixture(scope="module")
def direct(dashboard_world, tmp_path_factory):
    with running(dashboard_world.settings, tmp_path_factory.mktemp("direct")) as started:
        yield started


@pytest.fixture
def conn(dashboard_world):
    conn = dashboard_world.connect()
    yield conn
    conn.close()


def test_a_login_through_the_trusted_proxy_passes_the_origin_check(proxied, conn) -> None:
    assert dashboard_login(proxied, new_user(conn), PASSWORD, forwarded("203.0.113.7")) == 302
    # The forwarded host is now "ours": a foreign page is still refused.
    foreign = {**forwarded("203.0.113.7"), "Origin": "https://evil.example"}
    assert dashboard_login(proxied, new_user(conn), PASSWORD, foreign) == 403


@pytest.mark.parametrize("login", [dashboard_login, api_login], ids=["dashboard", "api"])
def test_the_trusted_proxy_lock_counts_per_forwarded_client(proxied, conn, login) -> None:
    assert lock_from(proxied, login, conn, forwarded, "203.0.113.7",
                     "203.0.113.8") == [429, "in"]


@pytest.mark.parametrize("login", [dashboard_login, api_login], ids=["dashboard", "api"])
def test_without_a_trusted_proxy_a_spoofed_address_does_not_split_the_lock(direct, conn,
                                                                          login) -> None:
    assert lock_from(direct, login, conn, spoofed, "203.0.113.7",
                     "203.0.113.8") == [429, 429]


def test_without_a_trusted_proxy_forwarded_host_and_scheme_are_ignored(direct, conn) -> None:
    # The forwarded host and scheme would make a foreign Origin look like ours.
    assert dashboard_login(direct, new_user(conn), PASSWORD, forwarded("203.0.113.7")) == 403
    spoofed = {"X-Forwarded-Proto": "https",
               "Origin": direct.dashboard.replace("http://", "https://")}
    assert dashboard_login(direct, new_user(conn), PASSWORD, spoofed) == 403
    # Its own origin still logs in.
    assert dashboard_login(direct, new_user(conn), PASSWORD,
                           {"Origin": direct.dashboard}) == 302

