"""Incidents of the last 24 hours as a density: counts on a fixed grid of bins over the
area, drawn as a smoothed heat map (a blank bin is transparent).

The bins are counted in the database (50,000 incidents become a few thousand numbers),
and the grid stays put between refreshes, so a refresh sends only the bins whose count
changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from alerts.api.scope import Scope, area_sql
from layers.frame import Frame
from layers.legend import Legend
from layers.patching import patch_grid

NAME = "incidents"
COLUMNS = 90  # bins across the area; rows follow the area's shape
WINDOW = timedelta(hours=24)
COLOUR_SCALE = [[0.0, "rgba(76,201,240,0)"], [0.02, "rgba(76,201,240,0.16)"],
                [0.3, "rgba(76,160,240,0.42)"], [0.7, "rgba(150,120,255,0.6)"],
                [1.0, "rgba(230,120,255,0.8)"]]
LEGEND = (Legend("layers.incidents.low", "rgba(76,160,240,0.55)", "shade"),
          Legend("layers.incidents.high", "rgba(230,120,255,0.9)", "shade"))

QUERY = """
SELECT least(floor((i.lat - %(y0)s) / %(dy)s)::int, %(rows)s - 1) AS r,
       least(floor((i.lon - %(x0)s) / %(dx)s)::int, %(columns)s - 1) AS c,
       count(*)
FROM incidents i
WHERE i.reported_at > %(since)s AND i.reported_at <= %(now)s
  AND i.lon >= %(x0)s AND i.lon <= %(x1)s AND i.lat >= %(y0)s AND i.lat <= %(y1)s
  AND {area}
GROUP BY 1, 2
"""


@dataclass(frozen=True)
class Density:
    x0: float
    y0: float
    dx: float
    dy: float
    z: list[list[int]]  # rows (south to north) of columns (west to east)

    @property
    def total(self) -> int:
        return sum(map(sum, self.z))


def bins(frame: Frame) -> tuple[int, int]:
    """(rows, columns) of the grid for this area."""
    return max(1, round(COLUMNS * frame.aspect)), COLUMNS


def query(cur, scope: Scope, frame: Frame) -> Density:
    if frame.extent is None:
        return Density(0.0, 0.0, 1.0, 1.0, [[0]])
    rows, columns = bins(frame)
    x0, y0, x1, y1 = frame.extent
    dx, dy = (x1 - x0) / columns or 1e-9, (y1 - y0) / rows or 1e-9
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="i")
    params.update(x0=x0, y0=y0, x1=x1, y1=y1, dx=dx, dy=dy, rows=rows, columns=columns,
                  since=frame.now - WINDOW, now=frame.now)
    cur.execute(QUERY.format(area=clause), params)
    z = [[0] * columns for _ in range(rows)]
    for r, c, n in cur.fetchall():
        z[r][c] = int(n)
    return Density(x0, y0, dx, dy, z)


def ceiling(z: list[list[int]]) -> int:
    """The count shown at full colour: a high percentile of the bins that have any, so
    one hot spot does not wash the rest out."""
    counts = sorted(n for row in z for n in row if n)
    if not counts:
        return 4
    return max(4, counts[min(len(counts) - 1, int(len(counts) * 0.97))])


def traces(data: Density, lang: str, scale: float = 1.0) -> list[dict]:
    return [{"type": "heatmap", "name": NAME, "z": [list(row) for row in data.z],
             "x0": data.x0 + data.dx / 2, "dx": data.dx, "y0": data.y0 + data.dy / 2,
             "dy": data.dy, "zmin": 0, "zmax": ceiling(data.z), "zsmooth": "best",
             "colorscale": COLOUR_SCALE, "showscale": False, "hoverinfo": "skip"}]


def memory(data: Density) -> dict:
    return {"grid": [data.x0, data.y0, data.dx, data.dy], "z": data.z,
            "zmax": ceiling(data.z)}


def patch(traces: list, old: dict, data: Density) -> bool:
    if old.get("grid") != [data.x0, data.y0, data.dx, data.dy]:
        return False
    patch_grid(traces[0], "z", old.get("z"), data.z)
    top = ceiling(data.z)
    if top != old.get("zmax"):
        traces[0]["zmax"] = top
    return True
