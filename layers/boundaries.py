"""Boundaries of the area shown, drawn as lines (the names of its parts: layers/names.py).

Which levels: the area's own outline and its children's (a district shows its streets and,
faintly, its grid cells; the city shows its districts and streets).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from identity.scope import Scope
from layers.frame import Frame, areas_sql, postgis
from layers.legend import Legend
from layers.typed import typed

NAME = "boundaries"

# Per area level: the levels drawn as (outer, middle, fine) lines, and whose names show.
LEVELS: dict[str, tuple[tuple[str | None, str | None, str | None], str | None]] = {
    "city": (("district", "street", None), "district"),
    "district": (("district", "street", "grid"), "street"),
    "street": (("street", "community", "grid"), "community"),
    "community": (("community", None, "grid"), "grid"),
    "grid": (("grid", None, None), None),
}
STYLE = {"outer": (2.4, "#5b8fd9"), "middle": (1.0, "#34527f"), "fine": (0.5, "#1d3150")}

LEGEND = (Legend("layers.boundaries.outer", STYLE["outer"][1], "line"),
          Legend("layers.boundaries.middle", STYLE["middle"][1], "line"))

QUERY_POSTGIS = """
SELECT ar.code, ar.level, ar.name_zh, coalesce(ar.name_en, ar.name_zh),
       ST_AsBinary(ST_SimplifyPreserveTopology(ar.geom, %(tolerance)s)),
       ST_X(ST_PointOnSurface(ar.geom)), ST_Y(ST_PointOnSurface(ar.geom))
FROM areas ar
WHERE ar.level = ANY(%(levels)s) AND ar.geom IS NOT NULL AND {area}
ORDER BY ar.code
"""
QUERY_WKB = """
SELECT ar.code, ar.level, ar.name_zh, coalesce(ar.name_en, ar.name_zh), ar.geom
FROM areas ar
WHERE ar.level = ANY(%(levels)s) AND ar.geom IS NOT NULL AND {area}
ORDER BY ar.code
"""


@dataclass
class Outlines:
    lines: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def _tolerance(frame: Frame) -> float:
    """About a pixel of a 4K wall: finer detail is never seen."""
    if frame.extent is None:
        return 0.0
    return (frame.extent[2] - frame.extent[0]) / 4000


def area_rows(cur, scope: Scope, frame: Frame, levels: list[str]) -> list[tuple]:
    """(code, level, name_zh, name_en, simplified shape, label lon, label lat) per area."""
    clause, params = areas_sql(scope)
    params.update(levels=levels, tolerance=_tolerance(frame))
    if postgis(cur):
        cur.execute(QUERY_POSTGIS.format(area=clause), params)
        return [(code, level, zh, en, shapely.from_wkb(bytes(wkb)), x, y)
                for code, level, zh, en, wkb, x, y in cur.fetchall()]
    cur.execute(QUERY_WKB.format(area=clause), params)
    rows = []
    for code, level, zh, en, wkb in cur.fetchall():
        shape = shapely.simplify(shapely.from_wkb(bytes(wkb)), _tolerance(frame))
        point = shapely.point_on_surface(shape)
        rows.append((code, level, zh, en, shape, point.x, point.y))
    return rows


def outline(geometries: list) -> tuple[np.ndarray, np.ndarray]:
    """Every ring as one line broken by NaN, so one trace draws a whole level."""
    if not geometries:
        return np.empty(0), np.empty(0)
    rings = shapely.get_rings(shapely.get_parts(np.asarray(geometries, dtype=object)))
    parts = [np.vstack([shapely.get_coordinates(ring), [np.nan, np.nan]]) for ring in rings]
    xy = np.vstack(parts) if parts else np.empty((0, 2))
    return xy[:, 0], xy[:, 1]


def query(cur, scope: Scope, frame: Frame) -> Outlines:
    slots, _named = LEVELS[scope.level]
    rows = area_rows(cur, scope, frame, sorted({level for level in slots if level}))
    found = Outlines()
    for slot, level in zip(("outer", "middle", "fine"), slots, strict=True):
        found.lines[slot] = outline([r[4] for r in rows if r[1] == level]) if level else \
            (np.empty(0), np.empty(0))
    return found


def traces(data: Outlines, lang: str, scale: float = 1.0) -> list[dict]:
    drawn = []
    for slot in ("fine", "middle", "outer"):
        x, y = data.lines.get(slot, (np.empty(0), np.empty(0)))
        width, colour = STYLE[slot]
        drawn.append({"type": "scatter", "mode": "lines", "x": typed(x), "y": typed(y),
                      "line": {"width": width * scale, "color": colour}, "hoverinfo": "skip",
                      "name": f"boundaries-{slot}"})
    return drawn


def memory(data: Outlines) -> dict:
    return {}


def patch(traces: list, old: dict, data: Outlines) -> bool:
    return True


# Boundaries do not move during a shift: a refresh does not ask for them again.
LIVE = False
