"""Session rules of the dashboard (and the API token it shares): login rate limit, expiry,
lifetime, logout, deactivation. Each check returns (problems, requests made); the tests
record a row, then assert there are no problems."""

from __future__ import annotations

import re
import secrets

import requests

from dashboard.app import SESSION_SECONDS
from dashboard.i18n import translate
from identity.tokens import digest
from identity.users import add_user
from tests.access.servers import Servers

TIMEOUT = 30
PASSWORD = "Sess-Pw-" + secrets.token_hex(6)
COOKIE = "cityops_session"


def new_user(conn, role: str = "manager", area: str = "310101") -> str:
    """A user of this check alone: locking, expiring or deactivating it harms no other test."""
    name = f"acc_{role}_{secrets.token_hex(4)}"
    add_user(conn, name, PASSWORD, role, area)
    return name


def login(servers: Servers, name: str, password: str = PASSWORD,
          session: requests.Session | None = None) -> requests.Response:
    session = session or requests.Session()
    return servers.keep(session.post(f"{servers.dashboard}/login", allow_redirects=False,
                                     data={"username": name, "password": password},
                                     timeout=TIMEOUT))


def logged_in(servers: Servers, name: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    answer = login(servers, name, session=session)
    assert answer.status_code == 302, answer.text
    return session, session.cookies[COOKIE]


def refused_everywhere(servers: Servers, token: str) -> list[str]:
    """The token no longer opens a page, runs a callback, or calls the API."""
    cookies = {COOKIE: token}
    problems = []
    page = requests.get(f"{servers.dashboard}/triage", cookies=cookies, allow_redirects=False,
                        timeout=TIMEOUT)
    if page.status_code != 302 or not page.headers["Location"].startswith("/login"):
        problems.append(f"page: {page.status_code}")
    layout = requests.get(f"{servers.dashboard}/_dash-layout", cookies=cookies, timeout=TIMEOUT)
    if layout.status_code != 401:
        problems.append(f"dash layout: {layout.status_code}")
    api = requests.get(f"{servers.api}/api/v1/cases", timeout=TIMEOUT,
                       headers={"Authorization": f"Bearer {token}"})
    if api.status_code != 401:
        problems.append(f"api: {api.status_code}")
    return problems


def works(servers: Servers, token: str) -> bool:
    page = requests.get(f"{servers.dashboard}/_dash-layout", cookies={COOKIE: token},
                        timeout=TIMEOUT)
    return page.status_code == 200


def rate_limit(servers: Servers, conn) -> tuple[list[str], int]:
    """5 wrong passwords for one name from one address → the 6th try (even the right
    password) is 429 with the lock message; another name from the same address, and the same
    name from another address, still log in."""
    locked, other = new_user(conn), new_user(conn)
    problems = []
    for attempt in range(5):
        answer = login(servers, locked, "wrong-" + str(attempt))
        if answer.status_code != 401:
            problems.append(f"wrong password {attempt + 1}: {answer.status_code}")
    answer = login(servers, locked)
    message = translate("zh-CN", "login.locked")
    if answer.status_code != 429 or message not in answer.text or COOKIE in answer.headers.get(
            "Set-Cookie", ""):
        problems.append(f"6th try: {answer.status_code}, lock message shown: "
                        f"{message in answer.text}")
    if login(servers, other).status_code != 302:
        problems.append("another name from the same address was locked too")
    # Case does not dodge the lock (the limiter folds the name's case).
    if login(servers, locked.upper()).status_code != 429:
        problems.append("the same name in capitals was not locked")
    # The lock holds a (name, address) pair, so that nobody can lock a colleague out from
    # elsewhere: the same name with the right password from a second address gets in.
    if login(servers, locked, session=from_address("127.0.0.2")).status_code != 302:
        problems.append("the name was locked from a second address too")
    return problems, 10


def from_address(source: str) -> requests.Session:
    """A session whose connections leave from `source` (any 127/8 address is this machine)."""
    class SourceAdapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (source, 0)
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("http://", SourceAdapter())
    return session


def expiry(servers: Servers, conn) -> tuple[list[str], int]:
    """A token past expires_at stops at once: page → /login, Dash → 401, API → 401."""
    _, token = logged_in(servers, new_user(conn))
    problems = [] if works(servers, token) else ["fresh session did not work"]
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE api_tokens SET expires_at = now() - interval '1 second' "
                    "WHERE token_hash = %s", (digest(token),))
        if cur.rowcount != 1:
            problems.append("token row not found")
    problems += refused_everywhere(servers, token)
    return problems, 5


def lifetime(servers: Servers, conn) -> tuple[list[str], int]:
    """The session has an absolute lifetime: the cookie's Max-Age, and the token's
    expires_at in the database, are the same bounded span (a shift and a margin)."""
    session = requests.Session()
    answer = login(servers, new_user(conn), session=session)
    header = answer.headers.get("Set-Cookie", "")
    found = re.search(r"Max-Age=(\d+)", header)
    problems = []
    if found is None:
        return [f"no Max-Age on the session cookie: {header!r}"], 1
    max_age = int(found.group(1))
    if not 0 < max_age <= 12 * 3600 or max_age != SESSION_SECONDS:
        problems.append(f"Max-Age {max_age}")
    with conn, conn.cursor() as cur:
        cur.execute("SELECT extract(epoch FROM expires_at - now()) FROM api_tokens "
                    "WHERE token_hash = %s", (digest(session.cookies[COOKIE]),))
        left = cur.fetchone()[0]
    if abs(float(left) - max_age) > 120:
        problems.append(f"token expires in {left:.0f}s, cookie in {max_age}s")
    return problems, 1


def logout(servers: Servers, conn) -> tuple[list[str], int]:
    """Logging out revokes the token in the database, not just the browser's cookie."""
    session, token = logged_in(servers, new_user(conn))
    answer = servers.keep(session.post(f"{servers.dashboard}/logout", allow_redirects=False,
                                       timeout=TIMEOUT))
    problems = [] if answer.status_code == 302 else [f"logout: {answer.status_code}"]
    if f"{COOKIE}=;" not in answer.headers.get("Set-Cookie", ""):
        problems.append("the cookie was not cleared")
    problems += refused_everywhere(servers, token)
    return problems, 5


def deactivated(servers: Servers, conn) -> tuple[list[str], int]:
    """A deactivated user's open session stops at the next request, and they cannot log in."""
    name = new_user(conn)
    _, token = logged_in(servers, name)
    problems = [] if works(servers, token) else ["fresh session did not work"]
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE users SET active = false WHERE username = %s", (name,))
    problems += refused_everywhere(servers, token)
    if login(servers, name).status_code != 401:
        problems.append("a deactivated user logged in")
    return problems, 6
