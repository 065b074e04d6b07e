"""Cross-site request forgery: the dashboard refuses state-changing requests from another
origin, and its session cookie is HttpOnly, SameSite=Strict, Path=/.

The HTTP API needs no such lock: it authenticates by the `Authorization: Bearer` header,
which a browser never adds on its own to a request another site makes (unlike a cookie),
and it ignores cookies — even the dashboard's session cookie, which holds a valid token.
A forged request from a foreign page therefore arrives without credentials and gets 401;
`api_ignores_ambient_credentials` proves exactly that.
"""

from __future__ import annotations

import requests

from tests.access.servers import Servers
from tests.access.session_checks import COOKIE, PASSWORD, TIMEOUT, logged_in, new_user, works

FOREIGN = "http://evil.example"


def _refused(answer: requests.Response) -> bool:
    return answer.status_code == 403 and "cross-site" in answer.text


def dashboard_posts(servers: Servers, conn, deps_output: str) -> tuple[list[str], int]:
    """A callback, the login form and logout, each sent with a foreign Origin (or only a
    foreign Referer, or Origin `null`), are refused; the same from our origin go through."""
    name = new_user(conn)
    session, token = logged_in(servers, name)
    url = servers.dashboard
    body = {"output": deps_output, "outputs": [], "inputs": [], "state": [],
            "changedPropIds": []}
    problems = []
    forged = [{"Origin": FOREIGN}, {"Referer": f"{FOREIGN}/page"}, {"Origin": "null"},
              {"Origin": url.replace("127.0.0.1", "localhost")}]
    for headers in forged:
        sent = [
            ("callback", session.post(f"{url}/_dash-update-component", json=body,
                                      headers=headers, timeout=TIMEOUT)),
            ("login", requests.post(f"{url}/login", headers=headers, allow_redirects=False,
                                    data={"username": name, "password": PASSWORD},
                                    timeout=TIMEOUT)),
            ("logout", session.post(f"{url}/logout", headers=headers, allow_redirects=False,
                                    timeout=TIMEOUT)),
        ]
        for what, answer in sent:
            servers.keep(answer)
            if not _refused(answer) or COOKIE in answer.headers.get("Set-Cookie", ""):
                problems.append(f"{what} with {headers}: {answer.status_code}")
    if not works(servers, token):
        problems.append("a forged logout ended the session")
    ours = session.post(f"{url}/_dash-update-component", json=body, headers={"Origin": url},
                        timeout=TIMEOUT)
    if ours.status_code in (401, 403):
        problems.append(f"same-origin callback refused: {ours.status_code}")
    return problems, 3 * len(forged) + 2


def cookie_flags(servers: Servers, conn) -> tuple[list[str], int]:
    answer = requests.post(f"{servers.dashboard}/login", allow_redirects=False, timeout=TIMEOUT,
                           data={"username": new_user(conn), "password": PASSWORD})
    header = answer.headers.get("Set-Cookie", "")
    flags = {part.strip().lower() for part in header.split(";")}
    wanted = {"httponly", "samesite=strict", "path=/"}
    missing = wanted - flags
    return ([f"session cookie lacks {sorted(missing)}: {header!r}"] if missing else []), 1


def api_ignores_ambient_credentials(servers: Servers, conn) -> tuple[list[str], int]:
    """What a foreign page can make a browser send to the API: its cookies, not a bearer
    header. With the dashboard's (valid) session cookie and a foreign Origin, a move and a
    read are 401, and no answer lets a foreign page read it (no CORS allowance)."""
    _, token = logged_in(servers, new_user(conn))
    problems = []
    sent = [requests.post(f"{servers.api}/api/v1/cases/1/transitions", timeout=TIMEOUT,
                          json={"action": "confirm", "expected_version": 1},
                          headers={"Origin": FOREIGN}, cookies={COOKIE: token}),
            requests.get(f"{servers.api}/api/v1/cases", timeout=TIMEOUT,
                         headers={"Origin": FOREIGN}, cookies={COOKIE: token})]
    for answer in sent:
        servers.keep(answer)
        if answer.status_code != 401:
            problems.append(f"{answer.request.method} {answer.url}: {answer.status_code}")
        if "Access-Control-Allow-Origin" in answer.headers:
            problems.append(f"CORS allowance on {answer.url}")
    return problems, len(sent)
