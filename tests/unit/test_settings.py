from pathlib import Path

import pytest

from cityops.settings import ConfigError, Settings, env_names, mask_url


def test_defaults_point_at_the_local_stack() -> None:
    s = Settings.from_env({})
    assert s.kafka_bootstrap == "127.0.0.1:9092"
    assert s.database_url.startswith("postgresql://cityops@127.0.0.1:55432/")
    assert not s.database_url_given and not s.kafka_bootstrap_given
    assert s.topics["readings"] == "city.iot.readings"
    assert s.dashboard_port == 8050


def test_environment_overrides_and_marks_services_as_given() -> None:
    s = Settings.from_env({"DATABASE_URL": "postgresql://u:pw@db:5432/x",
                           "CITYOPS_KAFKA_BOOTSTRAP": "kafka:9092",
                           "CITYOPS_TOPIC_PREFIX": "t1.", "CITYOPS_INGEST_BATCH_SIZE": "77",
                           "CITYOPS_STATE_DIR": "/tmp/somewhere"})
    assert s.database_url_given and s.kafka_bootstrap_given
    assert not s.manages_postgres and not s.manages_kafka
    assert s.topic("dlq") == "t1.city.dlq"
    assert s.ingest_batch_size == 77
    assert s.state_dir == Path("/tmp/somewhere")


def test_the_owner_url_is_its_own_setting_or_the_services_server_as_cityops_owner() -> None:
    derived = Settings.from_env({"DATABASE_URL": "postgresql://svc:pw@db:5433/city"})
    assert derived.owner_url == "postgresql://cityops_owner@db:5433/city"  # no password
    given = Settings.from_env({"DATABASE_URL": "postgresql://svc:pw@db:5433/city",
                               "CITYOPS_OWNER_DATABASE_URL": "postgresql://own:pw2@db/city"})
    assert given.owner_url == "postgresql://own:pw2@db/city"
    assert "pw2" not in str(given.describe())  # a secret, masked like DATABASE_URL


def test_manage_stack_yes_runs_local_services_at_given_addresses() -> None:
    s = Settings.from_env({"CITYOPS_MANAGE_STACK": "yes",
                           "DATABASE_URL": "postgresql://cityops@127.0.0.1:56432/cityops"})
    assert s.manages_postgres and s.manages_kafka
    assert not Settings.from_env({"CITYOPS_MANAGE_STACK": "no"}).manages_kafka


@pytest.mark.parametrize(("env", "value"), [
    ("CITYOPS_DASHBOARD_PORT", "eighty"),
    ("CITYOPS_DASHBOARD_PORT", "70000"),
    ("CITYOPS_TIMESCALE", "maybe"),
    ("CITYOPS_INGEST_BATCH_SIZE", "1.5"),
    ("CITYOPS_LOG_LEVEL", "LOUD"),
])
def test_bad_values_name_the_variable(env: str, value: str) -> None:
    with pytest.raises(ConfigError) as err:
        Settings.from_env({env: value})
    assert err.value.env == env
    assert value in str(err.value)


def test_secrets_are_masked_in_describe() -> None:
    s = Settings.from_env({"DATABASE_URL": "postgresql://city:s3cret@db:5432/cityops"})
    shown = dict((env, value) for env, value, _ in s.describe())
    assert "s3cret" not in shown["DATABASE_URL"]
    assert shown["DATABASE_URL"] == "postgresql://city:****@db:5432/cityops"


def test_mask_url_keeps_urls_without_password() -> None:
    assert mask_url("postgresql://cityops@127.0.0.1:55432/cityops") == \
        "postgresql://cityops@127.0.0.1:55432/cityops"
    assert mask_url("not a url") == "****"


def test_to_env_round_trips() -> None:
    s = Settings.from_env({"CITYOPS_TOPIC_PREFIX": "x.", "CITYOPS_KAFKA_HEAP": "1g"})
    again = Settings.from_env(s.to_env())
    assert again.replace(database_url_given=False, kafka_bootstrap_given=False,
                         mqtt_host_given=False) == s
    assert set(s.to_env()) == env_names()


def test_the_holiday_file_defaults_to_the_shipped_one_and_can_be_moved(tmp_path) -> None:
    assert Settings().holidays_file.name == "holidays.yaml" and Settings().holidays_file.exists()
    moved = Settings.from_env({"CITYOPS_HOLIDAYS_FILE": str(tmp_path / "h.yaml")})
    assert moved.holidays_file == tmp_path / "h.yaml"


def test_the_city_and_the_map_centre() -> None:
    default = Settings.from_env({})
    assert (default.city, default.city_name, default.map_centre_point) == ("310000", "", None)
    hz = Settings.from_env({"CITYOPS_CITY": "330100", "CITYOPS_MAP_CENTRE": "120.17, 30.25"})
    assert hz.city == "330100" and hz.map_centre_point == (120.17, 30.25)
    assert Settings.from_env(hz.to_env()).map_centre_point == hz.map_centre_point
    with pytest.raises(ConfigError, match="CITYOPS_CITY.*cityops geo cities"):
        Settings.from_env({"CITYOPS_CITY": "Hangzhou"})
    with pytest.raises(ConfigError, match="CITYOPS_MAP_CENTRE"):
        Settings.from_env({"CITYOPS_MAP_CENTRE": "30.25"})
