"""Inhibition: while an inhibiting case is open, the fires it names open no case in its area.

A rule's `inhibits` spec is copied onto the case it opens (alerts.inhibits), so what an
open case mutes does not change when the rules are reloaded, and the engine needs no rule
set to decide. A muted fire leaves an 'inhibit' event on the inhibiting case's timeline,
so the desk can see what the district-wide case is standing in for.
"""

from __future__ import annotations

from typing import Any

from alerts.cases.grouping.reports import is_report
from alerts.cases.moves import record_event
from alerts.rules.evaluate.events import Areas, Signal

INHIBITING = """
SELECT id, inhibits, grid_code, community_code, street_code, district_code FROM alerts
WHERE inhibits IS NOT NULL AND state NOT IN ('closed', 'rejected', 'resolved')
ORDER BY id
"""


def inhibits(specs: list[dict[str, Any]], case_areas: Areas, rule_id: str,
             areas: Areas) -> bool:
    """True when one of the case's specs names the rule and both share the area."""
    for spec in specs:
        if rule_id not in spec["rules"]:
            continue
        level = spec.get("same", "district")
        code = case_areas.at(level)
        if code is not None and code == areas.at(level):
            return True
    return False


def inhibited_by(cur, sig: Signal) -> int | None:
    """The open case that mutes this fire, if any; reported incidents are never muted."""
    if is_report(sig):
        return None
    cur.execute(INHIBITING)
    for alert_id, specs, *codes in cur.fetchall():
        if inhibits(specs, Areas(*codes), sig.rule.id, sig.areas):
            return alert_id
    return None


def note_inhibited(cur, alert_id: int, sig: Signal, actor: str) -> None:
    record_event(cur, alert_id, actor, "inhibit", None, None,
                 f"抑制 (inhibited): {sig.rule.name_zh} {sig.fingerprint}",
                 {"rule": sig.rule.id, "fingerprint": sig.fingerprint, "at": sig.at,
                  "device": sig.device_id})
