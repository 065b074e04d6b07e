"""The detail panel's two figures: a small map around the case and its readings chart.

The map is a plain scatter on longitude/latitude axes at true proportions: no tiles, no
map style, no glyph server, so it draws on an intranet with nothing leaving the machine.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import plotly.graph_objects as go

from alerts.cases.severity import COLOURS as SEVERITY_COLOURS
from dashboard.i18n import city_zone, translate
from screens.triage.surroundings import box_around
from store.device_status import COLOURS as DEVICE_COLOURS

LINE_COLOURS = ("#5cc8ff", "#f5d061", "#c08bff", "#3fb37f")
MAP_RADIUS_M = 800  # as screens.triage.surroundings reads them
INK, FAINT, PANEL = "#d5deeb", "#2a3a55", "rgba(0,0,0,0)"


def _frame(height: int) -> dict[str, Any]:
    return dict(height=height, margin=dict(l=8, r=8, t=8, b=8), paper_bgcolor=PANEL,
                plot_bgcolor="#0e1729", font=dict(color=INK, size=12,
                family="Noto Sans CJK SC, Microsoft YaHei, sans-serif"),
                showlegend=True, legend=dict(orientation="h", x=0, y=-0.02, yanchor="top",
                                             bgcolor=PANEL, font=dict(size=11)))


def empty(lang: str, key: str, height: int = 250) -> go.Figure:
    """A quiet figure that says why there is nothing to draw."""
    figure = go.Figure(layout=_frame(height))
    figure.update_layout(showlegend=False,
                         annotations=[dict(text=translate(lang, key), showarrow=False,
                                           font=dict(color="#8797ad", size=13),
                                           xref="paper", yref="paper", x=0.5, y=0.5)])
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def case_map(lang: str, case: dict[str, Any], cases: list[dict[str, Any]],
             devices: list[dict[str, Any]], height: int = 250) -> go.Figure:
    """The case (a ring), other open cases by severity and devices by status, nearby."""
    if case.get("lon") is None or case.get("lat") is None:
        return empty(lang, "triage.map.no_point", height)
    figure = go.Figure(layout=_frame(height))
    for status, colour in DEVICE_COLOURS.items():
        shown = [d for d in devices if d["status"] == status]
        if shown:
            figure.add_trace(go.Scatter(
                x=[d["lon"] for d in shown], y=[d["lat"] for d in shown], mode="markers",
                name=translate(lang, f"triage.map.device_{status}"),
                marker=dict(size=6, color=colour, symbol="square", opacity=0.8),
                text=[d["name"] or d["device_id"] for d in shown], hoverinfo="text"))
    for severity, colour in SEVERITY_COLOURS.items():
        shown = [c for c in cases if c["severity"] == severity]
        if shown:
            figure.add_trace(go.Scatter(
                x=[c["lon"] for c in shown], y=[c["lat"] for c in shown], mode="markers",
                name=translate(lang, f"triage.severity.{severity}"),
                marker=dict(size=9, color=colour, line=dict(width=1, color="#0b1220")),
                text=[f"#{c['id']} {c['title']}" for c in shown], hoverinfo="text"))
    figure.add_trace(go.Scatter(
        x=[case["lon"]], y=[case["lat"]], mode="markers", name=translate(lang, "triage.map.this"),
        marker=dict(size=18, color="rgba(0,0,0,0)", line=dict(width=3, color="#ffffff")),
        text=[case["title"]], hoverinfo="text"))
    # True proportions: a degree of longitude is shorter than one of latitude here.
    box = box_around(case["lon"], case["lat"], MAP_RADIUS_M)
    figure.update_xaxes(visible=False, range=[box.lon0, box.lon1])
    figure.update_yaxes(visible=False, range=[box.lat0, box.lat1], scaleanchor="x",
                        scaleratio=1 / max(math.cos(math.radians(case["lat"])), 0.01))
    return figure


def readings_chart(lang: str, series: dict[str, list[tuple[datetime, float]]],
                   opened_at: datetime, device: str, nearest: bool,
                   height: int = 250) -> go.Figure:
    """One line per metric, with the moment the case opened marked."""
    if not series:
        return empty(lang, "triage.chart.no_readings", height)
    figure = go.Figure(layout=_frame(height))
    for index, (metric, points) in enumerate(sorted(series.items())):
        figure.add_trace(go.Scatter(
            x=[at.astimezone(city_zone()) for at, _ in points],
            y=[value for _, value in points], mode="lines",
            name=metric, line=dict(width=2, color=LINE_COLOURS[index % len(LINE_COLOURS)])))
    figure.add_vline(x=opened_at.astimezone(city_zone()),
                     line=dict(color="#ff4d4f", width=1.5, dash="dot"))
    label = "triage.chart.nearest_device" if nearest else "triage.chart.device"
    figure.update_layout(margin=dict(l=44, r=12, t=30, b=8),
                         title=dict(text=translate(lang, label, device=device),
                                    font=dict(size=12, color="#9fb0c8"), x=0.01, y=0.97))
    # Clock times only: plotly's own date line would be in English whatever the language.
    figure.update_layout(showlegend=len(series) > 1,
                         legend=dict(orientation="h", x=1, xanchor="right", y=1.12))
    figure.update_xaxes(gridcolor=FAINT, zeroline=False, tickformat="%H:%M",
                        hoverformat="%m-%d %H:%M")
    figure.update_yaxes(gridcolor=FAINT, zeroline=False)
    return figure
