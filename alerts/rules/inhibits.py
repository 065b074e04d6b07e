"""The `inhibits` field of a rule: which other rules its open case mutes, and where.

    inhibits:
      - rules: [underpass-flooded, underpass-rising-fast]
        same: district        # grid | community | street | district (default district)
"""

from __future__ import annotations

from typing import Any

from alerts.rules.model import Inhibit, Rule, RuleError
from cityops.marked_yaml import LineDict, LineList
from geo.levels import PLACED_LEVELS as AREA_LEVELS


def check_inhibits(given: Any, line: int) -> tuple[tuple[Inhibit, ...], list[tuple[int, str]]]:
    if not isinstance(given, LineList) or not given:
        return (), [(line, "inhibits is a list of {rules: [...], same: district}")]
    found, problems = [], []
    for i, item in enumerate(given):
        at = given.line_of(i)
        if not isinstance(item, LineDict) or "rules" not in item:
            problems.append((at, "each inhibits entry is a mapping with rules (and same)"))
            continue
        unknown = [k for k in item if k not in ("rules", "same")]
        if unknown:
            problems.append((item.line_of(unknown[0]), f"inhibits: unknown field "
                                                       f"{unknown[0]!r} (known: rules, same)"))
        rules = item["rules"] if isinstance(item["rules"], list) else [item["rules"]]
        if not rules or not all(isinstance(r, str) and r for r in rules):
            problems.append((item.line_of("rules"), "inhibits.rules is a list of rule ids"))
            continue
        same = item.get("same", "district")
        if same not in AREA_LEVELS:
            problems.append((item.line_of("same"), f"inhibits.same {same!r} is not one of "
                                                   f"{', '.join(AREA_LEVELS)}"))
            continue
        found.append(Inhibit(frozenset(rules), same))
    return tuple(found), problems


def cross_check(rules: list[Rule]) -> list[RuleError]:
    """Inhibited rules exist and are not the inhibiting rule itself."""
    known = {r.id for r in rules}
    errors = []
    for rule in rules:
        path, line = rule.origin.rsplit(":", 1)
        for spec in rule.inhibits:
            for name in sorted(spec.rules):
                if name == rule.id:
                    errors.append(RuleError(path, int(line), f"rule {rule.id!r} inhibits "
                                                             f"itself"))
                elif name not in known:
                    errors.append(RuleError(path, int(line), f"rule {rule.id!r} inhibits "
                                                             f"unknown rule {name!r}"))
    return errors
