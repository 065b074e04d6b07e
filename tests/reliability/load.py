"""Load and soak drivers for the reliability run: many wall screens refreshing at once, and
ingest fed at a steady rate for a long time while its lag and memory are watched."""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import requests

from cityops.settings import REPO_ROOT, Settings
from dashboard.wall.refresh_request import next_memory, refresh_body
from store import db
from tests.process import cli_env


def start(settings: Settings, log: Path, *args: str, **env: str) -> subprocess.Popen:
    """A `cityops` command with its output in a file (a pipe nobody reads would block it)."""
    out = log.open("w")
    return subprocess.Popen([sys.executable, "-m", "cityops", *args], cwd=REPO_ROOT,
                            env=cli_env(settings, **env), stdout=out, stderr=subprocess.STDOUT)


def _own_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        listed = (task / "children").read_text().split()
        found.extend(int(child) for child in listed)
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (a gunicorn master and its workers)."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            total += _own_rss_mb(current)
            pending.extend(_children(current))
        except FileNotFoundError:  # it exited while we looked
            continue
    return total


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# ------------------------------------------------------------------ wall screens

@dataclass
class WallLoad:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def figures(self) -> dict:
        return {"requests": len(self.latencies) + len(self.errors), "errors": len(self.errors),
                "p50_s": round(quantile(self.latencies, 0.5), 3),
                "p95_s": round(quantile(self.latencies, 0.95), 3),
                "max_s": round(max(self.latencies, default=float("nan")), 3)}


def _login(url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{url}/login", data={"username": username, "password": password},
                          allow_redirects=False, timeout=30)
    answer.raise_for_status()
    return session


def _screen(url: str, session: requests.Session, seconds: float, period: float,
            load: WallLoad, offset: float) -> None:
    """One wall screen: a full draw, then a refresh every `period` with its memory."""
    time.sleep(offset)  # screens are not switched on in the same millisecond
    memory, tick, deadline = None, 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        began = time.monotonic()
        try:
            answer = session.post(f"{url}/_dash-update-component",
                                  data=refresh_body(memory, tick), timeout=30,
                                  headers={"Content-Type": "application/json"})
            elapsed = time.monotonic() - began
            if answer.status_code != 200:
                raise RuntimeError(f"HTTP {answer.status_code}")
            memory = next_memory(memory, answer.content)
            with load.lock:
                load.latencies.append(elapsed)
        except Exception as exc:  # noqa: BLE001 - every failure is a counted error
            with load.lock:
                load.errors.append(str(exc)[:200])
        tick += 1
        # The screen's own refresh period: pacing, as a browser's interval is.
        time.sleep(max(0.0, period - (time.monotonic() - began)))


def city_changes(settings: Settings, stop: threading.Event, period: float = 5.0) -> None:
    """Every period: some devices change status and incidents arrive, so refreshes carry
    real Patches rather than nothing."""
    rng = random.Random(5)
    conn = db.connect(settings.database_url)
    with conn.cursor() as cur:
        cur.execute("SELECT device_id FROM device_state ORDER BY device_id")
        devices = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT grid_code, community_code, street_code, district_code, lon, lat "
                    "FROM incidents ORDER BY id LIMIT 500")
        places = cur.fetchall()
    conn.rollback()
    step = 0
    while not stop.wait(period):
        with conn, conn.cursor() as cur:
            cur.execute("UPDATE device_state SET status = %s, updated_at = now() "
                        "WHERE device_id = ANY(%s)",
                        (("alarm", "offline", "normal")[step % 3], rng.sample(devices, 20)))
            for k in range(15):
                grid, community, street, district, lon, lat = rng.choice(places)
                cur.execute("INSERT INTO incidents (source, source_id, category, lon, lat, "
                            "grid_code, community_code, street_code, district_code, "
                            "reported_at) VALUES ('hotline', %s, '市容环境', %s, %s, %s, %s, "
                            "%s, %s, now())", (f"load-{step}-{k}", lon, lat, grid, community,
                                               street, district))
        step += 1
    conn.close()


def wall_screens(settings: Settings, url: str, username: str, password: str, *, screens: int,
                 seconds: float, period: float = 5.0) -> WallLoad:
    load = WallLoad()
    sessions = [_login(url, username, password) for _ in range(screens)]
    stop = threading.Event()
    changes = threading.Thread(target=city_changes, args=(settings, stop, period))
    changes.start()
    threads = [threading.Thread(target=_screen, args=(url, s, seconds, period, load,
                                                      period * n / screens))
               for n, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    changes.join()
    return load


# ------------------------------------------------------------------ ingest soak

def _metric(port: int, name: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith(name + "{") or line.startswith(name + " "))


def _wait_for_partitions(port: int, partitions: int, proc: subprocess.Popen) -> None:
    """Ingest holds every partition (one lag gauge each) before the stream starts; a topic
    created a moment ago may need a metadata refresh and a rebalance first."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"ingest exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
                text = answer.read().decode()
            if text.count("cityops_ingest_consumer_lag{") >= partitions:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"ingest did not get the topic's {partitions} partitions in 90 s")


@dataclass
class Soak:
    samples: list[tuple[float, float, float, float]] = field(default_factory=list)
    # (seconds since start, lag in messages, ingest RSS MB, rows written)

    def figures(self, rate_target: float) -> dict:
        times = [s[0] for s in self.samples]
        rows = [s[3] for s in self.samples]
        rss = [s[2] for s in self.samples]
        settled = rss[len(rss) // 5:] or rss  # after the first fifth: caches are warm
        rate = (rows[-1] - rows[0]) / (times[-1] - times[0]) if len(times) > 1 else 0.0
        return {"readings_per_s": round(rate), "target_per_s": round(rate_target),
                "lag_max": round(max(s[1] for s in self.samples)),
                "lag_median": round(statistics.median(s[1] for s in self.samples)),
                "rss_settled_mb": round(settled[0], 1), "rss_end_mb": round(rss[-1], 1),
                "rss_growth_pct": round(100 * (rss[-1] - settled[0]) / settled[0], 1)}


def ingest_soak(settings: Settings, logs: Path, *, seconds: float, messages_per_s: float,
                devices: int, every: float = 10.0) -> tuple[Soak, int]:
    """`cityops ingest` and `cityops sim` for `seconds`; samples lag, RSS and rows. Returns
    the samples and the lag once the simulator has stopped and ingest caught up."""
    port = settings.ingest_metrics_port
    ingest = start(settings, logs / "ingest.log", "ingest", "--stream", "readings")
    _wait_for_partitions(port, settings.topic_partitions, ingest)
    soak = Soak()
    sim = start(settings, logs / "sim.log", "sim", "--devices", str(devices), "--rate",
                str(messages_per_s), "--malformed", "0", "--duration", str(seconds))
    began = time.monotonic()
    try:
        while sim.poll() is None:
            time.sleep(every)
            try:
                soak.samples.append((time.monotonic() - began,
                                     _metric(port, "cityops_ingest_consumer_lag"),
                                     rss_mb(ingest.pid),
                                     _metric(port, "cityops_ingest_rows_written_total")))
            except OSError:
                continue
        deadline = time.monotonic() + 60
        lag = _metric(port, "cityops_ingest_consumer_lag")
        while lag > 0 and time.monotonic() < deadline:
            time.sleep(1)
            lag = _metric(port, "cityops_ingest_consumer_lag")
        return soak, int(lag)
    finally:
        for proc in (sim, ingest):
            if proc.poll() is None:
                proc.terminate()
            proc.wait(timeout=60)
