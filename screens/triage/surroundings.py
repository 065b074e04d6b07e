"""What lies around a case, for the small map of the triage console: other open cases and
the devices nearby, both inside the viewer's area only.

A box in degrees, not a PostGIS distance: it works on plain PostgreSQL too, and a small
map is a box anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from alerts.cases.states import FINISHED
from identity.scope import Scope, area_sql, scope_sql

METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Box:
    lon0: float
    lon1: float
    lat0: float
    lat1: float

    def params(self) -> dict[str, float]:
        return {"lon0": self.lon0, "lon1": self.lon1, "lat0": self.lat0, "lat1": self.lat1}


def box_around(lon: float, lat: float, radius_m: float) -> Box:
    """The box of `radius_m` on each side of a point (longitude degrees shrink with latitude)."""
    dlat = radius_m / METRES_PER_DEGREE
    dlon = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return Box(lon - dlon, lon + dlon, lat - dlat, lat + dlat)


IN_BOX = "{t}.lon BETWEEN %(lon0)s AND %(lon1)s AND {t}.lat BETWEEN %(lat0)s AND %(lat1)s"

OPEN_CASES = """
SELECT a.id, a.title, a.severity, a.state, a.lon, a.lat FROM alerts a
WHERE {box} AND a.state <> ALL(%(finished)s) AND a.id <> %(id)s AND {scope}
ORDER BY a.opened_at DESC LIMIT %(limit)s
"""

DEVICES = """
SELECT d.device_id, d.kind, d.name, d.lon, d.lat, coalesce(s.status, 'offline') AS status
FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
WHERE {box} AND {scope}
ORDER BY d.device_id LIMIT %(limit)s
"""


def _rows(cur) -> list[dict[str, Any]]:
    names = [col.name for col in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def nearby_cases(cur, scope: Scope, case: dict[str, Any], radius_m: float = 800,
                 limit: int = 200) -> list[dict[str, Any]]:
    """Other open cases in the box around the case, in scope; none if it has no point."""
    if case.get("lon") is None or case.get("lat") is None:
        return []
    clause, params = scope_sql(scope)
    params.update(box_around(case["lon"], case["lat"], radius_m).params(),
                  finished=sorted(FINISHED), id=case["id"], limit=limit)
    # Fragments are this module's constants and scope.py's; values are parameters.
    cur.execute(OPEN_CASES.format(box=IN_BOX.format(t="a"), scope=clause), params)
    return _rows(cur)


def nearby_devices(cur, scope: Scope, case: dict[str, Any], radius_m: float = 800,
                   limit: int = 300) -> list[dict[str, Any]]:
    """Devices in the box around the case, in the viewer's area, with their status."""
    if case.get("lon") is None or case.get("lat") is None:
        return []
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="d")
    params.update(box_around(case["lon"], case["lat"], radius_m).params(), limit=limit)
    cur.execute(DEVICES.format(box=IN_BOX.format(t="d"), scope=clause), params)
    return _rows(cur)
