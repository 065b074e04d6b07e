"""Topics are created with the configured replication factor and min.insync.replicas.

Before #13.12 every topic was created with replication factor 1, whatever the cluster:
a production cluster of three brokers lost data with the broker that held a partition.
"""

from __future__ import annotations

import uuid

import pytest
from kafka.admin import ConfigResource, ConfigResourceType

from cityops.settings import ConfigError, Settings
from cityops.stream import kafka_client
from cityops.topics import delete_topics, ensure_topics, topic_specs

pytestmark = pytest.mark.integration


def _settings(base: Settings, **changes) -> Settings:
    return base.replace(topic_prefix=f"test.repl.{uuid.uuid4().hex[:8]}.", **changes)


def test_topics_get_the_replication_setting_and_a_matching_min_insync(base_settings) -> None:
    settings = _settings(base_settings, topic_replication=1)
    admin = kafka_client.admin_client(settings)
    try:
        created = ensure_topics(admin, topic_specs(settings))
        assert sorted(created) == sorted(settings.topics.values())
        [described] = admin.describe_topics([settings.topic("readings")])
        assert {len(p["replica_nodes"]) for p in described["partitions"]} == {1}
        configs = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, settings.topic("readings"))])
        topic = configs["topic"][settings.topic("readings")]
        assert topic["min.insync.replicas"]["value"] == "1"
    finally:
        delete_topics(admin, list(settings.topics.values()))
        admin.close()


def test_more_replicas_than_brokers_is_a_clear_configuration_error(base_settings) -> None:
    settings = _settings(base_settings, topic_replication=3)
    admin = kafka_client.admin_client(settings)
    try:
        with pytest.raises(ConfigError) as refused:
            ensure_topics(admin, topic_specs(settings))
        assert refused.value.env == "CITYOPS_TOPIC_REPLICATION"
        assert "1 broker" in refused.value.message
    finally:
        delete_topics(admin, list(settings.topics.values()))
        admin.close()


def test_min_insync_leaves_room_for_one_broker_down() -> None:
    replication = {r: s.min_insync_replicas for r in (1, 2, 3, 5)
                   for s in [topic_specs(Settings(topic_replication=r))[0]]}
    assert replication == {1: 1, 2: 1, 3: 2, 5: 4}
