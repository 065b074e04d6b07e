"""The live ticker: the newest cases of the area, newest first. A refresh adds the new
ones at the top and drops as many from the bottom; nothing else is resent."""

from __future__ import annotations

from typing import Any

from dash import Patch, html

from dashboard.i18n import city_zone, translate

LENGTH = 8


def item(lang: str, case: dict[str, Any]) -> html.Li:
    place = case["place_zh"] if lang == "zh-CN" else case["place_en"]
    opened = case["opened_at"].astimezone(city_zone()).strftime("%H:%M")
    return html.Li(className=f"wall-ticker-item severity-{case['severity']}", children=[
        html.Span(opened, className="wall-ticker-time"),
        html.Span(translate(lang, f"wall.severity.{case['severity']}"),
                  className="wall-ticker-severity"),
        html.Span(case["title"], className="wall-ticker-title"),
        html.Span(place or "", className="wall-ticker-place"),
    ])


def items(lang: str, cases: list[dict[str, Any]]) -> list:
    if not cases:
        return [html.Li(translate(lang, "wall.ticker.empty"), className="wall-ticker-empty")]
    return [item(lang, case) for case in cases]


def refresh(lang: str, cases: list[dict[str, Any]], shown: list[int] | None
            ) -> list | Patch | None:
    """The ticker's children: None when unchanged, a Patch when the new cases simply push
    the older ones down, else the whole list."""
    ids = [case["id"] for case in cases]
    if shown == ids:
        return None
    if shown and ids:
        fresh = len(ids) - len([i for i in ids if i in shown])
        if fresh and ids[fresh:] == shown[:len(ids) - fresh] and len(shown) == len(ids):
            patch = Patch()
            for case in reversed(cases[:fresh]):
                patch.prepend(item(lang, case))
            longest = len(shown) + fresh
            for k in range(fresh):  # from the bottom, by position (no negative indexes)
                del patch[longest - 1 - k]
            return patch
    return items(lang, cases)
