"""How near in space and time two reports must be to be one problem, and which is nearest."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class MergePolicy:
    distance_m: float = 150.0      # a broken cover reported from across the road still merges
    window_s: float = 2 * 3600.0   # a report more than 2 h after the last one is a new problem


DEFAULT = MergePolicy()


@dataclass(frozen=True)
class Report:
    """Where and when a report (a rule fire or an incident) says the problem is."""

    at: float
    lon: float | None
    lat: float | None
    grid_code: str | None


@dataclass(frozen=True)
class Candidate:
    """An open case of the same problem, as the merge lookup read it."""

    alert_id: int
    version: int
    last_seen: float
    lon: float | None
    lat: float | None
    grid_code: str | None


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine); plenty for 150 m."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def gap(report: Report, case: Candidate) -> float | None:
    """How far the report is from the case (metres), or None if it is not the same problem.

    Without a point on either side (an area rule, an incident without coordinates) the
    same grid cell counts as distance 0: the grid is the finest place both know.
    """
    if has_point(report) and has_point(case):
        return distance_m(report.lon, report.lat, case.lon, case.lat)
    if report.grid_code is not None and report.grid_code == case.grid_code:
        return 0.0
    return None


def has_point(thing: Report | Candidate) -> bool:
    return thing.lon is not None and thing.lat is not None


def nearest(report: Report, cases: list[Candidate],
            policy: MergePolicy = DEFAULT) -> Candidate | None:
    """The case to merge into: within the window and distance, nearest, then most recent."""
    best: tuple[float, float, Candidate] | None = None
    for case in cases:
        if abs(report.at - case.last_seen) > policy.window_s:
            continue
        metres = gap(report, case)
        if metres is None or metres > policy.distance_m:
            continue
        key = (metres, -case.last_seen, case)
        if best is None or key[:2] < best[:2]:
            best = key
    return None if best is None else best[2]


def degrees_around(lat: float, metres: float) -> tuple[float, float]:
    """(dlon, dlat) of a box of `metres` around a latitude, for an index-friendly prefilter."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    return dlat / max(math.cos(math.radians(lat)), 0.01), dlat
