"""Everything the detail panel shows about one case, read through the viewer's scope.

`read_view` asks alerts.api.casequeries.get_case with the viewer's scope before anything
else: a case outside the viewer's area (or one that does not exist) gives None and no
other query runs, so no callback can be talked into showing another area's case.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from alerts.api.casequeries import get_case, timeline
from alerts.dispatch.pools import read_case
from alerts.dispatch.unit_choice import UnknownUnit, choose_unit
from alerts.units.directory import units_for
from screens.triage.choices import area_names
from screens.triage.readings import case_labels, readings_around, reporting, watched_device, window
from screens.triage.sources import case_sources
from screens.triage.surroundings import nearby_cases, nearby_devices


@dataclass(frozen=True)
class CaseView:
    case: dict[str, Any]
    events: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    cases_nearby: list[dict[str, Any]]
    devices_nearby: list[dict[str, Any]]
    device: str | None = None
    device_is_nearest: bool = False
    readings: dict[str, list] = field(default_factory=dict)
    area_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    units: list[dict[str, Any]] = field(default_factory=list)  # to dispatch or whistle to
    routed_unit: str | None = None  # the responsibility list's unit for this case


NEAREST_TRIED = 3  # without rollups yet, raw readings of the nearest few are asked for


def by_distance(case: dict[str, Any], devices: list[dict[str, Any]]) -> list[str]:
    """Device ids nearest the case's point first (a report case has no device of its own)."""
    if case.get("lon") is None or case.get("lat") is None:
        return []
    squeeze = math.cos(math.radians(case["lat"]))

    def apart(device: dict[str, Any]) -> float:
        return math.hypot((device["lon"] - case["lon"]) * squeeze, device["lat"] - case["lat"])

    return [d["device_id"] for d in sorted(devices, key=apart)]


def read_view(conn, viewer, case_id: int, now: datetime | None = None,
              aggregates: Mapping[str, str] | None = None) -> CaseView | None:
    """The case and its surroundings for this viewer, or None outside their scope.
    `aggregates`: metric -> mean | sum | last, from the profiles in force."""
    now = now or datetime.now(UTC)
    try:
        with conn.cursor() as cur:
            case = get_case(cur, viewer.scope, case_id)
            if case is None:
                return None
            return _surroundings(cur, viewer, case, now, aggregates)
    finally:
        conn.rollback()  # reads only; hand the pooled connection back clean


def _surroundings(cur, viewer, case: dict[str, Any], now: datetime,
                  aggregates: Mapping[str, str] | None) -> CaseView:
    sources = case_sources(cur, case["id"], viewer.role, viewer.scope)
    devices = nearby_devices(cur, viewer.scope, case)
    device = watched_device(case_labels(cur, case["id"]), sources)
    nearest = device is None
    start, end = window(case["opened_at"], case.get("closed_at"), now)
    tried = [device]
    if nearest:
        # The nearest device that reported at all in the window, in one query.
        ranked = by_distance(case, devices)
        live = reporting(cur, ranked, start, end)
        tried = [d for d in ranked if d in live][:1] or ranked[:NEAREST_TRIED]
    readings: dict[str, list] = {}
    for candidate in tried:
        readings = readings_around(cur, candidate, start, end, aggregates)
        if readings:
            device = candidate
            break
    codes = [case.get(k) for k in ("grid_code", "community_code", "street_code",
                                   "district_code")]
    return CaseView(case=case, events=timeline(cur, case["id"]), sources=sources,
                    cases_nearby=nearby_cases(cur, viewer.scope, case),
                    devices_nearby=devices, device=device, device_is_nearest=nearest,
                    readings=readings, area_names=area_names(cur, codes),
                    units=units_for(cur, codes), routed_unit=_routed(cur, case["id"]))


def _routed(cur, alert_id: int) -> str | None:
    """The unit a dispatch would choose now, or None (the case goes to a worker)."""
    try:
        choice = choose_unit(cur, read_case(cur, alert_id), None)
    except UnknownUnit:
        return None
    return None if choice is None else choice.unit_code
