"""A loaded world for a fault: database, topics, devices, a rule with a hold, and services.

The services are the real command line (`cityops ingest`, `cityops alerts`, `cityops
dashboard`) in child processes, each logging to a file (a pipe nobody reads would block a
busy service), so a scenario can kill -9 one and start it again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from psycopg2.extras import Json

from cityops.settings import REPO_ROOT, Settings
from cityops.stream import kafka_client
from cityops.topics import ensure_topics, topic_specs
from store import db as store_db
from store import devices as store_devices
from store.migrate import migrate
from tests.bad_messages import KNOWN_DEVICE
from tests.conftest import free_port
from tests.process import cli_env, wait_http

RULE_ID = "flt-pressure-low"
HOLD_S = 300  # long enough that every moment of a run has holds pending
RULE = f"""\
rules:
  - id: {RULE_ID}
    kind: threshold
    name: {{zh: 压力过低, en: Pressure low}}
    category: 供水管网异常
    severity: major
    match: {{device_kind: water_main, metric: pressure_kpa}}
    params: {{op: "<=", value: 150, for: {HOLD_S}s}}
    auto_resolve: false
"""
POINT = (121.4737, 31.2304)  # People's Square, in 黄浦 (310101)


@dataclass
class World:
    settings: Settings
    folder: Path                         # rules and service logs
    devices: list[str]
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def port(self, service: str) -> int:
        return {"ingest": self.settings.ingest_metrics_port,
                "alerts": self.settings.alerts_metrics_port,
                "dashboard": self.settings.dashboard_port}[service]

    def health_url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.port(service)}/healthz"

    def start(self, service: str, timeout: float = 60) -> float:
        """Start a service; returns the monotonic time its /healthz first answered."""
        log = (self.folder / f"{service}.log").open("a")
        proc = subprocess.Popen(
            [sys.executable, "-m", "cityops", service], cwd=REPO_ROOT, stdout=log,
            stderr=subprocess.STDOUT, env=cli_env(
                self.settings, CITYOPS_ALERTS_RULES_DIR=str(self.folder / "rules")))
        log.close()
        self.procs[service] = proc
        self._wait_healthy(service, proc, timeout)
        return time.monotonic()

    def _wait_healthy(self, service: str, proc: subprocess.Popen, timeout: float) -> None:
        try:
            wait_http(self.health_url(service), timeout=timeout)
        except AssertionError:
            raise AssertionError(f"{service} did not come up (exit {proc.poll()}):\n"
                                 f"{self.log_tail(service)}") from None

    def kill_9(self, service: str) -> None:
        proc = self.procs.pop(service)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def alive(self, service: str) -> bool:
        return service in self.procs and self.procs[service].poll() is None

    def stop_all(self, timeout: float = 60) -> dict[str, int | None]:
        """SIGTERM every service; their exit codes (None: had to be killed)."""
        codes: dict[str, int | None] = {}
        for proc in self.procs.values():
            proc.send_signal(signal.SIGTERM)
        for name, proc in self.procs.items():
            try:
                codes[name] = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                codes[name] = None
        self.procs.clear()
        return codes

    def log_tail(self, service: str, chars: int = 3000) -> str:
        path = self.folder / f"{service}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"


def make_world(base: Settings, databases, label: str, folder: Path, devices: int,
               areas=None) -> World:
    """A migrated database, topics, groups and ports of its own on `base`'s stack."""
    url = databases.create(label)
    prefix = f"flt.{label}.{os.getpid()}."
    settings = databases.world(
        base, url, kafka_bootstrap_given=True, topic_prefix=prefix,
        ingest_group=f"ingest-{prefix}", alerts_group=f"alerts-{prefix}",
        ingest_metrics_port=free_port(), alerts_metrics_port=free_port(),
        dashboard_port=free_port(), sim_metrics_port=free_port(),
        escalate_metrics_port=free_port(), api_port=free_port(), ingest_batch_ms=200,
        rollup_refresh_seconds=5)
    conn = store_db.connect(url)
    migrate(conn, settings.timescale)
    if areas is not None:
        from geo import store as geo_store
        geo_store.write_areas(conn, areas)
    names = [f"flt-{d:04d}" for d in range(devices)]
    store_devices.upsert(conn, _devices(names))
    conn.close()
    admin = kafka_client.admin_client(settings)
    ensure_topics(admin, topic_specs(settings))
    admin.close()
    (folder / "rules").mkdir(parents=True, exist_ok=True)
    (folder / "rules" / "faults.yaml").write_text(RULE, encoding="utf-8")
    return World(settings, folder, names)


def _devices(names: list[str]) -> list[dict]:
    placed = [{"device_id": name, "kind": "water_main", "placed": True,
               "lon": POINT[0] + 0.0005 * (d % 20), "lat": POINT[1] + 0.0005 * (d // 20 % 20),
               "grid_code": "flt-grid", "district_code": "310101", "meta": Json({})}
              for d, name in enumerate(names)]
    # The bad-message corpus names this gauge, so that each of its messages fails for the
    # reason it was written for, not for an unknown device.
    return placed + [{"device_id": KNOWN_DEVICE, "kind": "gauge", "placed": False,
                      "meta": Json({})}]


def delete_topics(world: World) -> None:
    from cityops.topics import delete_topics as delete
    admin = kafka_client.admin_client(world.settings)
    try:
        delete(admin, list(world.settings.topics.values()))
    finally:
        admin.close()
