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

import math
import threading
import time
from dataclasses import dataclass

import shapely

from identity.scope import Scope
from layers.frame import Frame, areas_sql, postgis
from layers.patching import patch_list
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
SELECT ar.code, ST_X(ST_PointOnSurface(ar.geom)), ST_Y(ST_PointOnSurface(ar.geom)),
       ST_Area(ar.geom)
FROM areas ar WHERE ar.level = %(level)s AND ar.geom IS NOT NULL AND {area}
"""
ANCHORS_WKB = "SELECT ar.code, ar.geom FROM areas ar WHERE ar.level = %(level)s AND " \
              "ar.geom IS NOT NULL AND {area}"
ANCHOR_SECONDS = 600.0  # geography changes by import, not during a shift
_anchors: dict[tuple[str, str, str], tuple[float, dict[str, tuple[float, float, float]]]] = {}
_lock = threading.Lock()


def anchors(cur, scope: Scope, level: str | None = None) -> dict[str, tuple[float, float]]:
    """Each part's point on surface (where its name is drawn), kept for ten minutes."""
    return {code: (x, y) for code, (x, y, _area) in _parts(cur, scope, level).items()}


def _parts(cur, scope: Scope, level: str | None) -> dict[str, tuple[float, float, float]]:
    """Each part's anchor and area (square degrees), kept for ten minutes."""
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
        found = {code: (float(x), float(y), float(a)) for code, x, y, a in cur.fetchall()}
    else:
        cur.execute(ANCHORS_WKB.format(area=clause), params)
        found = {}
        for code, wkb in cur.fetchall():
            shape = shapely.from_wkb(bytes(wkb))
            point = shapely.point_on_surface(shape)
            found[code] = (point.x, point.y, shape.area)
    with _lock:
        _anchors[key] = (time.monotonic(), found)
    return found


# For judging room only: a map panel of a wall at 1920×1080 (wider screens scale text and
# map alike), a count line's and a name's width, and a line's height, in pixels.
PANEL_PX = (1300.0, 680.0)
NAME_PX, COUNT_PX, LINE_PX = 70.0, 150.0, 18.0
LINES = 3  # cases, devices, workers


_rooms: dict[tuple, dict[str, int]] = {}


def room(cur, scope: Scope, frame: Frame) -> dict[str, int]:
    """How many count lines fit below each part's name without running into another
    part's name or lines: the city centre's small districts are crowded at city level,
    and overlapping text reads as nothing. Larger parts are placed first; a part keeps
    lines 1..k for the largest k that fits (cases first, then devices, then workers)."""
    parts = _parts(cur, scope, None)
    key = (scope.level, scope.code, frame.extent, tuple(parts))
    with _lock:
        kept = _rooms.get(key)
    if kept is not None:  # the same parts in the same frame: three layers ask each refresh
        return kept
    found = _room(parts, frame)
    with _lock:
        if len(_rooms) > 256:
            _rooms.clear()
        _rooms[key] = found
    return found


def _room(parts: dict[str, tuple[float, float, float]], frame: Frame) -> dict[str, int]:
    if frame.extent is None:
        return {code: LINES for code in parts}
    lon0, lat0, lon1, lat1 = frame.extent
    km_x = 111.32 * math.cos(math.radians((lat0 + lat1) / 2))
    scale = min(PANEL_PX[0] / max((lon1 - lon0) * km_x, 1e-9),
                PANEL_PX[1] / max((lat1 - lat0) * 111.32, 1e-9))  # pixels per km
    step = line_offset(frame, 1) * 111.32 * scale

    def box(x: float, y: float, width: float) -> tuple[float, float, float, float]:
        return (x - width / 2, y - LINE_PX / 2, x + width / 2, y + LINE_PX / 2)

    centre = {code: ((lon - lon0) * km_x * scale, (lat1 - lat) * 111.32 * scale)
              for code, (lon, lat, _area) in parts.items()}
    taken = [box(x, y, NAME_PX) for x, y in centre.values()]
    found = {}
    for code in sorted(parts, key=lambda c: -parts[c][2]):
        x, y = centre[code]
        found[code] = 0
        for line in range(1, LINES + 1):
            mine = box(x, y + line * step, COUNT_PX)
            if any(_overlap(mine, other) for other in taken):
                break
            taken.append(mine)
            found[code] = line
    return found


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


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


@dataclass(frozen=True)
class Parts:
    """A layer's counts per part of the area, one text line each, in the parts' order."""

    counts: list[Count]


def part_lines(cur, scope: Scope, frame: Frame, line: int, texts: dict[str, str]) -> Parts:
    """Every part's text as count line `line` below its name, where it fits (`room`).
    Every part is listed, with a count or without, so a part's first count is a text
    patch, not a redraw."""
    fits = room(cur, scope, frame)
    below = line_offset(frame, line)
    return Parts([Count(code, lon, lat - below,
                        texts.get(code, "") if fits.get(code, 0) >= line else "")
                  for code, (lon, lat) in sorted(anchors(cur, scope).items())])


def parts_memory(parts: Parts) -> dict:
    return {"parts": [[c.code, c.text] for c in parts.counts]}


def patch_parts(trace, old: dict, parts: Parts) -> bool:
    """A parts trace's texts from `old` (its memory) to `parts`; False when the parts
    themselves changed (the geography was reloaded) and only a redraw will do."""
    if [c.code for c in parts.counts] != [code for code, _ in old["parts"]]:
        return False
    patch_list(trace, "text", [t for _, t in old["parts"]], [c.text for c in parts.counts])
    return True


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
