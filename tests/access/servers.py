"""A dashboard and an HTTP API of our own on a seeded world, their logs kept in files.

Our own processes (not the session's shared dashboard) so that the logs we read for secrets
are only of our requests, the login limiter is ours to trip, and the DATABASE_URL carries a
password (local trust authentication ignores it) that must then never be shown anywhere.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

from cityops.settings import REPO_ROOT, Settings
from tests.conftest import free_port
from tests.process import cli_env, wait_http

# A password the servers are given in DATABASE_URL; no answer or log line may contain it.
DATABASE_PASSWORD = "Db-Pw-7f3c9e1a-never-shown"


def with_password(url: str, password: str = DATABASE_PASSWORD) -> str:
    parts = urlsplit(url)
    user = parts.username or "cityops"
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))


@dataclass
class Servers:
    dashboard: str
    api: str
    settings: Settings
    logs: list[Path]
    # Every answer the tests received, for the secret crawl (tests/access/secrets.py).
    answers: list[requests.Response] = field(default_factory=list)

    def keep(self, answer: requests.Response) -> requests.Response:
        self.answers.append(answer)
        return answer


def _start(settings: Settings, command: str, log: Path, env: dict[str, str]) -> subprocess.Popen:
    handle = log.open("w")
    # DEBUG: the most a service would ever write about a request goes into the crawl.
    return subprocess.Popen([sys.executable, "-m", "cityops", command], cwd=REPO_ROOT,
                            env=cli_env(settings, CITYOPS_LOG_LEVEL="DEBUG", **env),
                            stdout=handle, stderr=subprocess.STDOUT)


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def running(world_settings: Settings, folder: Path, **env: str) -> Iterator[Servers]:
    """`cityops dashboard` and `cityops api` on `world_settings`' database, fresh ports;
    `env`: more settings for both, as environment variables."""
    settings = world_settings.replace(
        database_url=with_password(world_settings.database_url), dashboard_port=free_port(),
        api_port=free_port())
    logs = [folder / "dashboard.log", folder / "api.log"]
    procs = [_start(settings, "dashboard", logs[0], env), _start(settings, "api", logs[1], env)]
    try:
        dashboard = f"http://127.0.0.1:{settings.dashboard_port}"
        api = f"http://127.0.0.1:{settings.api_port}"
        wait_http(f"{dashboard}/healthz", timeout=60, proc=None)
        wait_http(f"{api}/healthz", timeout=60, proc=None)
        yield Servers(dashboard, api, settings, logs)
    finally:
        for proc in procs:
            _stop(proc)
