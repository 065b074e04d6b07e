"""Logged-in clients for the matrix: a dashboard session per account (cookie from the real
/login form) and an API bearer token per account (from POST /api/v1/login)."""

from __future__ import annotations

import requests

from tests.access.servers import Servers

TIMEOUT = 60  # generous: the machine is shared, and the summary PDF takes a few seconds


class Logins:
    def __init__(self, servers: Servers, password: str) -> None:
        self.servers = servers
        self.password = password
        self._sessions: dict[str | None, requests.Session] = {}
        self._tokens: dict[str, str] = {}
        self.issued: list[str] = []  # every session token and API token handed out

    def dashboard(self, account: str | None) -> requests.Session:
        """A session logged in as `account`, or one with no cookie (None)."""
        if account not in self._sessions:
            session = requests.Session()
            if account is not None:
                answer = self.servers.keep(session.post(
                    f"{self.servers.dashboard}/login", allow_redirects=False, timeout=TIMEOUT,
                    data={"username": account, "password": self.password}))
                assert answer.status_code == 302, (account, answer.status_code)
                self.issued.append(session.cookies["cityops_session"])
            self._sessions[account] = session
        return self._sessions[account]

    def api_token(self, account: str, fresh: bool = False) -> str:
        if fresh or account not in self._tokens:
            answer = self.servers.keep(requests.post(
                f"{self.servers.api}/api/v1/login", timeout=TIMEOUT,
                json={"username": account, "password": self.password}))
            assert answer.status_code == 200, (account, answer.status_code, answer.text)
            token = answer.json()["token"]
            self.issued.append(token)
            if fresh:
                return token
            self._tokens[account] = token
        return self._tokens[account]

    def api_headers(self, account: str | None, fresh: bool = False) -> dict[str, str]:
        if account is None:
            return {}
        return {"Authorization": f"Bearer {self.api_token(account, fresh)}"}

    def dashboard_post(self, account: str | None, path: str, body: dict) -> requests.Response:
        return self.servers.keep(self.dashboard(account).post(
            f"{self.servers.dashboard}{path}", json=body, timeout=TIMEOUT))

    def dashboard_get(self, account: str | None, path: str) -> requests.Response:
        return self.servers.keep(self.dashboard(account).get(
            f"{self.servers.dashboard}{path}", allow_redirects=False, timeout=TIMEOUT))
