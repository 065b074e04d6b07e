"""Areas coloured by a count: open cases (the default) or incidents of the last 24 h.

Which areas follow the level (layers/detail.py): the city's districts, a district's
streets, and from a street down its grid cells. Grid cells are shaded by fixed counts
(1, 2, 3–4, 5+ open cases); districts and streets by their share of the busiest one in
view (a quarter, a half, three quarters), since what a count means for a whole district
depends on the city's size.

Areas with a count are filled in four shades, one trace per shade (a trace fills each of
its NaN-separated rings on its own). A refresh resends a shade only when the areas in it
changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import shapely

from alerts.cases.states import FINISHED
from identity.scope import Scope, area_sql, scope_sql
from layers import detail
from layers.boundaries import outline
from layers.frame import Frame, postgis
from layers.legend import Legend
from layers.typed import typed

NAME = "cells"
DAY = timedelta(hours=24)
METRICS: tuple[str, ...] = ("open_cases", "incidents_24h")
# Lower bounds of the four shades, per metric.
BINS: dict[str, tuple[int, ...]] = {"open_cases": (1, 2, 3, 5), "incidents_24h": (1, 3, 6, 11)}
SHADES = ("rgba(255,200,90,0.22)", "rgba(255,160,60,0.36)", "rgba(255,110,60,0.50)",
          "rgba(255,50,80,0.62)")
LEGEND = tuple(Legend(f"layers.cells.bin{k}", shade, "square") for k, shade in enumerate(SHADES))
PARTS_LEGEND = tuple(Legend(f"layers.cells.share{k}", shade, "square")
                     for k, shade in enumerate(SHADES))

COUNTS = {
    "open_cases": """
        SELECT a.{column}, count(*) FROM alerts a
        WHERE a.state <> ALL(%(finished)s) AND a.{column} IS NOT NULL AND {scope}
        GROUP BY 1""",
    "incidents_24h": """
        SELECT i.{column}, count(*) FROM incidents i
        WHERE i.reported_at > %(since)s AND i.reported_at <= %(now)s
          AND i.{column} IS NOT NULL AND {scope}
        GROUP BY 1""",
}
SHAPES_POSTGIS = """
SELECT code, ST_AsBinary(ST_SimplifyPreserveTopology(geom, %(tolerance)s))
FROM areas WHERE code = ANY(%(codes)s)
"""
SHAPES_WKB = "SELECT code, geom FROM areas WHERE code = ANY(%(codes)s)"


@dataclass(frozen=True)
class Shaded:
    metric: str
    members: tuple[tuple[str, ...], ...]  # cell codes per shade
    shapes: dict[str, object]


def shade_of(count: int, bins: tuple[int, ...]) -> int | None:
    """The shade index of a count; None below the first bin (not drawn)."""
    shade = None
    for k, low in enumerate(bins):
        if count >= low:
            shade = k
    return shade


def share_bins(counts: dict[str, int]) -> tuple[int, ...]:
    """Lower bounds of the shades for districts and streets: any count, then a quarter,
    a half and three quarters of the busiest area's count (each at least one above the
    last, so four shades stay four)."""
    top = max(counts.values(), default=0)
    bins = [1]
    for share in (0.25, 0.5, 0.75):
        bins.append(max(bins[-1] + 1, math.ceil(share * top)))
    return tuple(bins)


def _counts(cur, scope: Scope, frame: Frame, metric: str) -> dict[str, int]:
    column = detail.COLUMN[detail.PART[scope.level]]  # a constant of layers/detail.py
    if metric == "open_cases":
        clause, params = scope_sql(scope)
        params["finished"] = list(FINISHED)
    else:
        clause, params = area_sql(scope.level, scope.code, "scope_code", alias="i")
        params.update(since=frame.now - DAY, now=frame.now)
    cur.execute(COUNTS[metric].format(scope=clause, column=column), params)
    return {code: int(n) for code, n in cur.fetchall()}


def query(cur, scope: Scope, frame: Frame, metric: str = "open_cases") -> Shaded:
    if metric not in METRICS:
        raise ValueError(f"unknown cell metric {metric!r}; known: {', '.join(METRICS)}")
    counts = _counts(cur, scope, frame, metric)
    bins = share_bins(counts) if detail.grouped(scope.level) else BINS[metric]
    members: list[list[str]] = [[] for _ in SHADES]
    for code in sorted(counts):
        shade = shade_of(counts[code], bins)
        if shade is not None:
            members[shade].append(code)
    codes = [c for shade in members for c in shade]
    shapes: dict[str, object] = {}
    if codes:
        # About a pixel of a 4K wall: a district's coastline in full is megabytes.
        tolerance = 0.0 if frame.extent is None else (frame.extent[2] - frame.extent[0]) / 4000
        in_database = postgis(cur)  # PostGIS simplifies; plain PostgreSQL sends them whole
        cur.execute(SHAPES_POSTGIS if in_database else SHAPES_WKB,
                    {"codes": codes, "tolerance": tolerance})
        shapes = {code: shapely.from_wkb(bytes(wkb)) for code, wkb in cur.fetchall() if wkb}
        if not in_database:
            shapes = {code: shapely.simplify(shape, tolerance) for code, shape in shapes.items()}
    return Shaded(metric, tuple(tuple(m) for m in members), shapes)


def legend(level: str) -> tuple[Legend, ...]:
    return PARTS_LEGEND if detail.grouped(level) else LEGEND


def _fill(data: Shaded, shade: int) -> dict:
    x, y = outline([data.shapes[c] for c in data.members[shade] if c in data.shapes])
    return {"x": typed(x), "y": typed(y)}


def traces(data: Shaded, lang: str, scale: float = 1.0) -> list[dict]:
    return [{"type": "scatter", "mode": "lines", "name": f"cells-{k}", "fill": "toself",
             "fillcolor": shade, "line": {"width": 0.6 * scale, "color": shade},
             "hoverinfo": "skip", **_fill(data, k)}
            for k, shade in enumerate(SHADES)]


def memory(data: Shaded) -> dict:
    return {"metric": data.metric, "members": [list(m) for m in data.members]}


def patch(traces: list, old: dict, data: Shaded) -> bool:
    if old.get("metric") != data.metric:
        return False
    before = old.get("members") or [[] for _ in SHADES]
    for k in range(len(SHADES)):
        if list(data.members[k]) != list(before[k]):
            for key, value in _fill(data, k).items():
                traces[k][key] = value
    return True
