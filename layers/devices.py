"""Devices by status (normal / alarm / offline), from device_state.

One WebGL trace of every placed device in the area; the colour of each point is a code
(0 normal, 1 alarm, 2 offline) on a three-step colour scale, so a refresh sends only the
codes that changed. A device that never reported counts as offline.

A refresh needs no positions, only the codes and whether the devices are still the same
ones: `refresh_query` has the database send both as two strings (one character a device,
and a hash of the ids) instead of a row for each of 10,000 devices.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from identity.scope import Scope, area_sql
from layers.frame import Frame
from layers.legend import Legend
from layers.patching import patch_list
from layers.typed import typed
from store.device_status import COLOURS, STATUSES

NAME = "devices"
LEGEND = tuple(Legend(f"layers.devices.{s}", COLOURS[s]) for s in STATUSES)

QUERY = """
SELECT d.device_id, d.lon, d.lat, coalesce(s.status, 'offline')
FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
WHERE d.lon IS NOT NULL AND d.lat IS NOT NULL AND {area}
ORDER BY d.device_id
"""

# The devices of QUERY in its order: their count and the md5 of their ids joined by U+001F
# (Devices.key), and their codes (index into STATUSES, as `query` makes them) as digits.
STATUSES_QUERY = """
SELECT count(*),
       md5(coalesce(string_agg(d.device_id, E'\\x1f' ORDER BY d.device_id), '')),
       coalesce(string_agg(CASE s.status WHEN 'normal' THEN '0' WHEN 'alarm' THEN '1'
                                         ELSE '2' END, '' ORDER BY d.device_id), '')
FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
WHERE d.lon IS NOT NULL AND d.lat IS NOT NULL AND {area}
"""


@dataclass(frozen=True)
class Devices:
    ids: list[str]
    lon: list[float]
    lat: list[float]
    codes: list[int]  # index into STATUSES

    @property
    def key(self) -> str:
        """Which devices, in which order: a refresh with another key must send positions."""
        digest = hashlib.md5("\x1f".join(self.ids).encode(), usedforsecurity=False)
        return f"{len(self.ids)}:{digest.hexdigest()}"


@dataclass(frozen=True)
class Statuses:
    """What a refresh needs of the devices: their key and codes, no positions."""

    key: str
    codes: list[int]


def query(cur, scope: Scope, frame: Frame) -> Devices:
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="d")
    cur.execute(QUERY.format(area=clause), params)
    rows = cur.fetchall()
    code = {status: k for k, status in enumerate(STATUSES)}
    return Devices([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                   [code.get(r[3], 2) for r in rows])


_DIGITS = bytes.maketrans(b"012", bytes([0, 1, 2]))  # "0" -> 0: 10,000 codes in C


def refresh_query(cur, scope: Scope, frame: Frame) -> Statuses:
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="d")
    cur.execute(STATUSES_QUERY.format(area=clause), params)
    count, digest, codes = cur.fetchone()
    return Statuses(f"{count}:{digest}", list(codes.encode().translate(_DIGITS)))


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


def memory(data: Devices | Statuses) -> dict:
    return {"key": data.key, "codes": list(data.codes)}


def patch(traces: list, old: dict, data: Devices | Statuses) -> bool:
    if old.get("key") != data.key:
        return False  # devices came or went: their positions must be sent again
    patch_list(traces[0]["marker"], "color", old.get("codes"), data.codes)
    return True
