"""Devices by status (normal / alarm / offline), from device_state.

At the city and district levels (layers/detail.py) each part shows its counts instead:
how many devices, how many in alarm, how many offline, counted in the database. From a
street down, one WebGL trace of every placed device in the area; the colour of each point is a code
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
from layers import detail
from layers.frame import Frame
from layers.legend import Legend
from layers.patching import patch_list
from layers.typed import typed
from store import status_rollup
from store.device_status import COLOURS, STATUSES

Parts = detail.Parts  # counts per part (layers/detail.py)
NAME = "devices"
LEGEND = tuple(Legend(f"layers.devices.{s}", COLOURS[s]) for s in STATUSES)
PARTS_LEGEND = tuple(Legend(f"layers.devices.count_{s}", COLOURS[s], "square")
                     for s in STATUSES)

QUERY = """
SELECT d.device_id, d.lon, d.lat, coalesce(s.status, 'offline')
FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
WHERE d.lon IS NOT NULL AND d.lat IS NOT NULL AND {area}
ORDER BY d.device_id
LIMIT %(limit)s
"""
COUNT = """
SELECT count(*) FROM devices d WHERE d.lon IS NOT NULL AND d.lat IS NOT NULL AND {area}
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


def points(cur, scope: Scope, frame: Frame, limit: int | None = None) -> Devices:
    """Every placed device of the area (the first `limit` by id when given)."""
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="d")
    params["limit"] = limit
    cur.execute(QUERY.format(area=clause), params)
    rows = cur.fetchall()
    code = {status: k for k, status in enumerate(STATUSES)}
    return Devices([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                   [code.get(r[3], 2) for r in rows])


def _text(total: int, alarm: int, offline: int) -> str:
    text = detail.coloured(COLOURS["normal"], "■") + f" {total:,}"
    if alarm:
        text += "  " + detail.coloured(COLOURS["alarm"], f"■ {alarm:,}")
    if offline:
        text += "  " + detail.coloured(COLOURS["offline"], f"■ {offline:,}")
    return text


def parts(cur, scope: Scope, frame: Frame) -> Parts:
    """Counts per part (districts of the city, streets of a district, grid cells of a
    street too full to draw device by device), placed under the part's name."""
    level = detail.PART[scope.level]
    found = status_rollup.by_part(cur, scope.level, scope.code, level)
    return detail.part_lines(cur, scope, frame, 2,
                             {code: _text(*counts) for code, counts in found.items()})


def query(cur, scope: Scope, frame: Frame) -> Devices | Parts:
    if detail.grouped(scope.level):
        return parts(cur, scope, frame)
    limit = detail.BUDGET[NAME]
    found = points(cur, scope, frame, limit + 1)
    if len(found.ids) > limit:  # a street too full to draw one by one: its grid cells
        return parts(cur, scope, frame)
    return found


_DIGITS = bytes.maketrans(b"012", bytes([0, 1, 2]))  # "0" -> 0: 10,000 codes in C


def refresh_query(cur, scope: Scope, frame: Frame) -> Statuses | Parts:
    if detail.grouped(scope.level):
        return parts(cur, scope, frame)
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="d")
    cur.execute(STATUSES_QUERY.format(area=clause), params)
    count, digest, codes = cur.fetchone()
    if count > detail.BUDGET[NAME]:
        return parts(cur, scope, frame)
    return Statuses(f"{count}:{digest}", list(codes.encode().translate(_DIGITS)))


def colour_scale() -> list[list]:
    """Three flat steps: 0 -> normal, 1 -> alarm, 2 -> offline."""
    colours = [COLOURS[s] for s in STATUSES]
    return [[0.0, colours[0]], [0.33, colours[0]], [0.33, colours[1]], [0.66, colours[1]],
            [0.66, colours[2]], [1.0, colours[2]]]


def legend(level: str) -> tuple[Legend, ...]:
    return PARTS_LEGEND if detail.grouped(level) else LEGEND


def traces(data: Devices | Parts, lang: str, scale: float = 1.0) -> list[dict]:
    """Two traces always: the devices (empty when counted by part) and the parts' counts
    (empty when drawn one by one), so a refresh finds every layer's traces in place."""
    single = data if isinstance(data, Devices) else Devices([], [], [], [])
    counts = data.counts if isinstance(data, Parts) else []
    return [{"type": "scattergl", "mode": "markers", "name": NAME,
             "x": typed(single.lon), "y": typed(single.lat),
             "marker": {"size": 5 * scale, "color": list(single.codes), "cmin": 0, "cmax": 2,
                        "colorscale": colour_scale(), "opacity": 0.9},
             "hoverinfo": "skip"},
            detail.count_trace(f"{NAME}-parts", counts, "middle center", scale)]


def memory(data: Devices | Statuses | Parts) -> dict:
    if isinstance(data, Parts):
        return detail.parts_memory(data)
    return {"key": data.key, "codes": list(data.codes)}


def patch(traces: list, old: dict, data: Devices | Statuses | Parts) -> bool:
    if isinstance(data, Parts) != ("parts" in old):
        return False  # from counts to devices or back: the other trace must be drawn
    if isinstance(data, Parts):
        return detail.patch_parts(traces[1], old, data)
    if old.get("key") != data.key:
        return False  # devices came or went: their positions must be sent again
    patch_list(traces[0]["marker"], "color", old.get("codes"), data.codes)
    return True
