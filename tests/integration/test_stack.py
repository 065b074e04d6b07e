"""The local stack's own commands, run for real against the running services."""

import shutil
import socket

import pytest

from tests.conftest import free_port
from tests.process import run_cli

pytestmark = pytest.mark.integration

def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_stack_up_when_running_starts_nothing(base_settings) -> None:
    if not (base_settings.manages_postgres and base_settings.manages_kafka):
        pytest.skip("the services are external here, so `stack up` does not manage them")
    done = run_cli(None, "stack", "up", timeout=120)
    assert done.returncode == 0, done.stderr
    assert "started: nothing (already running)" in done.stdout
    assert "kafka       4." in done.stdout

def test_stack_status_names_versions_and_timescale(base_settings) -> None:
    done = run_cli(None, "stack", "status")
    assert done.returncode == 0, done.stderr
    status = dict(line.split(None, 1) for line in done.stdout.splitlines()
                  if not line.startswith(" "))  # indented: one of several jobs
    assert status["kafka"].startswith("running")
    assert status["postgresql"].startswith("running (15.")
    assert status["timescaledb"].split()[0] in ("absent", "available", "in")

def test_config_masks_the_database_password(settings) -> None:
    done = run_cli(settings, "config", DATABASE_URL="postgresql://city:hunter2@db:5432/city")
    assert done.returncode == 0, done.stderr
    assert "hunter2" not in done.stdout
    assert "DATABASE_URL" in done.stdout and "city:****@db:5432" in done.stdout


def test_a_second_stack_goes_up_and_down_idempotently(tmp_path) -> None:
    """A whole stack of its own (other ports, other state folder): up, up, down, down."""
    kafka, controller, pg, mqtt = free_port(), free_port(), free_port(), free_port()
    env = {"CITYOPS_MANAGE_STACK": "yes", "CITYOPS_STATE_DIR": str(tmp_path / "state"),
           "CITYOPS_KAFKA_BOOTSTRAP": f"127.0.0.1:{kafka}",
           "CITYOPS_KAFKA_CONTROLLER_PORT": str(controller),
           "DATABASE_URL": f"postgresql://cityops@127.0.0.1:{pg}/cityops",
           "CITYOPS_MQTT_PORT": str(mqtt)}
    try:
        first = run_cli(None, "stack", "up", timeout=240, **env)
        assert first.returncode == 0, first.stderr
        assert "started: postgresql, kafka, mosquitto" in first.stdout
        again = run_cli(None, "stack", "up", timeout=120, **env)
        assert "started: nothing (already running)" in again.stdout, again.stderr
    finally:
        down = run_cli(None, "stack", "down", timeout=120, **env)
    assert down.returncode == 0 and "stopped: kafka, mosquitto, postgresql" in down.stdout, \
        down.stderr
    assert port_closed(kafka) and port_closed(pg) and port_closed(mqtt)
    twice = run_cli(None, "stack", "down", timeout=60, **env)
    assert twice.returncode == 0 and "stopped: nothing (not running)" in twice.stdout
    # pytest's folder is private, so the cluster went to /var/lib/cityops: remove it.
    shutil.rmtree((tmp_path / "state" / "postgres").resolve(), ignore_errors=True)
