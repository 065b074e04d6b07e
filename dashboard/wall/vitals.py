"""The vital-sign tiles: every number the wall shows, as the text it shows.

`texts` is the one place numbers become words, so the first draw and every refresh agree
and a refresh can send only the texts that changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts.cases.severity import MOST_SEVERE_FIRST as SEVERITIES
from dashboard.i18n import duration, number, percent, translate
from screens.wall.cases import FlowTimes, OpenCases
from screens.wall.city import SOURCES, DeviceCounts


@dataclass(frozen=True)
class Vitals:
    devices: DeviceCounts
    open_cases: OpenCases
    flow: FlowTimes
    today: dict[str, int]  # incidents since midnight per source


# Component id suffixes in display order; the page makes `wall-<suffix>` of each.
TEXT_IDS: tuple[str, ...] = (
    "value-devices_online", "note-devices_online", "value-open_cases",
    *(f"value-sev-{s}" for s in SEVERITIES), "value-overdue", "value-incidents_today",
    *(f"value-src-{s}" for s in SOURCES), "value-dispatch_time", "value-close_time",
    "value-on_time", "note-on_time")


def texts(lang: str, vitals: Vitals) -> dict[str, str]:
    devices, cases, flow = vitals.devices, vitals.open_cases, vitals.flow
    shown = {
        "value-devices_online": percent(lang, devices.share),
        "note-devices_online": translate(lang, "wall.tile.devices_note",
                                         online=number(lang, devices.online),
                                         total=number(lang, devices.total)),
        "value-open_cases": number(lang, cases.total),
        "value-overdue": number(lang, cases.overdue),
        "value-incidents_today": number(lang, sum(vitals.today.values())),
        "value-dispatch_time": duration(lang, flow.mean_dispatch_s),
        "value-close_time": duration(lang, flow.mean_close_s),
        "value-on_time": percent(lang, flow.on_time_rate),
        "note-on_time": translate(lang, "wall.tile.on_time_note",
                                  closed=number(lang, flow.closed)),
    }
    shown.update({f"value-sev-{s}": number(lang, cases.by_severity.get(s, 0))
                  for s in SEVERITIES})
    shown.update({f"value-src-{s}": number(lang, vitals.today.get(s, 0)) for s in SOURCES})
    return {key: shown[key] for key in TEXT_IDS}


def changed_texts(old: dict[str, str] | None, new: dict[str, str]) -> dict[str, str]:
    """Only the texts a refresh has to send."""
    old = old or {}
    return {key: text for key, text in new.items() if old.get(key) != text}
