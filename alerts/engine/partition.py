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

UNKNOWN = None   # what a key loaded from the database was saved as: written if touched
# An absence key changes with every reading (its last-seen time). Written each time, the
# state writes were as many rows a second as the readings themselves (docs/scaling.md);
# a last-seen time that moved by less than this share of the rule's window is not
# written. After a crash a device then looks at most that much longer silent than it was,
# and its next reading (well inside the window) sets it right.
ABSENCE_SLACK = 0.1


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
    # rule -> key -> what was saved: a hash of its JSON, or for absence (hash of all but
    # the last-seen time, last-seen time)
    saved: dict[str, dict[str, object]] = field(default_factory=dict)
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

    def take_changes(self) -> tuple[Changes, dict[str, dict[str, object]]]:
        """The keys to write since the last save, and the hashes to remember once written
        (None: deleted)."""
        changes = Changes()
        after: dict[str, dict[str, object]] = {}
        kinds = self.evaluator.kinds
        for rule_id, states in self.evaluator.state.items():
            saved = self.saved.get(rule_id, {})
            slack = self._slack(rule_id)
            for key in states.take_touched():
                if dict.__contains__(states, key):
                    state = dict.__getitem__(states, key)
                    mark = _mark(state, slack)
                    if not _same(saved.get(key, UNKNOWN), mark, slack):
                        changes.upserts.append((rule_id, key, kinds[rule_id], _dumps(state)))
                        after.setdefault(rule_id, {})[key] = mark
                elif key in saved:
                    changes.deletes.append((rule_id, key))
                    after.setdefault(rule_id, {})[key] = None
        for rule_id in set(self.saved) - set(self.evaluator.state):  # rules gone
            for key in self.saved[rule_id]:
                changes.deletes.append((rule_id, key))
                after.setdefault(rule_id, {})[key] = None
        return changes, after

    def _slack(self, rule_id: str) -> float | None:
        if self.evaluator.kinds[rule_id] != "absence":
            return None
        return self.evaluator.rules.by_id[rule_id].params["after"] * ABSENCE_SLACK

    def mark_saved(self, after: dict[str, dict[str, object]]) -> None:
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


def _mark(state: dict, slack: float | None) -> object:
    if slack is None:
        return hash(_dumps(state))
    rest = {k: v for k, v in state.items() if k != "last"}
    return (hash(_dumps(rest)), state["last"])


def _same(saved: object, mark: object, slack: float | None) -> bool:
    """Whether what was saved still stands for the state (its mark)."""
    if saved is UNKNOWN:
        return False
    if slack is None:
        return saved == mark
    return saved[0] == mark[0] and mark[1] - saved[1] < slack
