"""The engine's two stages and the repartition topic between them (issue #18).

Readings are keyed by device and incidents by source, so a member owning some of their
partitions sees each device whole but only part of an area. Rules kept per device
(threshold, rate, absence, device geofences) run where the reading is read: the
"device" stage. Rules kept per area need every event of the area in one place, as in
Kafka Streams: the device stage re-sends what they read, keyed by district, to the
by-area topic, and the member owning that partition runs them (the "area" stage):

- every incident, for count rules and incident geofences;
- every fire of a rule that is part of a composite, for the composite.

District is the coarsest level a rule can be kept per (alerts/rules/params.AREA), so one
key serves every rule and reloading rules never moves an area's state.

What is re-sent is flushed before the offsets that produced it are saved, so a crash
re-sends and never drops; each message names its upstream partition and position, and
the area stage applies a position once (`Applied`), whoever sent it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from alerts.rules.evaluate.evaluator import area_rule
from alerts.rules.evaluate.events import Areas, IncidentEvent, Signal
from alerts.rules.model import RuleSet

Position = tuple[int, int]   # (upstream offset, index of the event in that message)


def area_key(areas: Areas) -> bytes:
    return (areas.district_code or "").encode()


class Forwarder:
    """What the device stage re-sends, sent through a producer to the by-area topic."""

    def __init__(self, producer, topic: str, rules: RuleSet) -> None:
        self.producer = producer
        self.topic = topic
        self.use(rules)

    def use(self, rules: RuleSet) -> None:
        area_rules = [r for r in rules.rules if area_rule(r)]
        self.incidents = any(r.watches == "incident" for r in area_rules)
        self.parts = {p for r in area_rules if r.kind == "composite" for p in r.params["all"]}

    def incident(self, source: str, offset: int, index: int, ts_ms: int,
                 ev: IncidentEvent) -> None:
        if self.incidents:
            event = {**asdict(ev), "areas": ev.areas.to_json()}
            self._send(ev.areas, source, offset, index, ts_ms, "incident", event)

    def signals(self, source: str, offset: int, ts_ms: int, signals: list[Signal],
                first_index: int = 1000) -> None:
        """Fires of composite parts; their indexes follow the message's incidents."""
        for i, sig in enumerate(s for s in signals
                                if s.action == "fire" and s.rule.id in self.parts):
            self._send(sig.areas, source, offset, first_index + i, ts_ms, "signal",
                       signal_json(sig))

    def _send(self, areas: Areas, source: str, offset: int, index: int, ts_ms: int,
              kind: str, event: dict[str, Any]) -> None:
        value = json.dumps({"kind": kind, "src": source, "pos": [offset, index],
                            "event": event}, default=str).encode()
        # The upstream message's Kafka time, so the area stage's watermark is the stream's.
        self.producer.send(self.topic, key=area_key(areas), value=value,
                           timestamp_ms=ts_ms if ts_ms and ts_ms > 0 else None)

    def flush(self) -> None:
        self.producer.flush()


def signal_json(sig: Signal) -> dict[str, Any]:
    return {"action": sig.action, "rule": sig.rule.id, "fingerprint": sig.fingerprint,
            "at": sig.at, "areas": sig.areas.to_json(), "category": sig.category,
            "device_id": sig.device_id, "lon": sig.lon, "lat": sig.lat,
            "detail": json.loads(json.dumps(sig.detail, default=str))}


def decode(value: bytes, rules: RuleSet) -> tuple[str, Position, IncidentEvent | Signal | None]:
    """(upstream partition, position, event); the event is None for a rule now gone."""
    message = json.loads(value)
    source, pos, event = message["src"], tuple(message["pos"]), message["event"]
    areas = Areas.from_json(event.pop("areas"))
    if message["kind"] == "incident":
        return source, pos, IncidentEvent(**event, areas=areas)
    rule = rules.by_id.get(event.pop("rule"))
    if rule is None:
        return source, pos, None
    return source, pos, Signal(rule=rule, areas=areas, **event)


class Applied:
    """The last upstream position applied per upstream partition, saved with the area
    partition's offset: a message re-sent after a crash or by a zombie is applied once."""

    def __init__(self, saved: dict[str, list[int]] | None = None) -> None:
        self.last: dict[str, list[int]] = dict(saved or {})

    def first_time(self, source: str, pos: Position) -> bool:
        seen = self.last.get(source)
        if seen is not None and tuple(seen) >= pos:
            return False
        self.last[source] = list(pos)
        return True
