"""What a loaded rule is: who it watches (match), what it checks (kind + params), what it opens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cityops.marked_yaml import FileProblem

KINDS = ("threshold", "rate", "absence", "count", "composite", "geofence")

# Kinds that watch device readings; count watches incidents; geofence watches either
# (incidents when its match names a source or category); composite watches other rules.
READING_KINDS = frozenset({"threshold", "rate", "absence"})


class RuleError(FileProblem):
    """One problem in one rule file."""


@dataclass(frozen=True)
class Match:
    """Which events a rule looks at; each field is a set of allowed values, None = any."""

    device_kind: frozenset[str] | None = None
    device_type: frozenset[str] | None = None   # the registry's meta.type, e.g. river_gauge
    metric: frozenset[str] | None = None
    source: frozenset[str] | None = None        # hotline | patrol | sensor | other
    category: frozenset[str] | None = None      # 市容环境, 公用设施, ...
    subcategory: frozenset[str] | None = None   # 暴露垃圾, 井盖破损, ...

    @property
    def names_incidents(self) -> bool:
        return any(v is not None for v in (self.source, self.category, self.subcategory))

    def device(self, kind: str, device_type: str | None) -> bool:
        return ((self.device_kind is None or kind in self.device_kind)
                and (self.device_type is None or device_type in self.device_type))

    def incident(self, source: str, category: str | None, subcategory: str | None) -> bool:
        return ((self.source is None or source in self.source)
                and (self.category is None or category in self.category)
                and (self.subcategory is None or subcategory in self.subcategory))


@dataclass(frozen=True)
class Inhibit:
    """While a case of the rule is open, fires of `rules` in the same `same` area open none."""

    rules: frozenset[str]
    same: str = "district"     # grid | community | street | district

    def to_json(self) -> dict:
        return {"rules": sorted(self.rules), "same": self.same}


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    name_zh: str
    name_en: str
    category: str
    severity: str
    match: Match
    params: dict[str, Any]
    auto_resolve: bool = False
    opens_case: bool = True      # false: only feeds composite rules
    origin: str = ""             # file:line, for log lines and errors
    inhibits: tuple[Inhibit, ...] = ()

    @property
    def watches(self) -> str:
        """'reading', 'incident' or 'signal' (composite)."""
        if self.kind in READING_KINDS:
            return "reading"
        if self.kind == "count" or (self.kind == "geofence" and self.match.names_incidents):
            return "incident"
        return "signal" if self.kind == "composite" else "reading"


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...] = ()
    folder: str = ""
    by_id: dict[str, Rule] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_id.update({r.id: r for r in self.rules})

    def __len__(self) -> int:
        return len(self.rules)
