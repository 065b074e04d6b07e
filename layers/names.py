"""The names of the parts of the area shown (a district's streets, the city's districts),
drawn above every other layer. Each name carries its area's code (`customdata`): a click on
it drills down (layers/drill.py). Plotly draws the text with the browser's own fonts, so
no glyph server is asked for anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from identity.scope import Scope
from layers.boundaries import LEVELS, area_rows
from layers.frame import Frame

NAME = "names"
COLOUR = "#e6f0ff"
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
LEGEND = ()
LIVE = False  # names do not change during a shift


@dataclass(frozen=True)
class Label:
    code: str
    name_zh: str
    name_en: str
    lon: float
    lat: float


def query(cur, scope: Scope, frame: Frame) -> list[Label]:
    named = LEVELS[scope.level][1]
    if named is None:
        return []
    return [Label(code, zh, en, x, y)
            for code, _level, zh, en, _shape, x, y in area_rows(cur, scope, frame, [named])]


def traces(data: list[Label], lang: str, scale: float = 1.0) -> list[dict]:
    return [{"type": "scatter", "mode": "text", "name": NAME,
             "x": [label.lon for label in data], "y": [label.lat for label in data],
             "text": [label.name_zh if lang == "zh-CN" else label.name_en for label in data],
             "customdata": [label.code for label in data],
             "textfont": {"family": FONT, "size": round(15 * scale), "color": COLOUR},
             "hovertemplate": "%{text}<extra></extra>"}]


def memory(data: list[Label]) -> dict:
    return {}


def patch(traces: list, old: dict, data: list[Label]) -> bool:
    return True
