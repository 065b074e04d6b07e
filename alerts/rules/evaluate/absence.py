"""Absence: a device that has said nothing for `after` seconds is offline.

Readings only move the device's last-seen time (and clear it if it was offline); the
firing happens on a clock tick, because silence produces no event to react to.
State per device (JSON): {"last": ts of the newest reading, "fired": bool, "where": [...]}.

A tick looks only at devices whose time may have come: each waiting device has one entry
in a due-time index (States.due), at last-seen + after; a device heard from since is put
back at its new time when its entry comes up. Walking every device each second cost a
core's worth at a million devices.
"""

from __future__ import annotations

from alerts.rules.evaluate.events import Areas, ReadingEvent, Signal, clear, fire, reading_facts
from alerts.rules.model import Rule


def on_reading(rule: Rule, states: dict, key: str, ev: ReadingEvent) -> Signal | None:
    after = rule.params["after"]
    st = states.get(key)
    if st is None:
        states[key] = {"last": ev.ts, "fired": False, "where": _where(ev)}
        _schedule(states, key, ev.ts + after)
        return None
    st["last"] = max(st["last"], ev.ts)
    if st["fired"]:
        st["fired"] = False
        _schedule(states, key, st["last"] + after)
        return clear(rule, key, ev.ts, **reading_facts(ev))
    return None


def on_tick(rule: Rule, states: dict, now: float) -> list[Signal]:
    after = rule.params["after"]
    found = []
    for key in _due(states, now, after):
        st = states.get(key)
        if st is None or st["fired"]:
            continue
        if now - st["last"] < after:
            _schedule(states, key, st["last"] + after)  # heard from since: wait again
            continue
        st["fired"] = True
        areas, lon, lat = st["where"]
        found.append(fire(rule, key, now, areas=Areas.from_json(areas), device_id=key,
                          lon=lon, lat=lat, detail={"last_seen": st["last"]}))
    return found


def _schedule(states: dict, key: str, at: float) -> None:
    if hasattr(states, "schedule"):
        states.schedule(key, at)


def _due(states: dict, now: float, after: float) -> list[str]:
    if hasattr(states, "due_keys"):
        return states.due_keys(now, lambda _, st: None if st["fired"] else st["last"] + after)
    return list(states)  # a plain dict (tests of the rule alone): look at every device


def _where(ev: ReadingEvent) -> list:
    """Enough to open the case on a tick, when no reading is at hand."""
    return [ev.areas.to_json(), ev.lon, ev.lat]
