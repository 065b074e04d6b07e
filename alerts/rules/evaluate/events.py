"""What the evaluator reads (readings, incidents) and what it says (fire / clear signals).

Times are seconds since the epoch (floats): cheap to compare and to write to JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from alerts.rules.model import Rule


@dataclass(frozen=True)
class Areas:
    grid_code: str | None = None
    community_code: str | None = None
    street_code: str | None = None
    district_code: str | None = None

    def at(self, level: str) -> str | None:
        return getattr(self, f"{level}_code")

    def to_json(self) -> list[str | None]:
        return [self.grid_code, self.community_code, self.street_code, self.district_code]

    @classmethod
    def from_json(cls, codes: list[str | None] | None) -> Areas:
        return cls(*(codes or ()))


NOWHERE = Areas()


@dataclass(frozen=True)
class ReadingEvent:
    ts: float
    device_id: str
    metric: str
    value: float
    device_kind: str
    areas: Areas = NOWHERE
    device_type: str | None = None   # the registry's meta.type (river_gauge, ...)
    lon: float | None = None
    lat: float | None = None


@dataclass(frozen=True)
class IncidentEvent:
    ts: float
    source: str
    source_id: str
    category: str | None
    subcategory: str | None
    areas: Areas = NOWHERE
    lon: float | None = None
    lat: float | None = None


@dataclass(frozen=True)
class Signal:
    """A condition started (fire) or ended (clear) for one fingerprint."""

    action: str                       # fire | clear
    rule: Rule
    fingerprint: str
    at: float
    areas: Areas = NOWHERE
    category: str | None = None       # the rule's, or the grouped incident category
    device_id: str | None = None
    lon: float | None = None
    lat: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def fingerprint(rule: Rule, key: str) -> str:
    """Rule id + device or area key: the same problem always gets the same fingerprint."""
    return f"{rule.id}|{key}"


def fire(rule: Rule, key: str, at: float, **facts: Any) -> Signal:
    facts.setdefault("category", rule.category)
    return Signal("fire", rule, fingerprint(rule, key), at, **facts)


def clear(rule: Rule, key: str, at: float, **facts: Any) -> Signal:
    facts.setdefault("category", rule.category)
    return Signal("clear", rule, fingerprint(rule, key), at, **facts)


def reading_facts(ev: ReadingEvent) -> dict[str, Any]:
    """Where a reading's problem is, for the case it may open."""
    return {"areas": ev.areas, "device_id": ev.device_id, "lon": ev.lon, "lat": ev.lat}
