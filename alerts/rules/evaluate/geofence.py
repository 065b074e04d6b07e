"""Geofence: a device or a report inside (or outside) named zones.

Devices: keyed by device, fire when the condition starts, clear when it ends (a moved
device). Incidents are instants, so they are keyed by zone and grid: the first report
fires, later ones in the same place only refresh it, and it clears on a tick after
`quiet` seconds without one. State (JSON): {"fired": bool, "last": ts, "areas": [...]}.
"""

from __future__ import annotations

from alerts.rules.evaluate.events import (
    Areas,
    IncidentEvent,
    ReadingEvent,
    Signal,
    clear,
    fire,
    reading_facts,
)
from alerts.rules.evaluate.geometry import zone_of
from alerts.rules.model import Rule

OUTSIDE = "outside"


def _zone(rule: Rule, lon: float | None, lat: float | None) -> str | None:
    """The zone that makes the condition true, or None when it is false or unknown."""
    if lon is None or lat is None:
        return None
    zone = zone_of(lon, lat, rule.params["zones"])
    if rule.params["when"] == "inside":
        return zone
    return OUTSIDE if zone is None else None


def on_reading(rule: Rule, states: dict, key: str, ev: ReadingEvent) -> Signal | None:
    if ev.lon is None:
        return None
    zone = _zone(rule, ev.lon, ev.lat)
    fired = key in states
    if zone is not None and not fired:
        states[key] = {"fired": True, "last": ev.ts, "areas": ev.areas.to_json()}
        return fire(rule, key, ev.ts, **reading_facts(ev), detail={"zone": zone})
    if zone is None and fired:
        del states[key]
        return clear(rule, key, ev.ts, **reading_facts(ev))
    return None


def on_incident(rule: Rule, states: dict, ev: IncidentEvent) -> Signal | None:
    zone = _zone(rule, ev.lon, ev.lat)
    if zone is None:
        return None
    key = f"{zone}|{ev.areas.grid_code or '-'}"
    st = states.get(key)
    if st is not None:
        st["last"] = max(st["last"], ev.ts)
        return None
    states[key] = {"fired": True, "last": ev.ts, "areas": ev.areas.to_json()}
    return fire(rule, key, ev.ts, areas=ev.areas, lon=ev.lon, lat=ev.lat,
                detail={"zone": zone, "source_id": ev.source_id})


def on_tick(rule: Rule, states: dict, now: float) -> list[Signal]:
    if rule.watches != "incident":
        return []
    found = []
    for key in list(states):
        st = states[key]
        if now - st["last"] >= rule.params["quiet"]:
            found.append(clear(rule, key, now, areas=Areas.from_json(st["areas"])))
            del states[key]
    return found
