"""Absence: a device that has said nothing for `after` seconds is offline.

Readings only move the device's last-seen time (and clear it if it was offline); the
firing happens on a clock tick, because silence produces no event to react to.
State per device (JSON): {"last": ts of the newest reading, "fired": bool, "where": [...]}.
"""

from __future__ import annotations

from alerts.rules.evaluate.events import Areas, ReadingEvent, Signal, clear, fire, reading_facts
from alerts.rules.model import Rule


def on_reading(rule: Rule, states: dict, key: str, ev: ReadingEvent) -> Signal | None:
    st = states.get(key)
    if st is None:
        states[key] = {"last": ev.ts, "fired": False, "where": _where(ev)}
        return None
    st["last"] = max(st["last"], ev.ts)
    if st["fired"]:
        st["fired"] = False
        return clear(rule, key, ev.ts, **reading_facts(ev))
    return None


def on_tick(rule: Rule, states: dict, now: float) -> list[Signal]:
    after = rule.params["after"]
    found = []
    for key, st in states.items():
        if not st["fired"] and now - st["last"] >= after:
            st["fired"] = True
            areas, lon, lat = st["where"]
            found.append(fire(rule, key, now, areas=Areas.from_json(areas), device_id=key,
                              lon=lon, lat=lat, detail={"last_seen": st["last"]}))
    return found


def _where(ev: ReadingEvent) -> list:
    """Enough to open the case on a tick, when no reading is at hand."""
    return [ev.areas.to_json(), ev.lon, ev.lat]
