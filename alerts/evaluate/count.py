"""Count in a window per area: N incidents in one grid (or community, ...) within W.

State per area key (JSON): {"times": [ts, ...] inside the window, "fired": bool,
"areas": [...]}. It fires when the count reaches N and clears (on a tick) once the
window holds fewer than N again, so a later burst in the same place can fire again.
"""

from __future__ import annotations

from alerts.evaluate.events import Areas, IncidentEvent, Signal, clear, fire
from alerts.rules.model import Rule


def area_key(rule: Rule, ev: IncidentEvent) -> tuple[str, str | None] | None:
    """(key, grouped category) or None when the incident has no code at that level."""
    code = ev.areas.at(rule.params["per"])
    if code is None:
        return None
    by = rule.params["by"]
    if by is None:
        return code, None
    group = getattr(ev, by)
    return (f"{code}|{group}", group) if group else None


def on_incident(rule: Rule, states: dict, ev: IncidentEvent) -> Signal | None:
    found = area_key(rule, ev)
    if found is None:
        return None
    key, group = found
    p = rule.params
    st = states.setdefault(key, {"times": [], "fired": False,
                                 "areas": ev.areas.to_json(), "group": group})
    st["times"].append(ev.ts)
    st["times"] = sorted(t for t in st["times"] if t > ev.ts - p["within"])
    if st["fired"] or len(st["times"]) < p["count"]:
        return None
    st["fired"] = True
    return fire(rule, key, ev.ts, areas=ev.areas, category=group or rule.category,
                lon=ev.lon, lat=ev.lat,
                detail={"count": len(st["times"]), "source_id": ev.source_id})


def on_tick(rule: Rule, states: dict, now: float) -> list[Signal]:
    p = rule.params
    found = []
    for key in list(states):
        st = states[key]
        st["times"] = [t for t in st["times"] if t > now - p["within"]]
        if st["fired"] and len(st["times"]) < p["count"]:
            st["fired"] = False
            found.append(clear(rule, key, now, areas=Areas.from_json(st["areas"]),
                               category=st["group"] or rule.category))
        if not st["times"] and not st["fired"]:
            del states[key]
    return found
