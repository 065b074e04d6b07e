"""The one settings module: every configurable value, its environment variable and default.

No other module reads the environment. Commands build a `Settings` once with
`Settings.from_env()` and hand it (or the parts they need) to constructors.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REPO_ROOT = Path(__file__).resolve().parent.parent
# The schema owner's role when CITYOPS_OWNER_DATABASE_URL does not name one.
OWNER_ROLE = "cityops_owner"


class ConfigError(Exception):
    """A setting is wrong; the message names the environment variable so the fix is obvious."""

    def __init__(self, env: str, message: str) -> None:
        super().__init__(f"{env}: {message}")
        self.env = env
        self.message = message


def _int(text: str) -> int:
    return int(text)


def _port(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise ValueError("a TCP port is 1..65535")
    return value


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"expected one of {', '.join(options)}")
        return text

    return parse


def _flag(text: str) -> bool:
    if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError("expected true or false")
    return text.lower() in ("true", "1", "yes")


def _zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError("expected an IANA time zone name such as Asia/Shanghai") from None
    return text


def _division_code(text: str) -> str:
    if not (len(text) == 6 and text.isdigit()):
        raise ValueError("expected a 6-digit division code such as 310000 (上海市) or 330100 "
                         "(杭州市); `cityops geo cities NAME` lists them")
    return text


def _lon_lat(text: str) -> str:
    if not text:
        return text
    try:
        lon, lat = (float(part) for part in text.split(","))
    except ValueError:
        raise ValueError("expected lon,lat in degrees, e.g. 121.4737,31.2304") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError("longitude is -180..180 and latitude -90..90")
    return f"{lon},{lat}"


def _path(text: str) -> Path:
    return Path(text).expanduser().resolve()


def _setting(env: str, default: Any, help: str, parse: Callable[[str], Any] = str,
             secret: bool = False) -> Any:
    return field(default=default, metadata={"env": env, "help": help, "parse": parse,
                                            "secret": secret})


@dataclass(frozen=True)
class Settings:
    # Store
    database_url: str = _setting(
        "DATABASE_URL", "postgresql://cityops@127.0.0.1:55432/cityops",
        "PostgreSQL URL the services connect with: a least-privilege role (no DDL; the audit "
        "tables insert-only); when unset, bin/cityops runs a local cluster at this address",
        secret=True)
    database_read_url: str = _setting(
        "DATABASE_READ_URL", "",
        "a streaming replica for the screens' and the sharing API's reads (wall, map, "
        "summary, assessment, shared datasets); empty: they read from DATABASE_URL. "
        "Writes, logins, case moves and what must read its own writes use DATABASE_URL",
        secret=True)
    owner_database_url: str = _setting(
        "CITYOPS_OWNER_DATABASE_URL", "",
        "PostgreSQL URL of the role that owns the schema, for `cityops migrate`, backups and "
        "restores only; empty: DATABASE_URL's server and database as the role "
        "cityops_owner (no password: the local cluster's loopback trust)", secret=True)
    timescale: str = _setting(
        "CITYOPS_TIMESCALE", "auto",
        "auto: use TimescaleDB when the extension is available; off: plain PostgreSQL; "
        "on: fail without it", _choice("auto", "on", "off"))
    readings_retention_days: int = _setting(
        "CITYOPS_READINGS_RETENTION_DAYS", 90, "days of raw readings kept", _int)
    rollup_refresh_seconds: int = _setting(
        "CITYOPS_ROLLUP_REFRESH_SECONDS", 15,
        "plain PostgreSQL: how often ingest refreshes the 1-minute and 1-hour rollups", _int)
    compress_after_days: int = _setting(
        "CITYOPS_COMPRESS_AFTER_DAYS", 7, "TimescaleDB compresses readings older than this", _int)
    # Kafka
    kafka_bootstrap: str = _setting(
        "CITYOPS_KAFKA_BOOTSTRAP", "127.0.0.1:9092",
        "Kafka bootstrap servers; when unset, bin/cityops runs a local broker at this address")
    topic_prefix: str = _setting(
        "CITYOPS_TOPIC_PREFIX", "", "prefix for every topic name (tests isolate runs with it)")
    topic_readings: str = _setting("CITYOPS_TOPIC_READINGS", "city.iot.readings", "IoT readings")
    topic_incidents: str = _setting(
        "CITYOPS_TOPIC_INCIDENTS", "city.grid.incidents", "grid incidents (12345, patrol, sensor)")
    topic_dlq: str = _setting("CITYOPS_TOPIC_DLQ", "city.dlq", "dead-letter topic")
    topic_dispatch: str = _setting("CITYOPS_TOPIC_DISPATCH", "city.dispatch", "worker tasks")
    topic_truth: str = _setting("CITYOPS_TOPIC_TRUTH", "city.truth", "simulator ground truth")
    topic_by_area: str = _setting(
        "CITYOPS_TOPIC_BY_AREA", "city.alerts.by-area",
        "the alerts engine's repartition topic: incidents and part signals keyed by area, so "
        "count and composite rules see every event of an area in one member")
    topic_partitions: int = _setting(
        "CITYOPS_TOPIC_PARTITIONS", 4, "partitions of the readings and incidents topics", _int)
    topic_replication: int = _setting(
        "CITYOPS_TOPIC_REPLICATION", 1,
        "replicas of every topic's partitions: 1 on a one-broker machine, 3 on a production "
        "cluster (min.insync.replicas is one less, so a broker may be down and acks=all "
        "writes still go on)", _int)
    topic_retention_hours: int = _setting(
        "CITYOPS_TOPIC_RETENTION_HOURS", 168, "how long Kafka keeps stream topics", _int)
    kafka_client: str = _setting(
        "CITYOPS_KAFKA_CLIENT", "kafka-python",
        "consumer client of ingest: kafka-python, or librdkafka (confluent-kafka) for "
        "several times the messages per second (the alerts engine always reads with "
        "kafka-python: it seeks to the offsets saved with its state)",
        _choice("kafka-python", "librdkafka"))
    ingest_group: str = _setting("CITYOPS_INGEST_GROUP", "ingest", "ingest consumer group")
    alerts_group: str = _setting("CITYOPS_ALERTS_GROUP", "alerts", "alerts consumer group")
    ingest_processes: int = _setting(
        "CITYOPS_INGEST_PROCESSES", 1,
        "consumer processes `cityops ingest` runs in one group (one per core is the usual "
        "choice: Kafka record decoding holds Python's GIL); their /metrics ports follow "
        "CITYOPS_INGEST_METRICS_PORT", _int)
    ingest_batch_size: int = _setting(
        "CITYOPS_INGEST_BATCH_SIZE", 10000, "readings per database transaction", _int)
    ingest_batch_ms: int = _setting(
        "CITYOPS_INGEST_BATCH_MS", 500, "longest a batch waits before it is written", _int)
    device_state_seconds: float = _setting(
        "CITYOPS_DEVICE_STATE_SECONDS", 1.0,
        "ingest writes each device's latest values at most this often (seconds)", float)
    unknown_device: str = _setting(
        "CITYOPS_UNKNOWN_DEVICE", "dead_letter",
        "readings from an unregistered device: dead_letter them, or register the device "
        "as unplaced", _choice("dead_letter", "register"))
    profiles_dir: Path = _setting(
        "CITYOPS_PROFILES_DIR", REPO_ROOT / "devices" / "default",
        "folder of device profile YAML files (device kinds, metrics, units, offline-after); "
        "its files add to the packaged ones in devices/default, or replace one of the same "
        "name, and admin uploads add to both", _path)
    alerts_save_seconds: float = _setting(
        "CITYOPS_ALERTS_SAVE_SECONDS", 1.0,
        "least seconds between two saves of the alerts engine (cases, its snapshot, offsets): "
        "a case waits at most this long to be written", float)
    alerts_rules_dir: Path = _setting(
        "CITYOPS_ALERTS_RULES_DIR", REPO_ROOT / "alerts" / "rules" / "default",
        "folder of the rules engine's YAML rule files", _path)
    assessment_file: Path = _setting(
        "CITYOPS_ASSESSMENT_FILE", REPO_ROOT / "assessment" / "default.yaml",
        "YAML file of the assessment's indicators (综合评价): names, formulas, weights of "
        "the composite score and its grades", _path)
    holidays_file: Path = _setting(
        "CITYOPS_HOLIDAYS_FILE", REPO_ROOT / "alerts" / "sla" / "holidays.yaml",
        "YAML file of official holidays and make-up working days per year (SLA working "
        "time); it wins over the chinese-calendar package for the years it lists", _path)
    # Services
    dashboard_host: str = _setting("CITYOPS_DASHBOARD_HOST", "127.0.0.1", "dashboard bind address")
    dashboard_port: int = _setting("CITYOPS_DASHBOARD_PORT", 8050, "dashboard port", _port)
    dashboard_workers: int = _setting(
        "CITYOPS_DASHBOARD_WORKERS", 2,
        "dashboard HTTP worker processes (one per core: a refresh is Python that holds the GIL)",
        _int)
    dashboard_secure_cookies: bool = _setting(
        "CITYOPS_DASHBOARD_SECURE_COOKIES", False,
        "mark session cookies Secure (set true when the dashboard is served over HTTPS)", _flag)
    dashboard_refresh_ms: int = _setting(
        "CITYOPS_DASHBOARD_REFRESH_MS", 5000, "wall screen refresh period in milliseconds", _int)
    summary_dir: Path = _setting(
        "CITYOPS_SUMMARY_DIR", REPO_ROOT / ".state" / "summaries",
        "where the scheduled daily summary PDFs are written", _path)
    export_dir: Path = _setting(
        "CITYOPS_EXPORT_DIR", REPO_ROOT / ".state" / "exports",
        "the dashboard's printed PDF cache and its Chromium slot locks", _path)
    export_concurrency: int = _setting(
        "CITYOPS_EXPORT_CONCURRENCY", 2,
        "PDF exports printing at once across all dashboard workers (each runs a Chromium)",
        _int)
    export_wait_seconds: float = _setting(
        "CITYOPS_EXPORT_WAIT_SECONDS", 30.0,
        "how long an export waits for a free Chromium before it answers 503", float)
    api_host: str = _setting("CITYOPS_API_HOST", "127.0.0.1", "case API bind address")
    api_port: int = _setting("CITYOPS_API_PORT", 8060, "case API port", _port)
    api_workers: int = _setting(
        "CITYOPS_API_WORKERS", 2,
        "case API HTTP worker processes (gunicorn; one per core is the usual choice)", _int)
    trusted_proxies: int = _setting(
        "CITYOPS_TRUSTED_PROXIES", 0,
        "reverse proxies in front of the dashboard and the API whose X-Forwarded-For, "
        "-Proto and -Host are believed (0: none, so a client cannot forge its address; "
        "1: one nginx in front)", _int)
    metrics_host: str = _setting(
        "CITYOPS_METRICS_HOST", "127.0.0.1", "bind address of /healthz and /metrics")
    ingest_metrics_port: int = _setting(
        "CITYOPS_INGEST_METRICS_PORT", 9101, "ingest /healthz and /metrics port", _port)
    alerts_metrics_port: int = _setting(
        "CITYOPS_ALERTS_METRICS_PORT", 9102, "alerts /healthz and /metrics port", _port)
    escalate_metrics_port: int = _setting(
        "CITYOPS_ESCALATE_METRICS_PORT", 9104, "SLA ticker /healthz and /metrics port", _port)
    escalate_every_seconds: float = _setting(
        "CITYOPS_ESCALATE_EVERY_SECONDS", 30.0, "seconds between SLA ticker passes", float)
    health_metrics_port: int = _setting(
        "CITYOPS_HEALTH_METRICS_PORT", 9105, "device health /healthz and /metrics port", _port)
    health_every_seconds: float = _setting(
        "CITYOPS_HEALTH_EVERY_SECONDS", 10.0,
        "seconds between device health sweeps (a silent device shows offline within its "
        "kind's offline-after plus this)", float)
    sim_metrics_port: int = _setting(
        "CITYOPS_SIM_METRICS_PORT", 9103, "simulator /healthz and /metrics port", _port)
    log_level: str = _setting(
        "CITYOPS_LOG_LEVEL", "INFO", "log level",
        _choice("DEBUG", "INFO", "WARNING", "ERROR"))
    log_format: str = _setting(
        "CITYOPS_LOG_FORMAT", "json", "json: one JSON object a line; text: for people",
        _choice("json", "text"))
    city: str = _setting(
        "CITYOPS_CITY", "310000",
        "the city, as its division code (310000 上海市, 330100 杭州市; `cityops geo cities "
        "NAME` lists them): the one the demo builds and runs", _division_code)
    city_name: str = _setting(
        "CITYOPS_CITY_NAME", "",
        "the city's Chinese name when it is not the official one; empty: the division list's")
    map_centre: str = _setting(
        "CITYOPS_MAP_CENTRE", "",
        "lon,lat (WGS84) the map pictures centre on (`cityops geo map --centre`); empty: "
        "the city's own centroid (Shanghai: its seven inner districts)", _lon_lat)
    time_zone: str = _setting(
        "CITYOPS_TIME_ZONE", "Asia/Shanghai",
        "the city's clock: its days, working hours, duty shifts and the times people read",
        _zone)
    language: str = _setting(
        "CITYOPS_LANGUAGE", "zh-CN", "default interface language", _choice("zh-CN", "en"))
    map_tile_url: str = _setting(
        "CITYOPS_MAP_TILE_URL", "", "optional raster tile server URL; empty keeps the map offline")
    # Local stack (used only when ./cityops runs the services itself)
    state_dir: Path = _setting(
        "CITYOPS_STATE_DIR", REPO_ROOT / ".state", "local service data, logs and pids", _path)
    manage_stack: str = _setting(
        "CITYOPS_MANAGE_STACK", "auto",
        "auto: run a local Kafka / PostgreSQL for whichever of CITYOPS_KAFKA_BOOTSTRAP and "
        "DATABASE_URL is unset; yes: run both locally at the configured addresses; no: never",
        _choice("auto", "yes", "no"))
    kafka_controller_port: int = _setting(
        "CITYOPS_KAFKA_CONTROLLER_PORT", 9093, "KRaft controller port of the local broker", _port)
    kafka_heap: str = _setting("CITYOPS_KAFKA_HEAP", "768m", "Java heap of the local broker")
    replica_port: int = _setting(
        "CITYOPS_REPLICA_PORT", 55433,
        "port of the local streaming replica that `stack up --cluster` runs", _port)
    kafka_cluster_port: int = _setting(
        "CITYOPS_KAFKA_CLUSTER_PORT", 9192,
        "first of six loopback ports of `stack up --cluster`'s three brokers (each a broker "
        "port and a controller port, in turn)", _port)
    kafka_cluster_heap: str = _setting(
        "CITYOPS_KAFKA_CLUSTER_HEAP", "384m", "Java heap of each broker of the local cluster")
    # MQTT: the broker devices publish to, and the bridge that carries their messages into
    # Kafka (ingest/mqtt_bridge.py).
    mqtt_host: str = _setting("CITYOPS_MQTT_HOST", "127.0.0.1",
                              "MQTT broker of the devices; when unset, bin/cityops runs a "
                              "local Mosquitto at this address")
    mqtt_port: int = _setting("CITYOPS_MQTT_PORT", 1883, "MQTT broker port", _port)
    mqtt_client_id: str = _setting(
        "CITYOPS_MQTT_CLIENT_ID", "cityops-bridge",
        "the bridge's MQTT client id: its persistent session (what the broker keeps for it "
        "while it is down) is known by this name")
    mqtt_topics: str = _setting(
        "CITYOPS_MQTT_TOPICS",
        "cityops/+device/native=native;cityops/+device/senml=senml;"
        "v1/devices/+device/telemetry=thingsboard;v1/gateway/telemetry=thingsboard-gateway",
        "MQTT topic patterns the bridge subscribes to and the format each carries: "
        "pattern=format;...; a `+device` level is the device id")
    bridge_metrics_port: int = _setting(
        "CITYOPS_BRIDGE_METRICS_PORT", 9106, "MQTT bridge /healthz and /metrics port", _port)
    # Whether the variables were given, i.e. whether the services are someone else's.
    database_url_given: bool = field(default=False, metadata={"derived": True})
    kafka_bootstrap_given: bool = field(default=False, metadata={"derived": True})
    mqtt_host_given: bool = field(default=False, metadata={"derived": True})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            env = f.metadata.get("env")
            if env is None or env not in environ:
                continue
            try:
                values[f.name] = f.metadata["parse"](environ[env])
            except ValueError as exc:
                raise ConfigError(env, f"cannot use {environ[env]!r}: {exc}") from None
        values["database_url_given"] = "DATABASE_URL" in environ
        values["kafka_bootstrap_given"] = "CITYOPS_KAFKA_BOOTSTRAP" in environ
        values["mqtt_host_given"] = "CITYOPS_MQTT_HOST" in environ
        return cls(**values)

    @property
    def owner_url(self) -> str:
        """The schema owner's URL (CITYOPS_OWNER_DATABASE_URL, or derived from DATABASE_URL).

        Only migrations, backups and restores use it; every service runs as DATABASE_URL's
        role, which cannot change the schema or erase the audit trail (docs/operations.md,
        "Database roles").
        """
        if self.owner_database_url:
            return self.owner_database_url
        parts = urlsplit(self.database_url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit(parts._replace(netloc=f"{OWNER_ROLE}@{host}"))

    @property
    def zone(self) -> ZoneInfo:
        """The city's time zone (CITYOPS_TIME_ZONE)."""
        return ZoneInfo(self.time_zone)

    @property
    def map_centre_point(self) -> tuple[float, float] | None:
        """CITYOPS_MAP_CENTRE as (lon, lat), or None for the city's own centre."""
        if not self.map_centre:
            return None
        lon, lat = self.map_centre.split(",")
        return float(lon), float(lat)

    @property
    def manages_postgres(self) -> bool:
        """Whether bin/cityops installs, starts and stops the PostgreSQL server itself."""
        return self.manage_stack == "yes" or (self.manage_stack == "auto"
                                              and not self.database_url_given)

    @property
    def manages_kafka(self) -> bool:
        return self.manage_stack == "yes" or (self.manage_stack == "auto"
                                              and not self.kafka_bootstrap_given)

    @property
    def manages_mqtt(self) -> bool:
        return self.manage_stack == "yes" or (self.manage_stack == "auto"
                                              and not self.mqtt_host_given)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def topic(self, name: str) -> str:
        """The full topic name for one of the topic settings (e.g. 'readings')."""
        return self.topic_prefix + getattr(self, f"topic_{name}")

    @property
    def topics(self) -> dict[str, str]:
        return {name: self.topic(name)
                for name in ("readings", "incidents", "dlq", "dispatch", "truth", "by_area")}

    def to_env(self) -> dict[str, str]:
        """The environment that reproduces these settings in a child process."""
        env = {}
        for f in dataclasses.fields(self):
            if "env" in f.metadata:
                env[f.metadata["env"]] = str(getattr(self, f.name))
        return env

    def describe(self) -> list[tuple[str, str, str]]:
        """(environment variable, effective value with secrets masked, help) for every setting."""
        rows = []
        for f in dataclasses.fields(self):
            if "env" not in f.metadata:
                continue
            value = getattr(self, f.name)
            shown = mask_url(str(value)) if f.metadata["secret"] else str(value)
            rows.append((f.metadata["env"], shown, f.metadata["help"]))
        return rows


def env_names() -> set[str]:
    """Every environment variable the settings module understands."""
    return {f.metadata["env"] for f in dataclasses.fields(Settings) if "env" in f.metadata}


def mask_url(url: str) -> str:
    """Hide the password of a URL (or the whole value when it is not a URL)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return "****" if url else ""
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:****@{host}"
    return urlunsplit(parts._replace(netloc=netloc))
