"""Open cases by severity: one trace per severity, the most severe drawn on top.

At the city and district levels (layers/detail.py) each part shows its open cases counted
by severity instead, as a line of diamonds in the severities' colours below its name.

A refresh resends a severity's points only when its set of cases changed (a case opened,
closed or changed severity); otherwise nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts.cases.severity import COLOURS, SEVERITIES
from alerts.cases.states import FINISHED
from identity.scope import Scope, scope_sql
from layers import detail
from layers.frame import Frame
from layers.legend import Legend
from layers.typed import typed

Parts = detail.Parts  # counts per part (layers/detail.py)

NAME = "cases"
SIZES = {"critical": 17, "major": 14, "minor": 11, "info": 9}
LEGEND = tuple(Legend(f"layers.cases.{s}", COLOURS[s], "diamond") for s in reversed(SEVERITIES))

QUERY = """
SELECT a.id, a.severity, a.lon, a.lat, a.title
FROM alerts a
WHERE a.state <> ALL(%(finished)s) AND a.lon IS NOT NULL AND a.lat IS NOT NULL AND {scope}
ORDER BY a.id
LIMIT %(limit)s
"""
PART_COUNTS = """
SELECT {part}, a.severity, count(*)
FROM alerts a
WHERE a.state <> ALL(%(finished)s) AND {part} IS NOT NULL AND {scope}
GROUP BY 1, 2
"""


@dataclass(frozen=True)
class Point:
    id: int
    lon: float
    lat: float
    title: str


def points(cur, scope: Scope, frame: Frame, limit: int | None = None
           ) -> dict[str, list[Point]]:
    """The area's open cases by severity (the first `limit` by id when given)."""
    clause, params = scope_sql(scope)
    params.update(finished=list(FINISHED), limit=limit)
    cur.execute(QUERY.format(scope=clause), params)
    found: dict[str, list[Point]] = {s: [] for s in SEVERITIES}
    for case_id, severity, lon, lat, title in cur.fetchall():
        found.setdefault(severity, []).append(Point(case_id, lon, lat, title))
    return found


def _text(by_severity: dict[str, int]) -> str:
    return "  ".join(detail.coloured(COLOURS[s], "◆") + f" {by_severity[s]:,}"
                     for s in reversed(SEVERITIES) if by_severity.get(s))


def parts(cur, scope: Scope, frame: Frame) -> Parts:
    clause, params = scope_sql(scope)
    params["finished"] = list(FINISHED)
    level = detail.PART[scope.level]
    cur.execute(PART_COUNTS.format(part=f"a.{detail.COLUMN[level]}", scope=clause), params)
    found: dict[str, dict[str, int]] = {}
    for code, severity, count in cur.fetchall():
        found.setdefault(code, {})[severity] = int(count)
    return detail.part_lines(cur, scope, frame, 1,
                             {code: _text(counts) for code, counts in found.items()})


def query(cur, scope: Scope, frame: Frame) -> dict[str, list[Point]] | Parts:
    if detail.grouped(scope.level):
        return parts(cur, scope, frame)
    limit = detail.BUDGET[NAME]
    found = points(cur, scope, frame, limit + 1)
    if sum(len(p) for p in found.values()) > limit:
        return parts(cur, scope, frame)
    return found


def legend(level: str) -> tuple[Legend, ...]:
    if detail.grouped(level):
        return tuple(Legend(f"layers.cases.count_{s}", COLOURS[s], "diamond")
                     for s in reversed(SEVERITIES))
    return LEGEND


def _points(points: list[Point]) -> dict:
    return {"x": typed([p.lon for p in points]), "y": typed([p.lat for p in points]),
            "customdata": [p.id for p in points], "text": [p.title for p in points]}


def traces(data: dict[str, list[Point]] | Parts, lang: str, scale: float = 1.0
           ) -> list[dict]:
    """One trace per severity (empty when counted by part), then the parts' counts."""
    counts = data.counts if isinstance(data, Parts) else []
    single = {} if isinstance(data, Parts) else data
    return [*_severity_traces(single, scale),
            detail.count_trace(f"{NAME}-parts", counts, "middle center", scale)]


def _severity_traces(data: dict[str, list[Point]], scale: float) -> list[dict]:
    return [{"type": "scattergl", "mode": "markers", "name": f"cases-{severity}",
             **_points(data.get(severity, [])),
             "marker": {"symbol": "diamond", "size": SIZES[severity] * scale,
                        "color": COLOURS[severity],
                        "line": {"width": 1.5 * scale, "color": "#0b1220"}},
             "hovertemplate": "%{text}<extra></extra>"}
            for severity in SEVERITIES]


def memory(data: dict[str, list[Point]] | Parts) -> dict:
    if isinstance(data, Parts):
        return detail.parts_memory(data)
    return {severity: [p.id for p in data.get(severity, [])] for severity in SEVERITIES}


def patch(traces: list, old: dict, data: dict[str, list[Point]] | Parts) -> bool:
    if isinstance(data, Parts) != ("parts" in old):
        return False
    if isinstance(data, Parts):
        return detail.patch_parts(traces[len(SEVERITIES)], old, data)
    for k, severity in enumerate(SEVERITIES):
        points = data.get(severity, [])
        if old.get(severity) != [p.id for p in points]:
            for key, value in _points(points).items():
                traces[k][key] = value
    return True
