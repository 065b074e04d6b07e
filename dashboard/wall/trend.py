"""The 24-hour trend: incidents per hour, the last 24 hours against the same hours of the
day before. Within an hour a refresh patches only the counts that moved (usually the
current hour's); when a new hour starts the small figure is sent again."""

from __future__ import annotations

from dash import Patch

from dashboard.i18n import city_zone, translate
from layers.patching import patch_list
from screens.wall.city import Trend

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
TODAY, YESTERDAY = "#4cc9f0", "#7d8aa5"


def hour_labels(trend: Trend) -> list[str]:
    return [hour.astimezone(city_zone()).strftime("%H:00") for hour in trend.hours]


def figure(trend: Trend, lang: str, scale: float = 1.0) -> dict:
    labels = hour_labels(trend)
    font = {"family": FONT, "color": "#9fb0c8", "size": round(13 * scale)}
    return {
        "data": [
            {"type": "scatter", "mode": "lines", "name": translate(lang, "wall.trend.yesterday"),
             "x": labels, "y": list(trend.yesterday), "hoverinfo": "skip",
             "line": {"color": YESTERDAY, "width": 2 * scale, "dash": "dot", "shape": "spline"}},
            {"type": "scatter", "mode": "lines", "name": translate(lang, "wall.trend.today"),
             "x": labels, "y": list(trend.today), "fill": "tozeroy", "hoverinfo": "skip",
             "fillcolor": "rgba(76,201,240,0.18)",
             "line": {"color": TODAY, "width": 3 * scale, "shape": "spline"}},
        ],
        "layout": {
            "margin": {"l": round(44 * scale), "r": round(10 * scale), "t": round(8 * scale),
                       "b": round(30 * scale)},
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "font": font,
            "showlegend": True, "hovermode": False, "dragmode": False,
            "legend": {"orientation": "h", "x": 0, "y": 1.12, "font": font},
            "xaxis": {"type": "category", "fixedrange": True, "showgrid": False,
                      "nticks": 7, "tickfont": font, "linecolor": "#23385c"},
            "yaxis": {"fixedrange": True, "rangemode": "tozero", "gridcolor": "#1a2b47",
                      "tickfont": font, "zeroline": False},
        },
    }


def memory(trend: Trend) -> dict:
    return {"first": trend.hours[0].isoformat(), "today": list(trend.today),
            "yesterday": list(trend.yesterday)}


def refresh(trend: Trend, old: dict | None, lang: str, scale: float
            ) -> tuple[dict | Patch | None, dict | None]:
    """(figure or Patch or None when nothing changed, memory when it is sent whole)."""
    new = memory(trend)
    if not old or old.get("first") != new["first"]:
        return figure(trend, lang, scale), new
    if old == new:
        return None, None
    patch = Patch()
    patch_list(patch["data"][0], "y", old.get("yesterday"), new["yesterday"])
    patch_list(patch["data"][1], "y", old.get("today"), new["today"])
    return patch, None
