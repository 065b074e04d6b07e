"""The local stack as one thing: install, start, stop and report on Kafka, PostgreSQL and
the devices' MQTT broker (Mosquitto).

Services whose address was given in the environment (DATABASE_URL,
CITYOPS_KAFKA_BOOTSTRAP) belong to someone else: they are used, never started or stopped,
unless CITYOPS_MANAGE_STACK=yes says to run them locally at those addresses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from cityops.settings import Settings
from cityops.stream.kafka_client import admin_client
from cityops.topics import ensure_topics, topic_specs
from ops.kafka import LocalKafka, port_open, split_bootstrap
from ops.kafka_cluster import LocalKafkaCluster
from ops.mosquitto import LocalMosquitto
from ops.postgres import LocalPostgres
from ops.postgres_replica import LocalReplica
from store import db, features

log = logging.getLogger(__name__)


@dataclass
class StackReport:
    started: list[str] = field(default_factory=list)
    kafka_version: str = "?"
    postgres_version: str = "?"
    postgis_version: str | None = None
    timescale: str = "unknown (database not reachable)"
    topics_created: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"kafka       {self.kafka_version}",
                f"postgresql  {self.postgres_version}",
                f"postgis     {self.postgis_version or 'absent'}",
                f"timescaledb {self.timescale}"]


def install(settings: Settings) -> None:
    """Everything the local stack needs on disk; idempotent and quick when done."""
    if settings.manages_postgres:
        LocalPostgres(settings).install()
    if settings.manages_kafka:
        LocalKafka(settings).install()
    if settings.manages_mqtt:
        LocalMosquitto(settings).install()


def up(settings: Settings) -> StackReport:
    install(settings)
    report = StackReport()
    if settings.manages_postgres and LocalPostgres(settings).start():
        report.started.append("postgresql")
    if settings.manages_kafka and LocalKafka(settings).start():
        report.started.append("kafka")
    if settings.manages_mqtt and LocalMosquitto(settings).start():
        report.started.append("mosquitto")
    _topics_and_versions(settings, report)
    return report


def _topics_and_versions(settings: Settings, report: StackReport) -> None:
    admin = admin_client(settings)
    try:
        report.topics_created = ensure_topics(admin, topic_specs(settings))
    finally:
        admin.close()
    fill_versions(settings, report)


def up_cluster(settings: Settings) -> tuple[StackReport, Settings]:
    """The production shape on one machine: three brokers (replication 3, min ISR 2) and
    PostgreSQL; returns the report and the settings to run services with."""
    install(settings)
    report = StackReport()
    if settings.manages_postgres and LocalPostgres(settings).start():
        report.started.append("postgresql")
    cluster = LocalKafkaCluster(settings)
    report.started += [f"kafka-{n}" for n in cluster.start()]
    on_cluster = cluster.settings_for()
    if settings.manages_postgres:
        replica = LocalReplica(settings)
        if replica.start():
            report.started.append("postgresql-replica")
        on_cluster = on_cluster.replace(database_read_url=replica.read_url)
    _topics_and_versions(on_cluster, report)
    return report, on_cluster


def down_cluster(settings: Settings) -> list[str]:
    stopped = [f"kafka-{n}" for n in LocalKafkaCluster(settings).stop()]
    if settings.manages_postgres and LocalReplica(settings).stop():
        stopped.append("postgresql-replica")
    return stopped + down(settings, only=["postgresql"])


def down(settings: Settings, only: list[str] | None = None) -> list[str]:
    """Stop the local services (or those named in `only`); returns what was stopped."""
    stopped = []
    if settings.manages_kafka and (only is None or "kafka" in only):
        if LocalKafka(settings).stop():
            stopped.append("kafka")
    if settings.manages_mqtt and (only is None or "mosquitto" in only):
        if LocalMosquitto(settings).stop():
            stopped.append("mosquitto")
    if settings.manages_postgres and (only is None or "postgresql" in only):
        if LocalPostgres(settings).stop():
            stopped.append("postgresql")
    return stopped


def status(settings: Settings) -> dict[str, str]:
    host, port = split_bootstrap(settings.kafka_bootstrap)
    local_kafka = LocalKafka(settings)
    kafka_up = port_open(host, port)
    report = StackReport()
    result = {
        "kafka": ("running" if kafka_up else "stopped")
        + (f" (local, {local_kafka.version()})" if settings.manages_kafka else " (external)"),
        "kafka_bootstrap": settings.kafka_bootstrap,
    }
    cluster = LocalKafkaCluster(settings)
    pids = cluster.pids()
    if any(pids.values()):
        result["kafka_cluster"] = (f"{sum(1 for p in pids.values() if p)} of {len(pids)} "
                                   f"brokers running at {cluster.bootstrap}")
    try:
        fill_versions(settings, report)
        result["postgresql"] = f"running ({report.postgres_version})"
    except Exception as exc:  # noqa: BLE001 - status reports, it does not fail
        result["postgresql"] = f"stopped ({str(exc).splitlines()[0]})"
    result["postgis"] = report.postgis_version or "absent"
    result["timescaledb"] = report.timescale
    result["series_jobs"] = _series_jobs(settings)
    result["mosquitto"] = ("running" if port_open(settings.mqtt_host, settings.mqtt_port)
                           else "stopped") + (" (local)" if settings.manages_mqtt
                                              else " (external)")
    return result


def _series_jobs(settings: Settings) -> str:
    """The jobs that keep readings, rollups and retention going (store/series_jobs.py)."""
    from store import series_jobs
    try:
        conn = db.connect(settings.database_url)
    except Exception as exc:  # noqa: BLE001 - status reports, it does not fail
        return f"unknown ({str(exc).splitlines()[0]})"
    try:
        lines = series_jobs.describe(conn, features.current(conn))
    except Exception as exc:  # noqa: BLE001 - not migrated yet, or no access
        return f"unknown ({str(exc).splitlines()[0]})"
    finally:
        conn.close()
    return "\n    ".join(["", *lines]) if len(lines) > 1 else lines[0]


def fill_versions(settings: Settings, report: StackReport) -> None:
    report.kafka_version = (LocalKafka(settings).version()
                            if settings.manages_kafka else "external")
    # As the owner: the services' role may not read shared_preload_libraries.
    conn = db.connect(settings.owner_url)
    try:
        report.postgres_version = db.server_version(conn)
        available = features.available_extensions(conn)
        installed = features.installed_extensions(conn)
        report.postgis_version = installed.get("postgis") or available.get("postgis")
        report.timescale = describe_timescale(conn, available, installed, settings.timescale)
    finally:
        conn.close()


def describe_timescale(conn, available: dict[str, str], installed: dict[str, str],
                       mode: str = "auto") -> str:
    """Say whether TimescaleDB is in use here, what new databases will use, or why not."""
    if "timescaledb" not in available:
        return "absent (plain PostgreSQL path: native partitions and rollup tables)"
    version = available["timescaledb"]
    preloaded = features.timescale_preloaded(conn)
    conn.rollback()
    if not preloaded:
        return (f"available {version} but not in shared_preload_libraries: new databases "
                "use plain PostgreSQL")
    if mode == "off":
        return f"available {version}, not used (CITYOPS_TIMESCALE=off)"
    new = f"new databases use it (CITYOPS_TIMESCALE={mode})"
    try:
        in_use = features.current(conn).timescale
    except Exception:  # noqa: BLE001 - not migrated yet
        conn.rollback()
        return f"available {version}; {new}; this database is not migrated yet"
    if in_use:
        return f"in use {installed.get('timescaledb')}; {new}"
    return (f"available {version}; {new}; this database ({conn.info.dbname}) was built on "
            "plain PostgreSQL and stays so")
