"""Incidents of the last 24 hours as a density: counts on a fixed grid of bins over the
area, drawn as a smoothed heat map (a blank bin is transparent).

The bins are counted in the database (50,000 incidents become a few thousand numbers),
and the grid stays put between refreshes, so a refresh sends only the bins whose count
changed.

Counting all 24 hours again on every refresh read 50,000 rows for the few the current hour
added. So each process keeps the bins of every whole hour of the window, per area and
grid, with that hour's version from the incident rollup (store/incident_rollup.py), and
counts an hour again only when one of its incidents was written since (a late or
corrected incident; the hour that just ended). The two ends of the window — the rest of
its oldest hour, the current hour so far — are counted each time. The numbers are those
of counting the whole window.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import numpy as np

from identity.scope import Scope, area_sql
from layers.frame import Frame
from layers.legend import Legend
from layers.patching import patch_grid
from store.incident_rollup import hour_versions

NAME = "incidents"
COLUMNS = 90  # bins across the area; rows follow the area's shape
WINDOW = timedelta(hours=24)
COLOUR_SCALE = [[0.0, "rgba(76,201,240,0)"], [0.02, "rgba(76,201,240,0.16)"],
                [0.3, "rgba(76,160,240,0.42)"], [0.7, "rgba(150,120,255,0.6)"],
                [1.0, "rgba(230,120,255,0.8)"]]
LEGEND = (Legend("layers.incidents.low", "rgba(76,160,240,0.55)", "shade"),
          Legend("layers.incidents.high", "rgba(230,120,255,0.9)", "shade"))

# Per hour bucket (the rollup's: UTC hours), as epoch seconds.
HOURLY_BINS = """
SELECT extract(epoch FROM date_bin(INTERVAL '1 hour', i.reported_at,
                                   TIMESTAMPTZ '2000-01-01 00:00+00'))::bigint AS hour,
       least(floor((i.lat - %(y0)s) / %(dy)s)::int, %(rows)s - 1) AS r,
       least(floor((i.lon - %(x0)s) / %(dx)s)::int, %(columns)s - 1) AS c,
       count(*)
FROM incidents i
WHERE ((i.reported_at > %(since)s AND i.reported_at < %(first)s)
       OR (i.reported_at >= %(recount_from)s AND i.reported_at < %(recount_to)s)
       OR (i.reported_at >= %(top)s AND i.reported_at <= %(now)s))
  AND i.lon >= %(x0)s AND i.lon <= %(x1)s AND i.lat >= %(y0)s AND i.lat <= %(y1)s
  AND {area}
GROUP BY 1, 2, 3
"""

HOUR_S = 3600
# Areas x grids whose hours a process keeps, least recently used dropped first; one is
# 23 arrays of rows x columns (1.3 MB for the demo city's 162 x 90 bins).
KEPT_GRIDS = 16
_kept: OrderedDict[tuple, dict[int, tuple[int, np.ndarray]]] = OrderedDict()
_kept_lock = threading.Lock()  # a dashboard worker answers on several threads


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

    @cached_property
    def zmax(self) -> int:
        """ceiling(z), once: the memory and the Patch of a refresh both ask."""
        return ceiling(self.z)


def bins(frame: Frame) -> tuple[int, int]:
    """(rows, columns) of the grid for this area."""
    return max(1, round(COLUMNS * frame.aspect)), COLUMNS


def query(cur, scope: Scope, frame: Frame) -> Density:
    if frame.extent is None:
        return Density(0.0, 0.0, 1.0, 1.0, [[0]])
    rows, columns = bins(frame)
    x0, y0, x1, y1 = frame.extent
    dx, dy = (x1 - x0) / columns or 1e-9, (y1 - y0) / rows or 1e-9
    since = frame.now - WINDOW
    # The whole hours [first, top) may be kept; (since, first) and [top, now] never are.
    first = (int(since.timestamp()) // HOUR_S + 1) * HOUR_S
    top = int(frame.now.timestamp()) // HOUR_S * HOUR_S
    hours = range(first, top, HOUR_S)
    # Versions before bins: a write committed in between makes the bins newer than the
    # version they are kept with, so they are counted again next time, never missed.
    versions = hour_versions(cur, scope, _instant(first), _instant(top))
    key = (versions.rollup, scope.level, scope.code, x0, y0, dx, dy, rows, columns)
    with _kept_lock:
        kept = _kept.get(key, {})
    stale = [h for h in hours if h not in kept or kept[h][0] != versions.of(h)]
    # One span from the first stale hour to the last: usually none, or the hour just ended.
    recount = range(stale[0], stale[-1] + HOUR_S, HOUR_S) if stale else range(first, first)
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="i")
    params.update(x0=x0, y0=y0, x1=x1, y1=y1, dx=dx, dy=dy, rows=rows, columns=columns,
                  since=since, first=_instant(first), top=_instant(top), now=frame.now,
                  recount_from=_instant(recount.start), recount_to=_instant(recount.stop))
    cur.execute(HOURLY_BINS.format(area=clause), params)
    counted = np.array(cur.fetchall(), dtype=np.int64).reshape(-1, 4)  # hour, r, c, n
    z = np.zeros((rows, columns), dtype=np.int64)
    now_kept = {}
    for h in hours:
        if h in recount:
            these = counted[counted[:, 0] == h]
            grid = np.zeros((rows, columns), dtype=np.int32)
            grid[these[:, 1], these[:, 2]] = these[:, 3]
            now_kept[h] = (versions.of(h), grid)
        else:
            now_kept[h] = kept[h]
        z += now_kept[h][1]
    ends = counted[~np.isin(counted[:, 0], np.array(recount, dtype=np.int64))]
    np.add.at(z, (ends[:, 1], ends[:, 2]), ends[:, 3])
    _keep(key, now_kept)
    return Density(x0, y0, dx, dy, z.tolist())


def _keep(key: tuple, hours: dict[int, tuple[int, np.ndarray]]) -> None:
    with _kept_lock:
        _kept[key] = hours  # the hours that left the window are gone with the old dict
        _kept.move_to_end(key)
        while len(_kept) > KEPT_GRIDS:
            _kept.popitem(last=False)


def _instant(epoch_s: int) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)


def ceiling(z: list[list[int]]) -> int:
    """The count shown at full colour: a high percentile of the bins that have any, so
    one hot spot does not wash the rest out."""
    counts = np.asarray(z, dtype=np.int64).ravel()
    counts = np.sort(counts[counts != 0])
    if not counts.size:
        return 4
    return max(4, int(counts[min(counts.size - 1, int(counts.size * 0.97))]))


def traces(data: Density, lang: str, scale: float = 1.0) -> list[dict]:
    return [{"type": "heatmap", "name": NAME, "z": [list(row) for row in data.z],
             "x0": data.x0 + data.dx / 2, "dx": data.dx, "y0": data.y0 + data.dy / 2,
             "dy": data.dy, "zmin": 0, "zmax": data.zmax, "zsmooth": "best",
             "colorscale": COLOUR_SCALE, "showscale": False, "hoverinfo": "skip"}]


def memory(data: Density) -> dict:
    return {"grid": [data.x0, data.y0, data.dx, data.dy], "z": data.z, "zmax": data.zmax}


def patch(traces: list, old: dict, data: Density) -> bool:
    if old.get("grid") != [data.x0, data.y0, data.dx, data.dy]:
        return False
    patch_grid(traces[0], "z", old.get("z"), data.z)
    if data.zmax != old.get("zmax"):
        traces[0]["zmax"] = data.zmax
    return True
