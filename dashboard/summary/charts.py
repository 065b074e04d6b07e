"""The summary's two charts as Plotly figures: cases by category and cases by district.

The same figure is drawn on the page (dark, like the rest of the dashboard) and printed
into the PDF (light, as an inline SVG rendered offline by kaleido).
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.i18n import translate
from dashboard.summary.data import DailySummary

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
MOST_CATEGORIES = 12

THEMES = {
    "screen": {"paper": "rgba(0,0,0,0)", "text": "#dbe6f5", "grid": "#22375a",
               "bars": ("#5cc8ff", "#7ee0a1")},
    "print": {"paper": "#ffffff", "text": "#1d2733", "grid": "#d5dce6",
              "bars": ("#1f6fb2", "#2e9e5b")},
}


def _frame(figure: go.Figure, theme: str, height: int) -> go.Figure:
    colours = THEMES[theme]
    figure.update_layout(
        height=height, margin={"l": 8, "r": 16, "t": 8, "b": 8},
        paper_bgcolor=colours["paper"], plot_bgcolor=colours["paper"],
        font={"family": FONT, "size": 14, "color": colours["text"]},
        legend={"orientation": "h", "y": 1.08, "x": 0},
        bargap=0.25,
    )
    figure.update_xaxes(gridcolor=colours["grid"], zerolinecolor=colours["grid"],
                        automargin=True)
    figure.update_yaxes(gridcolor=colours["grid"], zerolinecolor=colours["grid"],
                        automargin=True)
    return figure


def categories_figure(summary: DailySummary, lang: str, theme: str = "screen") -> go.Figure:
    """Cases opened that day per category, the most at the top."""
    shown = summary.categories[:MOST_CATEGORIES][::-1]
    names = [row["category"] or translate(lang, "summary.uncategorised") for row in shown]
    counts = [row["cases"] for row in shown]
    figure = go.Figure(go.Bar(x=counts, y=names, orientation="h", text=counts,
                              textposition="outside", cliponaxis=False,
                              marker_color=THEMES[theme]["bars"][0],
                              hovertemplate="%{y}: %{x}<extra></extra>"))
    return _frame(figure, theme, max(220, 34 * len(shown) + 40))


def districts_figure(summary: DailySummary, lang: str, theme: str = "screen") -> go.Figure:
    """New and closed cases per district that day."""
    name = "name_zh" if lang == "zh-CN" else "name_en"
    rows = [row for row in summary.districts if row["new_cases"] or row["closed_cases"]]
    labels = [row[name] or row["code"] or translate(lang, "summary.unplaced") for row in rows]
    bars = THEMES[theme]["bars"]
    figure = go.Figure([
        go.Bar(name=translate(lang, "summary.series.new"), x=labels,
               y=[row["new_cases"] for row in rows], marker_color=bars[0]),
        go.Bar(name=translate(lang, "summary.series.closed"), x=labels,
               y=[row["closed_cases"] for row in rows], marker_color=bars[1]),
    ])
    figure.update_layout(barmode="group")
    return _frame(figure, theme, 300)
