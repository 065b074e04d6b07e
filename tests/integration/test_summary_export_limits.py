"""`/export/summary` under load: at most CITYOPS_EXPORT_CONCURRENCY exports run Chromium at
once across all the dashboard's worker processes; beyond that a request waits a bounded time
and then gets 503 with Retry-After; and a PDF printed once is answered from the cache, so
the same request again (or at the same moment) starts no Chromium.

A real `cityops dashboard` of our own on the seeded world. Chromium processes are counted
in /proc below our dashboard's process; prints and cache answers are counted in its log.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

from dashboard.i18n import translate
from tests.conftest import free_port
from tests.process import descendants, process_table, serving

pytestmark = pytest.mark.integration

LIMIT = 2
TIMEOUT = 180


class Dashboard:
    def __init__(self, url: str, pid: int, log: Path, session: requests.Session) -> None:
        self.url, self.pid, self.log, self.session = url, pid, log, session

    def export(self, day: date) -> requests.Response:
        return self.session.get(f"{self.url}/export/summary?date={day.isoformat()}",
                                timeout=TIMEOUT)

    def logged(self, message: str, day: date) -> int:
        """How many of the log's JSON lines say `message` about `day`."""
        count = 0
        for line in self.log.read_text().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            count += entry.get("msg") == message and entry.get("day") == day.isoformat()
        return count


def _start(world, folder: Path, **env: str):
    run = world.settings.replace(dashboard_port=free_port())
    url = f"http://127.0.0.1:{run.dashboard_port}"
    log = folder / "dashboard.log"
    context = serving(run, log, "dashboard", health_url=f"{url}/healthz",
                      CITYOPS_EXPORT_DIR=str(folder / "exports"), **env)
    proc = context.__enter__()
    session = requests.Session()
    answer = session.post(f"{url}/login", allow_redirects=False, timeout=30,
                          data={"username": world.users["leader"], "password": world.password})
    assert answer.status_code == 302, answer.text
    return context, Dashboard(url, proc.pid, log, session)


@pytest.fixture(scope="module")
def dashboard(dashboard_world, tmp_path_factory):
    context, started = _start(dashboard_world, tmp_path_factory.mktemp("exports"),
                              CITYOPS_EXPORT_CONCURRENCY=str(LIMIT),
                              CITYOPS_EXPORT_WAIT_SECONDS="120")
    try:
        yield started
    finally:
        context.__exit__(None, None, None)


def browsers_below(pid: int) -> int:
    """Printing Chromium browsers below `pid`: the main process of each print (its own
    zygotes, renderers and helpers carry `--type=`). Charts are drawn before, by kaleido's
    Chromium, inside the same slot; counting those too would count a slot twice for the
    instant one browser ends as the next starts."""
    table = process_table()

    def printing(p: int) -> bool:
        return "--print-to-pdf" in table.get(p, (0, ""))[1] and "--type=" not in table[p][1]

    # Not one whose parent prints too: a child Chromium has just forked and not yet
    # exec'd still shows its parent's command line (a CI run counted 3 so).
    return sum(1 for child in descendants(pid, table)
               if printing(child) and not printing(table[child][0]))


def test_concurrent_exports_never_run_more_chromium_than_the_bound(dashboard) -> None:
    days = [date.today() - timedelta(days=n) for n in range(2, 2 + LIMIT + 1)]  # one too many
    seen: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(browsers_below(dashboard.pid))
            done.wait(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=len(days)) as pool:
            answers = list(pool.map(dashboard.export, days))
    finally:
        done.set()
        watcher.join()
    assert [a.status_code for a in answers] == [200] * len(days)
    assert all(a.content[:5] == b"%PDF-" for a in answers)
    assert 1 <= max(seen) <= LIMIT, f"Chromium browsers running at once: {max(seen)}"


def test_the_same_export_again_comes_from_the_cache(dashboard) -> None:
    day = date.today() - timedelta(days=12)
    # Three at the same moment, then one more: Chromium prints the day once.
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(dashboard.export, [day] * 3))
    answers.append(dashboard.export(day))
    assert [a.status_code for a in answers] == [200] * 4
    assert len({a.content for a in answers}) == 1
    assert dashboard.logged("summary pdf printed", day) == 1
    assert dashboard.logged("summary pdf from cache", day) == 3


def test_an_export_beyond_the_bound_gets_503_with_retry_after(dashboard_world,
                                                              tmp_path) -> None:
    from dashboard.summary.slots import ChromiumSlots
    context, dashboard = _start(dashboard_world, tmp_path, CITYOPS_EXPORT_CONCURRENCY="1",
                                CITYOPS_EXPORT_WAIT_SECONDS="1")
    try:
        day = date.today() - timedelta(days=3)
        # This test process holds the one slot: another process, as another worker would be.
        with ChromiumSlots(tmp_path / "exports", 1).held(wait_seconds=5):
            busy = dashboard.export(day)
        assert busy.status_code == 503
        assert int(busy.headers["Retry-After"]) > 0
        assert translate("zh-CN", "summary.pdf_busy") in busy.text
        assert dashboard.logged("summary pdf printed", day) == 0
        freed = dashboard.export(day)
        assert freed.status_code == 200 and freed.content[:5] == b"%PDF-"
    finally:
        context.__exit__(None, None, None)
