"""Where the alerts engine keeps each partition's state: claim, load, save, fenced.

A member that is assigned a partition claims it: the partition's epoch goes up by one in
a committed transaction, and the member keeps that number. Every save of the partition
first updates its row *where the epoch is still the member's*; when another member has
claimed it since (a rebalance this member slept through: a zombie), no row matches,
`Fenced` is raised and the caller's transaction (its cases included) rolls back. The
row lock taken by that update also orders a save against a concurrent claim: the claim
waits for the save to commit, and then loads what it saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from psycopg2.extras import Json, execute_values

CLAIM = """
INSERT INTO alert_engine_partitions (consumer_group, topic, partition, owner, next_offset)
VALUES (%(group)s, %(topic)s, %(partition)s, %(owner)s, %(legacy)s)
ON CONFLICT (consumer_group, topic, partition) DO UPDATE
SET epoch = alert_engine_partitions.epoch + 1, owner = EXCLUDED.owner, claimed_at = now()
RETURNING epoch, next_offset, upstream
"""
LEGACY_OFFSET = """
SELECT (offsets ->> %s)::bigint FROM alert_engine_state WHERE consumer_group = %s
"""
KEYS = """
SELECT rule_id, key, kind, state FROM alert_engine_keys
WHERE consumer_group = %s AND topic = %s AND partition = %s
"""
FENCE = """
UPDATE alert_engine_partitions SET next_offset = %s, upstream = %s, saved_at = now()
WHERE consumer_group = %s AND topic = %s AND partition = %s AND epoch = %s
"""
UPSERT = """
INSERT INTO alert_engine_keys (consumer_group, topic, partition, rule_id, key, kind, state)
VALUES %s
ON CONFLICT (consumer_group, topic, partition, rule_id, key) DO UPDATE
SET kind = EXCLUDED.kind, state = EXCLUDED.state
"""
DELETE = """
DELETE FROM alert_engine_keys AS k
USING unnest(%s::text[], %s::text[]) AS gone (rule_id, key)
WHERE k.consumer_group = %s AND k.topic = %s AND k.partition = %s
  AND k.rule_id = gone.rule_id AND k.key = gone.key
"""
SAVED_OFFSETS = """
SELECT coalesce(sum(next_offset), 0) FROM alert_engine_partitions
WHERE consumer_group = %s AND topic = ANY(%s)
"""


class Fenced(Exception):
    """Another member claimed the partition since this one did: its write is refused."""

    def __init__(self, topic: str, partition: int, epoch: int) -> None:
        super().__init__(f"{topic}:{partition} was claimed by another member "
                         f"(this member's epoch {epoch} is stale)")
        self.topic, self.partition, self.epoch = topic, partition, epoch


@dataclass
class Claim:
    epoch: int
    next_offset: int | None
    upstream: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class Changes:
    """The keys of one partition to write and to delete: (rule id, key, kind, json)."""

    upserts: list[tuple[str, str, str, str]] = field(default_factory=list)
    deletes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(len(r) + len(k) + len(state) for r, k, _, state in self.upserts) + \
            sum(len(r) + len(k) for r, k in self.deletes)


def claim(conn, group: str, topic: str, partition: int, owner: str) -> Claim:
    """Take the partition (epoch + 1), committed at once so a zombie's next save fails."""
    with conn, conn.cursor() as cur:
        cur.execute(LEGACY_OFFSET, (f"{topic}:{partition}", group))
        row = cur.fetchone()
        cur.execute(CLAIM, {"group": group, "topic": topic, "partition": partition,
                            "owner": owner, "legacy": row[0] if row else None})
        epoch, offset, upstream = cur.fetchone()
    return Claim(epoch, offset, upstream or {})


def load_keys(conn, group: str, topic: str, partition: int) -> dict[str, tuple[str, dict]]:
    """{rule id: (kind, {key: state})} saved for the partition."""
    found: dict[str, tuple[str, dict]] = {}
    with conn, conn.cursor() as cur:
        cur.execute(KEYS, (group, topic, partition))
        for rule_id, key, kind, state in cur:
            found.setdefault(rule_id, (kind, {}))[1][key] = state
    return found


def save(cur, group: str, topic: str, partition: int, epoch: int, next_offset: int | None,
         upstream: dict[str, list[int]], changes: Changes) -> None:
    """The partition's offset and changed keys, in the caller's transaction; fenced."""
    cur.execute(FENCE, (next_offset, Json(upstream), group, topic, partition, epoch))
    if cur.rowcount != 1:
        raise Fenced(topic, partition, epoch)
    if changes.deletes:
        rules, keys = zip(*changes.deletes, strict=True)
        cur.execute(DELETE, (list(rules), list(keys), group, topic, partition))
    if changes.upserts:
        rows = [(group, topic, partition, r, k, kind, state)
                for r, k, kind, state in changes.upserts]
        execute_values(cur, UPSERT, rows, template="(%s, %s, %s, %s, %s, %s, %s::jsonb)",
                       page_size=1000)


def saved_offsets(conn, group: str, topics: list[str]) -> int:
    """The sum of the next offsets saved for the topics' partitions (tests and benches)."""
    with conn, conn.cursor() as cur:
        cur.execute(SAVED_OFFSETS, (group, topics))
        return int(cur.fetchone()[0])


def offsets_by_partition(conn, group: str) -> dict[str, int]:
    """{"topic:partition": next offset} as saved (operations, tests and benches)."""
    with conn, conn.cursor() as cur:
        cur.execute("SELECT topic, partition, next_offset FROM alert_engine_partitions "
                    "WHERE consumer_group = %s AND next_offset IS NOT NULL", (group,))
        return {f"{t}:{p}": o for t, p, o in cur.fetchall()}


def rule_states(conn, group: str, rule_id: str) -> dict[str, dict]:
    """A rule's saved state by key, over every partition (operations and tests)."""
    with conn, conn.cursor() as cur:
        cur.execute("SELECT key, state FROM alert_engine_keys "
                    "WHERE consumer_group = %s AND rule_id = %s", (group, rule_id))
        return dict(cur.fetchall())
