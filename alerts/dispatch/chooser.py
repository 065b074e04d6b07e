"""Choosing the worker: the on-duty worker of the lowest tier that has one, with the fewest
open tasks, then nearest to the case. Pure: the pools come in already read (see pools.py).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alerts.cases.tiers import TIER_NAMES
from alerts.dispatch.errors import NobodyToDispatch, ScheduleError
from alerts.dispatch.schedule import on_duty

log = logging.getLogger("cityops.dispatch")

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Candidate:
    worker_id: str
    name: str
    schedule: Any
    open_tasks: int = 0
    lon: float | None = None
    lat: float | None = None
    phone: str | None = None
    unit_code: str | None = None


@dataclass(frozen=True)
class Pool:
    """The active workers of one tier whose area holds the case (area_code at that tier)."""

    tier: str
    area_code: str | None
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class Choice:
    worker: Candidate
    tier: str
    area_code: str | None
    distance_m: float | None
    passed_over: tuple[str, ...] = ()  # the lower tiers and why nobody there was chosen


def choose(alert_id: int, pools: Iterable[Pool], at: datetime,
           point: tuple[float, float] | None) -> Choice:
    """The first pool (lowest tier) with someone on duty decides; NobodyToDispatch if none."""
    tried: list[str] = []
    for pool in pools:
        present = [c for c in pool.candidates if _on_duty(c, at)]
        if present:
            best = min(present, key=lambda c: _rank(c, point))
            return Choice(best, pool.tier, pool.area_code, distance(point, best),
                          tuple(tried))
        tried.append(_why_not(pool))
    raise NobodyToDispatch(alert_id, tried or ["no tier to look in"])


def _rank(candidate: Candidate, point: tuple[float, float] | None) -> tuple:
    # Unknown distance sorts after every known one; the worker id makes ties repeatable.
    metres = distance(point, candidate)
    return (candidate.open_tasks, math.inf if metres is None else metres, candidate.worker_id)


def _on_duty(candidate: Candidate, at: datetime) -> bool:
    try:
        return on_duty(candidate.schedule, at)
    except ScheduleError as exc:
        # One unreadable roster must not stop dispatch for everyone else in the pool.
        log.warning("worker schedule unreadable; treated as off duty",
                    extra={"worker_id": candidate.worker_id, "error": str(exc)})
        return False


def _why_not(pool: Pool) -> str:
    place = f"{pool.tier} ({TIER_NAMES.get(pool.tier, pool.tier)}) {pool.area_code or '?'}"
    if pool.area_code is None:
        return f"{place}: the case has no area at this tier"
    if not pool.candidates:
        return f"{place}: no active workers"
    return f"{place}: {len(pool.candidates)} worker(s), none on duty"


def distance(point: tuple[float, float] | None, candidate: Candidate) -> float | None:
    """Great-circle metres from the case's (lon, lat) to the worker; None if either is unknown."""
    if point is None or candidate.lon is None or candidate.lat is None:
        return None
    lon1, lat1, lon2, lat2 = map(math.radians, (point[0], point[1], candidate.lon, candidate.lat))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))
