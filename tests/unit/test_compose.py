"""docker-compose.yml and the settings module must speak the same variable names."""

from pathlib import Path

import yaml

from cityops.cli import build_parser
from cityops.settings import env_names

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
REQUIRED = {"DATABASE_URL", "CITYOPS_KAFKA_BOOTSTRAP"}


def app_services() -> dict[str, dict]:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    return {name: spec for name, spec in services.items() if "build" in spec}


def test_compose_has_the_stack_and_a_service_per_long_running_command() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:4.")
    assert "KAFKA_PROCESS_ROLES" in services["kafka"]["environment"]  # KRaft, no ZooKeeper
    assert "timescaledb" in services["db"]["image"]
    commands = {spec["command"][0] for spec in app_services().values()}
    assert {"migrate", "topics", "ingest", "alerts", "escalate", "api", "dashboard",
            "sim"} <= commands
    for name in ("kafka", "db", "ingest", "alerts", "escalate", "api", "dashboard"):
        assert "healthcheck" in services[name], name


def test_every_app_variable_is_a_setting() -> None:
    known = env_names()
    for name, spec in app_services().items():
        unknown = set(spec["environment"]) - known
        assert not unknown, f"{name} sets variables the settings module ignores: {unknown}"
        assert REQUIRED <= set(spec["environment"]), name


def test_services_listen_beyond_the_container() -> None:
    for name, spec in app_services().items():
        assert spec["environment"]["CITYOPS_METRICS_HOST"] == "0.0.0.0", name
    assert app_services()["dashboard"]["environment"]["CITYOPS_DASHBOARD_HOST"] == "0.0.0.0"
    assert app_services()["api"]["environment"]["CITYOPS_API_HOST"] == "0.0.0.0"


def test_compose_commands_exist_in_the_cli() -> None:
    parser = build_parser()
    for spec in app_services().values():
        parser.parse_args(spec["command"])  # exits (fails the test) on an unknown command


def test_only_the_migrate_step_holds_the_owners_url() -> None:
    """Services connect as the least-privilege role; the owner is migrate's alone."""
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    owner = services["db"]["environment"]["POSTGRES_USER"]
    for name, spec in app_services().items():
        env = spec["environment"]
        assert not env["DATABASE_URL"].startswith(f"postgresql://{owner}:"), name
        assert ("CITYOPS_OWNER_DATABASE_URL" in env) == (name == "migrate"), name
    assert services["migrate"]["environment"]["CITYOPS_OWNER_DATABASE_URL"].startswith(
        f"postgresql://{owner}:")
    assert any("docker-entrypoint-initdb.d" in volume for volume in services["db"]["volumes"])
