"""Bad configuration gives one line that names the setting, never a traceback."""

import socket

import pytest

from tests.conftest import free_port
from tests.process import run_cli

pytestmark = pytest.mark.integration


def assert_one_line_naming(done, env: str) -> None:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"cityops: error: {env}: ")


def test_unreachable_broker_names_the_bootstrap_setting(settings) -> None:
    done = run_cli(settings, "ingest", CITYOPS_KAFKA_BOOTSTRAP=f"127.0.0.1:{free_port()}")
    assert_one_line_naming(done, "CITYOPS_KAFKA_BOOTSTRAP")
    assert "no broker answers" in done.stderr


@pytest.mark.parametrize(("command", "env"), [
    (("users", "list"), "DATABASE_URL"),  # a service's command: the services' URL
    (("migrate",), "CITYOPS_OWNER_DATABASE_URL"),  # the schema's: the owner's URL
])
def test_wrong_database_url_names_its_setting(settings, command, env) -> None:
    done = run_cli(settings, *command,
                   **{env: f"postgresql://nobody:secret@127.0.0.1:{free_port()}/none"})
    assert_one_line_naming(done, env)
    assert "secret" not in done.stderr  # the password is masked even in errors


@pytest.mark.parametrize(("command", "env"), [
    (("users", "list"), "DATABASE_URL"), (("migrate",), "CITYOPS_OWNER_DATABASE_URL")])
def test_missing_database_names_its_setting(settings, command, env) -> None:
    url = settings.database_url.rsplit("/", 1)[0] + "/no_such_database"
    done = run_cli(settings, *command, **{env: url})
    assert_one_line_naming(done, env)
    assert "no_such_database" in done.stderr


@pytest.mark.parametrize(("command", "env"), [
    ("dashboard", "CITYOPS_DASHBOARD_PORT"),
    ("ingest", "CITYOPS_INGEST_METRICS_PORT"),
    ("alerts", "CITYOPS_ALERTS_METRICS_PORT"),
    ("escalate", "CITYOPS_ESCALATE_METRICS_PORT"),
    ("api", "CITYOPS_API_PORT"),
])
def test_port_taken_names_the_port_setting(settings, command: str, env: str) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = run_cli(settings, command, **{env: str(port)})
    assert_one_line_naming(done, env)
    assert f"{port} is already in use" in done.stderr


def test_unparseable_value_names_the_setting(settings) -> None:
    done = run_cli(settings, "config", CITYOPS_INGEST_BATCH_SIZE="lots")
    assert_one_line_naming(done, "CITYOPS_INGEST_BATCH_SIZE")
