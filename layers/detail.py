"""Level of detail: what a map draws at each level, and the bound on markers per draw.

At the city and district levels a map shows its parts (districts, streets) and counts per
part, never the people and things themselves: a city's 20,000 devices and 2,000 workers
drawn one by one are a blob that hides the districts. From a street down it shows grid
cells and individual markers, as long as they fit the layer's share of the bound; a street
with more than that is shown by its grid cells' counts instead.

Counts are made in the database (GROUP BY the part's code column); a part's counts are
drawn as a line of coloured text below its name (layers/names.py draws the name at the
part's anchor, its point on surface), so they stay readable on a wall and cost no markers.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import shapely

from identity.scope import Scope
from layers.frame import Frame, areas_sql, postgis
from layers.typed import untyped

# Individual markers of all layers together in one draw, at most; each layer keeps to its
# share (bench/dashboard.py checks the sum on every first draw).
MARKER_BOUND = 4000
BUDGET = {"devices": 2500, "cases": 1000, "workers": 400, "hotspots": 20}

# The parts a map of each level counts by, and the column naming them in the tables that
# carry the four area codes (devices, incidents, alerts).
PART = {"city": "district", "district": "street", "street": "grid", "community": "grid",
        "grid": "grid"}
COLUMN = {"district": "district_code", "street": "street_code",
          "community": "community_code", "grid": "grid_code"}
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"


def grouped(level: str) -> bool:
    """Whether a map of this level shows counts per part rather than markers."""
    return level in ("city", "district")


def part_column(scope: Scope, alias: str) -> str:
    """`alias.<code column>` of the parts of this scope; both names are constants."""
    return f"{alias}.{COLUMN[PART[scope.level]]}"


ANCHORS_POSTGIS = """
SELECT ar.code, ST_X(ST_PointOnSurface(ar.geom)), ST_Y(ST_PointOnSurface(ar.geom))
FROM areas ar WHERE ar.level = %(level)s AND ar.geom IS NOT NULL AND {area}
"""
ANCHORS_WKB = "SELECT ar.code, ar.geom FROM areas ar WHERE ar.level = %(level)s AND " \
              "ar.geom IS NOT NULL AND {area}"
ANCHOR_SECONDS = 600.0  # geography changes by import, not during a shift
_anchors: dict[tuple[str, str, str], tuple[float, dict[str, tuple[float, float]]]] = {}
_lock = threading.Lock()


def anchors(cur, scope: Scope, level: str | None = None) -> dict[str, tuple[float, float]]:
    """Each part's point on surface (where its name is drawn), kept for ten minutes."""
    level = level or PART[scope.level]
    key = (scope.level, scope.code, level)
    with _lock:
        kept = _anchors.get(key)
    if kept is not None and time.monotonic() - kept[0] < ANCHOR_SECONDS:
        return kept[1]
    clause, params = areas_sql(scope)
    params["level"] = level
    if postgis(cur):
        cur.execute(ANCHORS_POSTGIS.format(area=clause), params)
        found = {code: (float(x), float(y)) for code, x, y in cur.fetchall()}
    else:
        cur.execute(ANCHORS_WKB.format(area=clause), params)
        found = {}
        for code, wkb in cur.fetchall():
            point = shapely.point_on_surface(shapely.from_wkb(bytes(wkb)))
            found[code] = (point.x, point.y)
    with _lock:
        _anchors[key] = (time.monotonic(), found)
    return found


def line_offset(frame: Frame, line: int) -> float:
    """How far below a part's name (in degrees of latitude) its `line`-th count line sits:
    a fixed share of the map's height, so lines keep their place at any level."""
    if frame.extent is None:
        return 0.0
    return (frame.extent[3] - frame.extent[1]) * 0.028 * line


@dataclass(frozen=True)
class Count:
    """One part's counts for a layer: drawn as coloured text at the part's anchor."""

    code: str
    lon: float
    lat: float
    text: str


def coloured(colour: str, text: str) -> str:
    """A piece of Plotly text in a colour (Plotly reads this one HTML tag in text)."""
    return f'<span style="color:{colour}">{text}</span>'


def count_trace(name: str, counts: list[Count], position: str, scale: float) -> dict:
    """A text-only trace of counts; no markers, so it is outside the marker bound."""
    return {"type": "scatter", "mode": "text", "name": name,
            "x": [c.lon for c in counts], "y": [c.lat for c in counts],
            "text": [c.text for c in counts], "customdata": [c.code for c in counts],
            "textposition": position, "hoverinfo": "skip",
            "textfont": {"family": FONT, "size": round(13 * scale), "color": "#e6f0ff",
                         # a dark halo: the counts sit on shaded areas of any colour
                         "shadow": "0 0 3px #0b1220, 0 0 2px #0b1220"}}


def marker_count(figure: dict) -> int:
    """Individual markers a figure draws: points of traces whose mode includes markers."""
    total = 0
    for trace in figure.get("data", []):
        if "markers" not in str(trace.get("mode", "")):
            continue
        total += len(untyped(trace.get("x") or []))
    return total
