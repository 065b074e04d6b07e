"""The local cluster of issue #18 for tests: three KRaft brokers on loopback (replication 3,
min.insync.replicas 2), started once for the tests in this folder, worlds on it, and a
streaming replica of the test server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from cityops.settings import Settings
from cityops.topics import delete_topics
from ops.kafka_cluster import LocalKafkaCluster
from ops.postgres_replica import LocalReplica
from tests.conftest import _LABELS_USED, RUN_ID, Databases, _world, free_port


@pytest.fixture(scope="session")
def kafka_cluster(base_settings: Settings, tmp_path_factory) -> Iterator[LocalKafkaCluster]:
    home = tmp_path_factory.mktemp("kafka-cluster")
    cluster = LocalKafkaCluster(base_settings.replace(kafka_cluster_port=free_port(count=6)),
                                home)
    cluster.start()
    yield cluster
    # Its data is thrown away: no controlled shutdown (three of them took ~30 s).
    for node, pid in cluster.pids().items():
        if pid is not None:
            cluster.kill(node)
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def on_cluster(kafka_cluster: LocalKafkaCluster, databases: Databases):
    """Factory: a world of its own (database, topics, groups, ports) on the cluster."""
    made = []

    def make(label: str) -> Settings:
        _LABELS_USED[label] += 1
        if _LABELS_USED[label] > 1:
            label = f"{label}{_LABELS_USED[label]}"
        run, admin = _world(kafka_cluster.settings_for(), databases, label,
                            f"test.{RUN_ID}.{label}.", f"{RUN_ID}-{label}")
        made.append((run, admin))
        return run

    yield make
    for run, admin in made:
        try:
            delete_topics(admin, list(run.topics.values()))
        finally:
            admin.close()


@pytest.fixture(scope="session")
def pg_replica(base_settings: Settings) -> Iterator[LocalReplica]:
    """A streaming replica of the test server (pg_basebackup -R), removed at the end."""
    port = free_port()
    replica = LocalReplica(base_settings.replace(replica_port=port),
                           base_settings.state_dir / f"postgres-replica-{port}")
    replica.start()
    yield replica
    replica.remove()
