"""The alerts engine's memory, per Kafka partition and per key (issue #18).

m0003 kept one row per consumer group: the whole evaluator snapshot and every partition's
offset, loaded by every member and written back whole on every save. Two members of one
group overwrote each other, and the row grew by ~200 B a device (4 MB at 20,000).

Now each partition a member owns has a row: the next offset to read, the claim epoch
that fences a member which lost the partition (a save must name the current epoch), and
for the repartition topic the upstream positions already applied. Evaluator state is a
row per (partition, rule, key), so a save writes only the keys that changed.
alert_engine_state stays for one upgrade: a partition with no row of its own starts at
the offset that row saved.
"""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "alerts engine state per partition and key, with claim epochs"

SQL = """
CREATE TABLE alert_engine_partitions (
    consumer_group text NOT NULL,
    topic text NOT NULL,
    partition integer NOT NULL,
    epoch bigint NOT NULL DEFAULT 1,
    next_offset bigint,
    upstream jsonb NOT NULL DEFAULT '{}',
    owner text,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    saved_at timestamptz,
    PRIMARY KEY (consumer_group, topic, partition)
);
CREATE TABLE alert_engine_keys (
    consumer_group text NOT NULL,
    topic text NOT NULL,
    partition integer NOT NULL,
    rule_id text NOT NULL,
    key text NOT NULL,
    kind text NOT NULL,
    state jsonb NOT NULL,
    PRIMARY KEY (consumer_group, topic, partition, rule_id, key),
    FOREIGN KEY (consumer_group, topic, partition)
        REFERENCES alert_engine_partitions ON DELETE CASCADE
);
"""


def apply(cur, features: Features) -> None:
    cur.execute(SQL)
