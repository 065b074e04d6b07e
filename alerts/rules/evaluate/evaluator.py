"""The evaluator: routes each event to the rules that match it and keeps their state.

Pure and single-threaded: no clock, no I/O. The caller hands it events and clock ticks
and gets fire / clear signals back. `snapshot()` is plain JSON and `restore()` takes it
back, so a restarted engine continues hold timers and windows where they were.

A stage limits it to one half of the rules, for an engine spread over a consumer group
(alerts/engine/stages.py): "device" evaluates the rules kept per device (threshold, rate,
absence, device geofences) on readings keyed by device; "area" the rules kept per area
(count, incident geofences, composite) on events re-keyed by area; "all" both.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from alerts.rules.evaluate import absence, composite, count, geofence, rate, threshold
from alerts.rules.evaluate.events import IncidentEvent, ReadingEvent, Signal
from alerts.rules.evaluate.states import States
from alerts.rules.model import Rule, RuleSet

FORMAT = 1
ON_READING = {"threshold": threshold.on_reading, "rate": rate.on_reading,
              "absence": absence.on_reading, "geofence": geofence.on_reading}
ON_INCIDENT = {"count": count.on_incident, "geofence": geofence.on_incident}
ON_TICK = {"absence": absence.on_tick, "count": count.on_tick,
           "composite": composite.on_tick, "geofence": geofence.on_tick}


STAGES = ("all", "device", "area")


def area_rule(rule: Rule) -> bool:
    """Kept per area: it needs every event of an area, whatever device or source sent it."""
    return rule.kind == "composite" or rule.watches == "incident"


class Evaluator:
    def __init__(self, rules: RuleSet, stage: str = "all") -> None:
        if stage not in STAGES:
            raise ValueError(f"stage {stage!r} is not one of {STAGES}")
        self.stage = stage
        self.state: dict[str, States] = {}
        self.kinds: dict[str, str] = {}
        self.use(rules)

    def _mine(self, rule: Rule) -> bool:
        return self.stage == "all" or (self.stage == "area") == area_rule(rule)

    def use(self, rules: RuleSet) -> None:
        """Switch to a (reloaded) rule set; rules that stay keep their state, unless the id
        now names a rule of another kind: its state would not fit (KeyError on the tick)."""
        self.rules = rules
        self.mine = [r for r in rules.rules if self._mine(r)]
        self.state = {r.id: self.state[r.id] if self.kinds.get(r.id) == r.kind else States()
                      for r in self.mine}
        self.kinds = {r.id: r.kind for r in self.mine}
        self.by_metric: dict[str, list[Rule]] = defaultdict(list)
        self.per_device: list[Rule] = []     # absence and device geofences: any metric
        self.on_incidents: list[Rule] = []
        self.composites_of: dict[str, list[Rule]] = defaultdict(list)
        for rule in self.mine:
            if rule.kind in ("threshold", "rate"):
                for metric in rule.match.metric:
                    self.by_metric[metric].append(rule)
            elif rule.kind == "composite":
                for part in rule.params["all"]:
                    self.composites_of[part].append(rule)
            elif rule.watches == "incident":
                self.on_incidents.append(rule)
            else:
                self.per_device.append(rule)

    def reading(self, ev: ReadingEvent) -> list[Signal]:
        found = []
        for rule in self.by_metric.get(ev.metric, ()):
            if rule.match.device(ev.device_kind, ev.device_type):
                key = ev.device_id if len(rule.match.metric) == 1 \
                    else f"{ev.device_id}/{ev.metric}"
                found.append(ON_READING[rule.kind](rule, self.state[rule.id], key, ev))
        for rule in self.per_device:
            if rule.match.device(ev.device_kind, ev.device_type):
                found.append(ON_READING[rule.kind](rule, self.state[rule.id], ev.device_id,
                                                   ev))
        return self._with_composites([s for s in found if s is not None])

    def incident(self, ev: IncidentEvent) -> list[Signal]:
        found = []
        for rule in self.on_incidents:
            if rule.match.incident(ev.source, ev.category, ev.subcategory):
                found.append(ON_INCIDENT[rule.kind](rule, self.state[rule.id], ev))
        return self._with_composites([s for s in found if s is not None])

    def tick(self, now: float) -> list[Signal]:
        """Let time pass: silences become offline, windows empty, quiet zones clear."""
        found = []
        for rule in self.mine:
            tick = ON_TICK.get(rule.kind)
            if tick is not None and rule.kind != "composite":
                found += tick(rule, self.state[rule.id], now)
        found = self._with_composites(found)
        for rule in self.mine:
            if rule.kind == "composite":
                found += composite.on_tick(rule, self.state[rule.id], now)
        return found

    def part_signal(self, sig: Signal) -> list[Signal]:
        """A part's signal evaluated by another stage: what the composites make of it."""
        return self._with_composites([sig])[1:]

    def _with_composites(self, signals: list[Signal]) -> list[Signal]:
        if not self.composites_of:
            return signals
        found = list(signals)
        for sig in signals:
            for rule in self.composites_of.get(sig.rule.id, ()):
                made = composite.on_signal(rule, self.state[rule.id], sig)
                if made is not None:
                    found.append(made)
        return found

    def snapshot(self) -> dict[str, Any]:
        """Everything the evaluator remembers, as JSON-ready dicts and lists."""
        return {"format": FORMAT,
                "rules": {r.id: {"kind": r.kind, "state": dict(self.state[r.id])}
                          for r in self.mine if self.state[r.id]}}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Take back a snapshot; state of rules now gone or of another kind is dropped."""
        if snapshot.get("format") != FORMAT:
            raise ValueError(f"evaluator snapshot format {snapshot.get('format')!r} is not "
                             f"{FORMAT}")
        saved = snapshot.get("rules", {})
        for rule in self.mine:
            entry = saved.get(rule.id)
            self.state[rule.id] = States(entry["state"]) if entry and \
                entry["kind"] == rule.kind else States()
