"""One Kafka partition as a member of the alerts engine holds it: its own evaluator state,
the claim that lets it save, and what changed since the last save.

Each partition's state belongs to exactly one member at a time (the one whose claim is
current, alerts/engine/state_store.py), so it has an evaluator of its own, loaded when
the partition is assigned and dropped when it is revoked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kafka import TopicPartition

from alerts.engine import state_store
from alerts.engine.stages import Applied
from alerts.engine.state_store import Changes, Claim
from alerts.rules import RuleSet
from alerts.rules.evaluate import Evaluator, Signal

UNKNOWN = 0   # the hash of a key loaded from the database: not known, so written if touched


def _dumps(state: object) -> str:
    return json.dumps(state, separators=(",", ":"), default=str)


@dataclass
class PartitionState:
    tp: TopicPartition
    stage: str                      # "device" or "area"
    evaluator: Evaluator
    epoch: int
    saved_offset: int | None        # next offset to read, as saved
    read_to: int | None = None      # next offset to read, as evaluated
    applied: Applied = field(default_factory=Applied)
    pending: list[Signal] = field(default_factory=list)
    saved: dict[str, dict[str, int]] = field(default_factory=dict)  # rule -> key -> hash
    ticks: int = 0                  # signals made by ticks at the current offset

    @classmethod
    def claimed(cls, conn, group: str, tp: TopicPartition, stage: str, rules: RuleSet,
                owner: str) -> PartitionState:
        """Claim the partition and load what was saved for it."""
        claim: Claim = state_store.claim(conn, group, tp.topic, tp.partition, owner)
        evaluator = Evaluator(rules, stage)
        saved: dict[str, dict[str, int]] = {}
        for rule_id, (kind, keys) in state_store.load_keys(conn, group, tp.topic,
                                                          tp.partition).items():
            if evaluator.kinds.get(rule_id) == kind:
                evaluator.state[rule_id].update(keys)
                evaluator.state[rule_id].take_touched()
            # A key of a rule gone or changed kind is in `saved`, so it is deleted.
            saved[rule_id] = dict.fromkeys(keys, UNKNOWN)
        return cls(tp, stage, evaluator, claim.epoch, claim.next_offset,
                   applied=Applied(claim.upstream), saved=saved)

    @property
    def offset_moved(self) -> bool:
        return self.read_to is not None and self.read_to != self.saved_offset

    def take_changes(self) -> tuple[Changes, dict[str, dict[str, int | None]]]:
        """The keys to write since the last save, and the hashes to remember once written
        (None: deleted)."""
        changes = Changes()
        after: dict[str, dict[str, int | None]] = {}
        kinds = self.evaluator.kinds
        for rule_id, states in self.evaluator.state.items():
            saved = self.saved.get(rule_id, {})
            for key in states.take_touched():
                if dict.__contains__(states, key):
                    text = _dumps(dict.__getitem__(states, key))
                    digest = hash(text)
                    if saved.get(key) != digest or digest == UNKNOWN:
                        changes.upserts.append((rule_id, key, kinds[rule_id], text))
                        after.setdefault(rule_id, {})[key] = digest
                elif key in saved:
                    changes.deletes.append((rule_id, key))
                    after.setdefault(rule_id, {})[key] = None
        for rule_id in set(self.saved) - set(self.evaluator.state):  # rules gone
            for key in self.saved[rule_id]:
                changes.deletes.append((rule_id, key))
                after.setdefault(rule_id, {})[key] = None
        return changes, after

    def mark_saved(self, after: dict[str, dict[str, int | None]]) -> None:
        for rule_id, keys in after.items():
            saved = self.saved.setdefault(rule_id, {})
            for key, digest in keys.items():
                if digest is None:
                    saved.pop(key, None)
                else:
                    saved[key] = digest
        self.saved = {r: keys for r, keys in self.saved.items() if keys}
        self.pending = []
        if self.read_to is not None:
            self.saved_offset = self.read_to
