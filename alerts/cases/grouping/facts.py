"""What a signal says about its problem, in the words silences and inhibition match on."""

from __future__ import annotations

from dataclasses import dataclass

from alerts.cases.grouping.reports import is_report
from alerts.rules.evaluate.events import Signal


@dataclass(frozen=True)
class Facts:
    rule_id: str | None        # None for a reported incident
    rule_kind: str | None
    category: str | None
    kind: str                  # the case kind: sensor, incident, composite, hotline, patrol ...
    areas: tuple[str, ...]     # grid, community, street, district codes it has
    device_id: str | None
    source: str | None         # hotline, patrol, sensor, other (reported incidents)


def case_kind(sig: Signal) -> str:
    """The kind of case the signal opens: its source for a report (hotline cases are rated)."""
    if is_report(sig):
        return sig.detail["source"]
    return {"reading": "sensor", "incident": "incident"}.get(sig.rule.watches, "composite")


def facts_of(sig: Signal) -> Facts:
    report = is_report(sig)
    return Facts(rule_id=None if report else sig.rule.id,
                 rule_kind=None if report else sig.rule.kind,
                 category=sig.category, kind=case_kind(sig),
                 areas=tuple(c for c in sig.areas.to_json() if c),
                 device_id=sig.device_id,
                 source=sig.detail.get("source") if report else None)
