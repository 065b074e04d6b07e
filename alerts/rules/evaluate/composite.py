"""Composite: every part rule fired in the same area within W of each other.

It listens to the fire signals of its parts (the same evaluation step, so order does not
matter between a reading and an incident). State per area (JSON): {"seen": {part: ts},
"fired": bool, "areas": [...]}. It clears on a tick once no part has fired for W.
"""

from __future__ import annotations

from alerts.rules.evaluate.events import Areas, Signal, clear, fire
from alerts.rules.model import Rule


def on_signal(rule: Rule, states: dict, sig: Signal) -> Signal | None:
    p = rule.params
    code = sig.areas.at(p["per"])
    if code is None or sig.action != "fire" or sig.rule.id not in p["all"]:
        return None
    st = states.setdefault(code, {"seen": {}, "fired": False, "areas": sig.areas.to_json()})
    st["seen"][sig.rule.id] = max(sig.at, st["seen"].get(sig.rule.id, sig.at))
    newest = max(st["seen"].values())
    st["seen"] = {part: t for part, t in st["seen"].items() if t >= newest - p["within"]}
    if st["fired"] or set(st["seen"]) != set(p["all"]):
        return None
    st["fired"] = True
    # True from the newest part's fire on, whichever part's signal came last: parts reach
    # the area stage from several partitions, in no fixed order.
    return fire(rule, code, newest, areas=sig.areas, device_id=sig.device_id, lon=sig.lon,
                lat=sig.lat, detail={"parts": dict(st["seen"])})


def on_tick(rule: Rule, states: dict, now: float) -> list[Signal]:
    within = rule.params["within"]
    found = []
    for code in list(states):
        st = states[code]
        if max(st["seen"].values(), default=0) >= now - within:
            continue
        if st["fired"]:
            found.append(clear(rule, code, now, areas=Areas.from_json(st["areas"])))
        del states[code]
    return found
