"""Open cases by severity: one trace per severity, the most severe drawn on top.

A refresh resends a severity's points only when its set of cases changed (a case opened,
closed or changed severity); otherwise nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts.cases.severity import COLOURS, SEVERITIES
from alerts.cases.states import FINISHED
from identity.scope import Scope, scope_sql
from layers.frame import Frame
from layers.legend import Legend
from layers.typed import typed

NAME = "cases"
SIZES = {"critical": 17, "major": 14, "minor": 11, "info": 9}
LEGEND = tuple(Legend(f"layers.cases.{s}", COLOURS[s], "diamond") for s in reversed(SEVERITIES))

QUERY = """
SELECT a.id, a.severity, a.lon, a.lat, a.title
FROM alerts a
WHERE a.state <> ALL(%(finished)s) AND a.lon IS NOT NULL AND a.lat IS NOT NULL AND {scope}
ORDER BY a.id
"""


@dataclass(frozen=True)
class Point:
    id: int
    lon: float
    lat: float
    title: str


def query(cur, scope: Scope, frame: Frame) -> dict[str, list[Point]]:
    clause, params = scope_sql(scope)
    params["finished"] = list(FINISHED)
    cur.execute(QUERY.format(scope=clause), params)
    found: dict[str, list[Point]] = {s: [] for s in SEVERITIES}
    for case_id, severity, lon, lat, title in cur.fetchall():
        found.setdefault(severity, []).append(Point(case_id, lon, lat, title))
    return found


def _points(points: list[Point]) -> dict:
    return {"x": typed([p.lon for p in points]), "y": typed([p.lat for p in points]),
            "customdata": [p.id for p in points], "text": [p.title for p in points]}


def traces(data: dict[str, list[Point]], lang: str, scale: float = 1.0) -> list[dict]:
    return [{"type": "scattergl", "mode": "markers", "name": f"cases-{severity}",
             **_points(data.get(severity, [])),
             "marker": {"symbol": "diamond", "size": SIZES[severity] * scale,
                        "color": COLOURS[severity],
                        "line": {"width": 1.5 * scale, "color": "#0b1220"}},
             "hovertemplate": "%{text}<extra></extra>"}
            for severity in SEVERITIES]


def memory(data: dict[str, list[Point]]) -> dict:
    return {severity: [p.id for p in data.get(severity, [])] for severity in SEVERITIES}


def patch(traces: list, old: dict, data: dict[str, list[Point]]) -> bool:
    for k, severity in enumerate(SEVERITIES):
        points = data.get(severity, [])
        if old.get(severity) != [p.id for p in points]:
            for key, value in _points(points).items():
                traces[k][key] = value
    return True
