"""The local stack's own commands, run for real against the running services."""

import pytest

from tests.process import run_cli

pytestmark = pytest.mark.integration

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
    status = dict(line.split(None, 1) for line in done.stdout.splitlines())
    assert status["kafka"].startswith("running")
    assert status["postgresql"].startswith("running (15.")
    assert status["timescaledb"].split()[0] in ("absent", "available", "in")

def test_config_masks_the_database_password(settings) -> None:
    done = run_cli(settings, "config", DATABASE_URL="postgresql://city:hunter2@db:5432/city")
    assert done.returncode == 0, done.stderr
    assert "hunter2" not in done.stdout
    assert "DATABASE_URL" in done.stdout and "city:****@db:5432" in done.stdout
