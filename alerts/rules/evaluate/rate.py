"""Rate of change: fire when a value rose (or fell) by at least X within a window.

The state per device keeps only the candidates for the window's minimum (a monotonic
queue of [ts, value]), so memory stays small however often a device reports. It clears
when the change over the window falls below half the trigger, so noise at the edge does
not make it flap.
"""

from __future__ import annotations

from alerts.rules.evaluate.events import ReadingEvent, Signal, clear, fire, reading_facts
from alerts.rules.model import Rule


def on_reading(rule: Rule, states: dict, key: str, ev: ReadingEvent) -> Signal | None:
    p = rule.params
    rising = p["rise"] is not None
    trigger = p["rise"] if rising else p["fall"]
    value = ev.value if rising else -ev.value  # a fall is a rise of the negated value
    st = states.setdefault(key, {"low": [], "fired": False})
    low = st["low"]
    while low and low[-1][1] >= value:
        low.pop()
    low.append([ev.ts, value])
    while low[0][0] < ev.ts - p["within"]:
        low.pop(0)
    change = value - low[0][1]
    if not st["fired"] and change >= trigger:
        st["fired"] = True
        return fire(rule, key, ev.ts, **reading_facts(ev),
                    detail={"metric": ev.metric, "value": ev.value,
                            "change": change if rising else -change, "from_ts": low[0][0]})
    if st["fired"] and change < trigger / 2:
        st["fired"] = False
        return clear(rule, key, ev.ts, **reading_facts(ev), detail={"value": ev.value})
    return None
