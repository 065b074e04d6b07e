"""Count in a window per area: N incidents in one grid (or community, ...) within W.

State per area key (JSON): {"times": [ts, ...] inside the window, "ids": [source id,
...] alongside, "fired": bool, "areas": [...]}. It fires when the count reaches N, at the
N-th report's own time, and clears once the window holds fewer than N again, so a later
burst in the same place can fire again: on a tick, or at the next report of that area if
no tick ran since (ticks run on the clock, and not at all while a backlog is read). A
report that both ends an episode and starts the next fires (a repeat of the open case)
without a clear before it.

An incident counts once: the same source id again (a redelivered message, or a 12345 call
sent again with the caller's rating after its case closed, which keeps its original
`reported_at`) is not one more report. Counted twice, a closed call's rating made a
"cluster" of two calls, fired at the old call's time long after it was received.
"""

from __future__ import annotations

from alerts.rules.evaluate.events import Areas, IncidentEvent, Signal, clear, fire
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
    n, within = p["count"], p["within"]
    st = states.setdefault(key, {"times": [], "ids": [], "fired": False,
                                 "areas": ev.areas.to_json(), "group": group})
    ids = st.setdefault("ids", [None] * len(st["times"]))  # snapshots from before "ids"
    if ev.source_id in ids:
        return None  # the same incident again: counted once
    # The window ends at the newest report seen, so a late copy of an old one cannot
    # bring back what already left it.
    newest = max([ev.ts, *st["times"]])
    horizon = newest - within
    before = sorted(((t, i) for t, i in zip(st["times"], ids, strict=True) if t > horizon),
                    key=lambda pair: pair[0])
    ended = None
    if st["fired"] and len(before) < n:
        # Fewer than N were left before this report came: the episode ended (event time)
        # when the N-th newest left the window, whether or not a tick ran in between.
        old = sorted(st["times"])
        ended = min(old[-n] + within, newest) if len(old) >= n else newest
        st["fired"] = False
    kept = sorted([*before, (ev.ts, ev.source_id)] if ev.ts > horizon else before,
                  key=lambda pair: pair[0])
    st["times"], st["ids"] = [t for t, _ in kept], [i for _, i in kept]
    if st["fired"] or len(kept) < n or ev.ts <= horizon:
        if ended is None:
            return None
        return clear(rule, key, ended, areas=Areas.from_json(st["areas"]),
                     category=group or rule.category)
    st["fired"] = True
    # The cluster exists from its N-th report in time; incidents can arrive out of order
    # (partitions), so that is not always the one that arrived last (`source_id`).
    return fire(rule, key, kept[n - 1][0], areas=ev.areas, category=group or rule.category,
                lon=ev.lon, lat=ev.lat,
                detail={"count": len(kept), "source_id": ev.source_id})


def on_tick(rule: Rule, states: dict, now: float) -> list[Signal]:
    p = rule.params
    found = []
    for key in list(states):
        st = states[key]
        ids = st.get("ids") or [None] * len(st["times"])
        kept = [(t, i) for t, i in zip(st["times"], ids, strict=True) if t > now - p["within"]]
        st["times"], st["ids"] = [t for t, _ in kept], [i for _, i in kept]
        if st["fired"] and len(st["times"]) < p["count"]:
            st["fired"] = False
            found.append(clear(rule, key, now, areas=Areas.from_json(st["areas"]),
                               category=st["group"] or rule.category))
        if not st["times"] and not st["fired"]:
            del states[key]
    return found
