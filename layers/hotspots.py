"""Hot spots: the grid cells of the area with the most incidents in the last 24 hours.

A star on each of the busiest cells (at most `detail.BUDGET["hotspots"]`), where the eye
should go first on a city-wide map. Counted in the database; the answer is kept for a
minute per area, since which cells lead a day's count does not change from one 5-second
refresh to the next and counting a day of a city's incidents is the costliest question a
screen could ask.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import shapely

from identity.scope import Scope, area_sql
from layers import detail
from layers.frame import Frame, postgis
from layers.legend import Legend

NAME = "hotspots"
COLOUR = "#ffb020"
LEGEND = (Legend("layers.hotspots.cell", COLOUR, "star"),)
WINDOW = timedelta(hours=24)
KEEP_SECONDS = 60.0

BUSIEST = """
SELECT i.grid_code, count(*) AS n FROM incidents i
WHERE i.reported_at > %(since)s AND i.reported_at <= %(now)s
  AND i.grid_code IS NOT NULL AND {area}
GROUP BY 1 ORDER BY n DESC, 1 LIMIT %(limit)s
"""
PLACES_POSTGIS = """
SELECT code, name_zh, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
FROM areas WHERE code = ANY(%(codes)s) AND geom IS NOT NULL
"""
PLACES_WKB = "SELECT code, name_zh, geom FROM areas WHERE code = ANY(%(codes)s) " \
             "AND geom IS NOT NULL"


@dataclass(frozen=True)
class Spot:
    code: str
    name: str
    lon: float
    lat: float
    count: int


_kept: dict[tuple[str, str], tuple[float, list[Spot]]] = {}
_lock = threading.Lock()


def _places(cur, codes: list[str]) -> dict[str, tuple[str, float, float]]:
    if postgis(cur):
        cur.execute(PLACES_POSTGIS, {"codes": codes})
        return {code: (name, float(x), float(y)) for code, name, x, y in cur.fetchall()}
    cur.execute(PLACES_WKB, {"codes": codes})
    found = {}
    for code, name, wkb in cur.fetchall():
        point = shapely.point_on_surface(shapely.from_wkb(bytes(wkb)))
        found[code] = (name, point.x, point.y)
    return found


def query(cur, scope: Scope, frame: Frame) -> list[Spot]:
    key = (scope.level, scope.code)
    with _lock:
        kept = _kept.get(key)
    if kept is not None and time.monotonic() - kept[0] < KEEP_SECONDS:
        return kept[1]
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="i")
    params.update(since=frame.now - WINDOW, now=frame.now, limit=detail.BUDGET[NAME] // 2)
    cur.execute(BUSIEST.format(area=clause), params)
    busiest = cur.fetchall()
    places = _places(cur, [code for code, _n in busiest]) if busiest else {}
    spots = [Spot(code, places[code][0], places[code][1], places[code][2], int(n))
             for code, n in busiest if code in places]
    with _lock:
        _kept[key] = (time.monotonic(), spots)
    return spots


def _points(spots: list[Spot]) -> dict:
    return {"x": [s.lon for s in spots], "y": [s.lat for s in spots],
            "text": [f"{s.name} · {s.count:,}" for s in spots],
            "customdata": [s.code for s in spots]}


def traces(data: list[Spot], lang: str, scale: float = 1.0) -> list[dict]:
    return [{"type": "scatter", "mode": "markers", "name": NAME, **_points(data),
             "marker": {"symbol": "star", "size": 18 * scale, "color": COLOUR,
                        "line": {"width": 1.2 * scale, "color": "#3a2400"}},
             "hovertemplate": "%{text}<extra></extra>"}]


def memory(data: list[Spot]) -> dict:
    return {"spots": [[s.code, s.count] for s in data]}


def patch(traces: list, old: dict, data: list[Spot]) -> bool:
    if old.get("spots") != [[s.code, s.count] for s in data]:
        for key, value in _points(data).items():
            traces[0][key] = value
    return True
