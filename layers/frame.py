"""What a map shows: an area (a `Scope`), an instant, and the area's extent in lon/lat.

`areas_sql` is the scope rule for the areas table itself: an area lies inside a district
when its own `district_code` (set on the district's row too, geo/hierarchy.py) is the
district's code, and so on down; a grid cell is only itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import shapely

from identity.scope import LEVEL_COLUMN, Scope
from store import features

Extent = tuple[float, float, float, float]  # lon0, lat0, lon1, lat1

# The area's own level when it has children to show, else the level that draws it.
EXTENT_LEVEL = {"city": "district", "district": "district", "street": "street",
                "community": "community", "grid": "grid"}

EXTENT_POSTGIS = """
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
FROM (SELECT ST_Extent(ar.geom) AS e FROM areas ar WHERE ar.level = %(level)s AND {area}) x
"""
GEOMETRY_WKB = "SELECT ar.geom FROM areas ar WHERE ar.level = %(level)s AND {area}"


@dataclass(frozen=True)
class Frame:
    now: datetime
    extent: Extent | None  # None: the area has no geometry

    @property
    def centre_lat(self) -> float:
        return 0.0 if self.extent is None else (self.extent[1] + self.extent[3]) / 2

    @property
    def aspect(self) -> float:
        """Screen height / width of the extent once longitude is shrunk by cos(latitude)."""
        if self.extent is None:
            return 1.0
        lon0, lat0, lon1, lat1 = self.extent
        width = max(lon1 - lon0, 1e-9) * math.cos(math.radians(self.centre_lat))
        return max(lat1 - lat0, 1e-9) / width


def areas_sql(scope: Scope, alias: str = "ar") -> tuple[str, dict]:
    """The areas rows inside the scope; `alias` is a constant of the calling module."""
    if scope.level == "city":
        return "TRUE", {}
    if scope.level == "grid":
        return f"{alias}.code = %(area_code)s", {"area_code": scope.code}
    return f"{alias}.{LEVEL_COLUMN[scope.level]} = %(area_code)s", {"area_code": scope.code}


def postgis(cur) -> bool:
    return bool(features.current(cur.connection).postgis)


def extent(cur, scope: Scope) -> Extent | None:
    clause, params = areas_sql(scope)
    params["level"] = EXTENT_LEVEL[scope.level]
    if postgis(cur):
        cur.execute(EXTENT_POSTGIS.format(area=clause), params)
        row = cur.fetchone()
        return None if row is None or row[0] is None else tuple(map(float, row))
    cur.execute(GEOMETRY_WKB.format(area=clause), params)
    shapes = [shapely.from_wkb(bytes(row[0])) for row in cur.fetchall() if row[0] is not None]
    if not shapes:
        return None
    return tuple(map(float, shapely.total_bounds(shapes)))


def make_frame(cur, scope: Scope, now: datetime) -> Frame:
    return Frame(now, extent(cur, scope))


def area_name(cur, code: str, lang: str) -> str | None:
    """The area's name in the reader's language (Chinese when it has no English one)."""
    cur.execute("SELECT name_zh, name_en FROM areas WHERE code = %s", (code,))
    row = cur.fetchone()
    if row is None:
        return None
    return row[0] if lang == "zh-CN" else (row[1] or row[0])
