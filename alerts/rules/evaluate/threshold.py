"""Threshold with a hold: fire when a value has stayed past the level for `for` seconds.

State per device (JSON): {"since": first breaching ts, "fired": bool}; a device that is
neither breaching nor fired has no entry, so healthy devices cost nothing.
"""

from __future__ import annotations

import operator

from alerts.rules.evaluate.events import ReadingEvent, Signal, clear, fire, reading_facts
from alerts.rules.model import Rule

OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def on_reading(rule: Rule, states: dict, key: str, ev: ReadingEvent) -> Signal | None:
    p = rule.params
    compare = OPS[p["op"]]
    st = states.get(key)
    if st is not None and st["fired"]:
        level = p["value"] if p["clear"] is None else p["clear"]
        if compare(ev.value, level):
            return None  # still past the clear level: the alert stays, nothing new to say
        del states[key]
        return clear(rule, key, ev.ts, **reading_facts(ev), detail={"value": ev.value})
    if not compare(ev.value, p["value"]):
        states.pop(key, None)  # the hold is broken: a later breach starts its own timer
        return None
    if st is None:
        st = states[key] = {"since": ev.ts, "fired": False}
    if ev.ts - st["since"] >= p["for"]:
        st["fired"] = True
        return fire(rule, key, ev.ts, **reading_facts(ev),
                    detail={"metric": ev.metric, "value": ev.value, "since": st["since"]})
    return None
