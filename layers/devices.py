"""Devices by status (normal / alarm / offline), from device_state.

One WebGL trace of every placed device in the area; the colour of each point is a code
(0 normal, 1 alarm, 2 offline) on a three-step colour scale, so a refresh sends only the
codes that changed. A device that never reported counts as offline.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from alerts.api.scope import Scope, area_sql
from layers.frame import Frame
from layers.legend import Legend
from layers.patching import patch_list
from layers.typed import typed

NAME = "devices"
STATUSES: tuple[str, ...] = ("normal", "alarm", "offline")
COLOURS = {"normal": "#2bd4a4", "alarm": "#ff4d4f", "offline": "#66758c"}
LEGEND = tuple(Legend(f"layers.devices.{s}", COLOURS[s]) for s in STATUSES)

QUERY = """
SELECT d.device_id, d.lon, d.lat, coalesce(s.status, 'offline')
FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
WHERE d.lon IS NOT NULL AND d.lat IS NOT NULL AND {area}
ORDER BY d.device_id
"""


@dataclass(frozen=True)
class Devices:
    ids: list[str]
    lon: list[float]
    lat: list[float]
    codes: list[int]  # index into STATUSES


def query(cur, scope: Scope, frame: Frame) -> Devices:
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="d")
    cur.execute(QUERY.format(area=clause), params)
    rows = cur.fetchall()
    code = {status: k for k, status in enumerate(STATUSES)}
    return Devices([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                   [code.get(r[3], 2) for r in rows])


def colour_scale() -> list[list]:
    """Three flat steps: 0 -> normal, 1 -> alarm, 2 -> offline."""
    colours = [COLOURS[s] for s in STATUSES]
    return [[0.0, colours[0]], [0.33, colours[0]], [0.33, colours[1]], [0.66, colours[1]],
            [0.66, colours[2]], [1.0, colours[2]]]


def traces(data: Devices, lang: str, scale: float = 1.0) -> list[dict]:
    return [{"type": "scattergl", "mode": "markers", "name": NAME,
             "x": typed(data.lon), "y": typed(data.lat),
             "marker": {"size": 5 * scale, "color": list(data.codes), "cmin": 0, "cmax": 2,
                        "colorscale": colour_scale(), "opacity": 0.9},
             "hoverinfo": "skip"}]


def _key(data: Devices) -> str:
    return f"{len(data.ids)}:{zlib.crc32(chr(0).join(data.ids).encode()):08x}"


def memory(data: Devices) -> dict:
    return {"key": _key(data), "codes": list(data.codes)}


def patch(traces: list, old: dict, data: Devices) -> bool:
    if old.get("key") != _key(data):
        return False  # devices came or went: their positions must be sent again
    patch_list(traces[0]["marker"], "color", old.get("codes"), data.codes)
    return True
