"""Every 12345 call, patrol report and sensor alarm is part of a case: the report signal.

The evaluator's rules only see incidents in aggregate (count, composite). The engine also
turns each incident into a `report` signal, which opens a case of its own or merges into
an open case of the same problem nearby (see alerts/engine/writes.py).
"""

from __future__ import annotations

from alerts.cases.grouping.categories import incident_category
from alerts.cases.moves import NewCase
from alerts.rules.evaluate.events import IncidentEvent, Signal
from alerts.rules.model import Match, Rule

REPORT = "report"

# Not a YAML rule (its id cannot be written in a rule file): it stands for "an incident
# came in" wherever the engine expects a rule.
REPORT_RULE = Rule(id="(report)", kind="count", name_zh="上报事件", name_en="Reported incident",
                   category="", severity="minor", match=Match(), params={},
                   origin=__file__)


def report_signal(ev: IncidentEvent) -> Signal:
    """The signal of one incident; its fingerprint is the incident's `source:source_id`."""
    return Signal(REPORT, REPORT_RULE, source_key(ev.source, ev.source_id), ev.ts,
                  areas=ev.areas, category=incident_category(ev.category, ev.subcategory),
                  lon=ev.lon, lat=ev.lat,
                  detail={"source": ev.source, "source_id": ev.source_id,
                          "category": ev.category, "subcategory": ev.subcategory})


def source_key(source: str, source_id: str) -> str:
    return f"{source}:{source_id}"


def is_report(sig: Signal) -> bool:
    return sig.action == REPORT


SOURCE_NAMES = {"hotline": "12345热线", "patrol": "网格巡查", "sensor": "传感器报警",
                "other": "其他渠道"}


def report_case(sig: Signal) -> NewCase:
    """The case a report opens when no open case of its problem is near."""
    d = sig.detail
    who = SOURCE_NAMES.get(d["source"], d["source"])
    what = sig.category or "上报事件"
    return NewCase(
        # What and where it came from, as a person would say it on a ticker; the report's
        # number stays in the description, the labels and the case's sources.
        fingerprint=sig.fingerprint, kind=d["source"], title=f"{what}（{who}）",
        category=sig.category, description=f"{d['source']} report {d['source_id']} "
                                            f"({d['category']}/{d['subcategory']})",
        lon=sig.lon, lat=sig.lat, grid_code=sig.areas.grid_code,
        community_code=sig.areas.community_code, street_code=sig.areas.street_code,
        district_code=sig.areas.district_code, auto_resolve=False,
        labels={"source": d["source"], "source_id": d["source_id"],
                "incident_category": d["category"], "subcategory": d["subcategory"]})
