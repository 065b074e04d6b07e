"""Checking a rule's `match`: known metrics and device kinds, sources, and what fits the kind."""

from __future__ import annotations

from typing import Any

from alerts.rules.model import Match
from cityops.marked_yaml import LineDict
from devices.profile import ProfileSet
from ingest.formats.native import SOURCES

DEVICE_FIELDS = ("device_kind", "device_type", "metric")
INCIDENT_FIELDS = ("source", "category", "subcategory")

Problems = list[tuple[int, str]]


def _values(value: Any) -> frozenset[str] | None:
    if isinstance(value, str) and value:
        return frozenset({value})
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return frozenset(value)
    return None


def check_match(kind: str, given: LineDict, incidents: bool,
                profiles: ProfileSet) -> tuple[Match, Problems]:
    """The Match and its problems; `incidents` says the rule watches incidents. Metrics
    and device kinds are the profiles'."""
    problems: Problems = []
    found: dict[str, frozenset[str]] = {}
    for key, value in given.items():
        line = given.line_of(key)
        if key not in DEVICE_FIELDS + INCIDENT_FIELDS:
            problems.append((line, f"match has no field {key!r} (known: "
                                   f"{', '.join(DEVICE_FIELDS + INCIDENT_FIELDS)})"))
            continue
        values = _values(value)
        if values is None:
            problems.append((line, f"match.{key}: expected a name or a list of names"))
            continue
        problems += [(line, p) for p in _unknown(key, values, profiles)]
        found[key] = values
    problems += [(given.line, p) for p in _fits(kind, found, incidents, profiles)]
    return Match(**found), problems


def _unknown(key: str, values: frozenset[str], profiles: ProfileSet) -> list[str]:
    table = {"metric": profiles.metrics, "device_kind": profiles.profiles,
             "source": SOURCES}.get(key)
    if table is None:
        return []
    return [f"match.{key}: {v!r} is not known (known: {', '.join(sorted(table))})"
            for v in sorted(values) if v not in table]


def _fits(kind: str, found: dict[str, frozenset[str]], incidents: bool,
          profiles: ProfileSet) -> list[str]:
    device_side = [k for k in DEVICE_FIELDS if k in found]
    incident_side = [k for k in INCIDENT_FIELDS if k in found]
    problems = []
    if incidents and device_side:
        problems.append(f"{kind} rules on incidents cannot match {', '.join(device_side)}")
    if not incidents and incident_side:
        problems.append(f"{kind} rules on readings cannot match {', '.join(incident_side)}")
    if kind in ("threshold", "rate") and "metric" not in found:
        problems.append(f"{kind} rules need match.metric")
    if kind == "absence" and "device_kind" not in found:
        problems.append("absence rules need match.device_kind")
    kinds, metrics = found.get("device_kind"), found.get("metric", frozenset())
    for metric in sorted(metrics):
        reporters = profiles.kinds_of(metric)
        if kinds and reporters and not reporters & kinds:
            problems.append(f"match.metric: {metric!r} is reported by "
                            f"{', '.join(sorted(reporters))} devices, not "
                            f"{', '.join(sorted(kinds))}")
    return problems
