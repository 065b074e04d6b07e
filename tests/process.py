"""Running the real `cityops` command line from tests, with a run's settings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cityops.settings import REPO_ROOT, Settings


def cli_env(settings: Settings | None, **overrides: str) -> dict[str, str]:
    """The environment of a child: the test run's settings, or (None) the caller's own."""
    env = dict(os.environ)
    if settings is not None:
        env.update(settings.to_env())
    env.update(overrides)
    return env


def run_cli(settings: Settings | None, *args: str, timeout: float = 60,
            **overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cityops", *args], cwd=REPO_ROOT,
                          env=cli_env(settings, **overrides), capture_output=True, text=True,
                          timeout=timeout)


def start_cli(settings: Settings, *args: str, **overrides: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cityops", *args], cwd=REPO_ROOT,
                            env=cli_env(settings, **overrides), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_http(url: str, timeout: float = 30, proc: subprocess.Popen | None = None) -> bytes:
    """GET a URL until it answers 200; fail early if the process behind it died."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process exited with {proc.returncode}: "
                                 f"{proc.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError as exc:
            last = exc
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout}s: {last}")


@contextmanager
def serving(settings: Settings, log_path: Path, *args: str, health_url: str | None = None,
            **overrides: str) -> Iterator[subprocess.Popen]:
    """A long-running `cityops <args>` writing to a log file (a pipe nobody reads would
    block a busy server), ready once `health_url` answers; SIGTERM at the end."""
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "cityops", *args], cwd=REPO_ROOT,
                                env=cli_env(settings, **overrides), stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            if health_url:
                wait_http(health_url, proc=proc)
            yield proc
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process on this machine, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace")
        except OSError:
            continue  # it ended while we looked
        # The command name in parentheses may hold spaces; the parent pid follows the last ')'.
        table[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), command)
    return table


def descendants(pid: int, table: dict[int, tuple[int, str]] | None = None) -> list[int]:
    """Every process below `pid` (children, their children, ...)."""
    table = process_table() if table is None else table
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, (ppid, _) in table.items() if ppid == parent]
        found += children
        frontier += children
    return found
