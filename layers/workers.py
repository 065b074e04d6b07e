"""Grid workers on duty now: where each one works (the roster's lon/lat), drawn when their
schedule (alerts/dispatch/schedule.py, the same rule dispatch uses) says they are on duty.

A worker is in an area through their grid cell; a worker without one (a street's or a
district's pool) shows on the city's map only.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache

from alerts.dispatch.errors import ScheduleError
from alerts.dispatch.schedule import Schedule, on_duty, parse_schedule
from identity.scope import Scope
from layers.frame import Frame, areas_sql
from layers.legend import Legend
from layers.typed import typed

log = logging.getLogger(__name__)

NAME = "workers"
COLOUR = "#7cf5ff"
LEGEND = (Legend("layers.workers.on_duty", COLOUR),)

QUERY = """
SELECT w.worker_id, w.name, w.lon, w.lat, w.schedule::text
FROM workers w LEFT JOIN areas g ON g.code = w.grid_code
WHERE w.active AND w.lon IS NOT NULL AND w.lat IS NOT NULL AND {area}
ORDER BY w.worker_id
"""


@dataclass(frozen=True)
class OnDuty:
    ids: list[str]
    names: list[str]
    lon: list[float]
    lat: list[float]


@lru_cache(maxsize=4096)
def _schedule(text: str | None) -> Schedule:
    """A roster's schedule, read once per process: a refresh asks every few seconds about
    every worker, and most share a few schedules. Keyed by the jsonb's text, so an edited
    schedule is read again."""
    return parse_schedule(None if text is None else json.loads(text))


def query(cur, scope: Scope, frame: Frame) -> OnDuty:
    clause, params = areas_sql(scope, alias="g")
    cur.execute(QUERY.format(area=clause), params)
    found = OnDuty([], [], [], [])
    for worker_id, name, lon, lat, schedule in cur.fetchall():
        try:
            working = on_duty(_schedule(schedule), frame.now)
        except ScheduleError:
            log.warning("unreadable schedule", extra={"worker_id": worker_id})
            continue
        if working:
            found.ids.append(worker_id)
            found.names.append(name)
            found.lon.append(lon)
            found.lat.append(lat)
    return found


def _points(data: OnDuty) -> dict:
    return {"x": typed(data.lon), "y": typed(data.lat), "text": data.names}


def traces(data: OnDuty, lang: str, scale: float = 1.0) -> list[dict]:
    return [{"type": "scattergl", "mode": "markers", "name": NAME, **_points(data),
             "marker": {"symbol": "circle", "size": 9 * scale, "color": "rgba(0,0,0,0)",
                        "line": {"width": 2 * scale, "color": COLOUR}},
             "hovertemplate": "%{text}<extra></extra>"}]


def memory(data: OnDuty) -> dict:
    return {"ids": data.ids}


def patch(traces: list, old: dict, data: OnDuty) -> bool:
    if old.get("ids") != data.ids:
        for key, value in _points(data).items():
            traces[0][key] = value
    return True
