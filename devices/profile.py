"""A device profile (物模型): one device kind, what it measures and how it behaves.

The profiles in force make a `ProfileSet`, the one place ingest, the simulator, the
rules loader, the map and the device list ask "which metrics exist, in what unit and
range, reported by which kind, and how often".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from devices.units import SAME, Conversion, UnitError, conversion

AGGREGATES = ("mean", "sum", "last")


class ProfileError(ValueError):
    """A name or unit no profile accounts for; `reason` is the dead-letter reason."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(text)
        self.reason = reason


@dataclass(frozen=True)
class Alias:
    name: str                 # as SenML, a Smart Data Model or a ThingsBoard key writes it
    unit: str | None = None   # the unit that name comes in when the message does not say
    values: MappingProxyType | None = None  # text values -> numbers ("on" -> 1)
    origin: str = ""          # senml | sdm | thingsboard | ngsi ... (documentation only)


@dataclass(frozen=True)
class MetricSpec:
    name: str
    kind: str
    unit: str
    low: float
    high: float
    aggregate: str = "mean"
    name_zh: str = ""
    name_en: str = ""
    aliases: tuple[Alias, ...] = ()
    typical: tuple[float, float] | None = None  # the simulator's everyday band

    @property
    def boolean(self) -> bool:
        return self.unit == "1" and self.low == 0 and self.high == 1 and self.aggregate == "last"


@dataclass(frozen=True)
class Profile:
    kind: str
    name_zh: str
    name_en: str
    interval_s: float          # how often a healthy device reports
    offline_after_s: float     # silent this long: offline
    symbol: str                # Plotly marker symbol on the map
    colour: str                # its colour in the device list and legend
    metrics: tuple[MetricSpec, ...]
    origin: str = ""           # file:line it was read from
    share: float = 0.0         # of simulated devices; 0: the simulator leaves it out

    def metric_names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.metrics)


class Resolved(NamedTuple):
    metric: str
    convert: Conversion
    values: MappingProxyType | None


@dataclass(frozen=True)
class ProfileSet:
    profiles: MappingProxyType                    # kind -> Profile
    version: str = "files"                        # what loaded it: files, or a store version
    metrics: MappingProxyType = field(init=False)  # canonical name -> MetricSpec
    _kinds_of: MappingProxyType = field(init=False, repr=False)
    _aliases: MappingProxyType = field(init=False, repr=False)

    def __post_init__(self) -> None:
        metrics: dict[str, MetricSpec] = {}
        kinds: dict[str, set[str]] = {}
        aliases: dict[tuple[str | None, str], list[tuple[MetricSpec, Alias]]] = {}
        for profile in self.profiles.values():
            for spec in profile.metrics:
                metrics.setdefault(spec.name, spec)
                kinds.setdefault(spec.name, set()).add(profile.kind)
                for alias in spec.aliases:
                    for key in ((profile.kind, alias.name), (profile.kind, alias.name.lower()),
                                (None, alias.name), (None, alias.name.lower())):
                        aliases.setdefault(key, []).append((spec, alias))
        object.__setattr__(self, "metrics", MappingProxyType(metrics))
        object.__setattr__(self, "_kinds_of", MappingProxyType(
            {name: frozenset(found) for name, found in kinds.items()}))
        object.__setattr__(self, "_aliases", MappingProxyType(
            {key: tuple(found) for key, found in aliases.items()}))

    def current(self) -> ProfileSet:
        """A set is its own source: where a ProfileSource is expected, a fixed set will do."""
        return self

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted(self.profiles))

    def metric(self, name: str) -> MetricSpec | None:
        return self.metrics.get(name)

    def kinds_of(self, metric: str) -> frozenset[str]:
        return self._kinds_of.get(metric, frozenset())

    def profile(self, kind: str) -> Profile | None:
        return self.profiles.get(kind)

    def resolve(self, name: str, unit: str | None = None, kind: str | None = None,
                origin: str | None = None) -> Resolved:
        """The canonical metric a name means, and how to convert a value given in `unit`.

        When the device's `kind` has a profile, only that kind's metrics answer (a device
        reports what its model has): its canonical names, then its aliases, exact before
        case-insensitive. Otherwise (a stranger, or no kind given) any profile's. Where
        one name is an alias twice (SenML's `current` in A, a Smart Data Model's in mA),
        the alias of the message's `origin` wins. Raises ProfileError."""
        profile = self.profiles.get(kind) if kind else None
        if profile is not None:
            spec = next((m for m in profile.metrics if m.name == name), None)
        else:
            spec = self.metrics.get(name)
        alias = None
        if spec is None:
            spec, alias = self._alias(name, kind if profile is not None else None, origin)
        source_unit = unit or (alias.unit if alias else None) or spec.unit
        try:
            convert = SAME if source_unit == spec.unit else conversion(source_unit, spec.unit)
        except UnitError as exc:
            raise ProfileError("bad_unit", f"{name}: {exc}") from None
        return Resolved(spec.name, convert, alias.values if alias else None)

    def _alias(self, name: str, kind: str | None,
               origin: str | None) -> tuple[MetricSpec, Alias]:
        keys = [(kind, name), (kind, name.lower())] if kind else [(None, name),
                                                                   (None, name.lower())]
        for key in keys:
            found = self._aliases.get(key)
            if not found:
                continue
            targets = {spec.name for spec, _ in found}
            if len(targets) > 1:
                raise ProfileError("ambiguous_metric", f"{name!r} may be any of "
                                   f"{', '.join(sorted(targets))}; the device's kind decides")
            return next((f for f in found if origin and f[1].origin == origin), found[0])
        where = f"a metric of {kind}" if kind else "in any device profile"
        raise ProfileError("unknown_metric", f"{name[:70]!r} is not {where}")
