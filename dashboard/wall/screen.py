"""The whole wall for one viewer at one instant: first draw and refresh.

The screen keeps a small memory (a dcc.Store) of what it shows; a refresh reads the
store, asks every query again and answers with Patches of what changed — marker colours,
density bins, a tile's text, the trend's last points, new ticker lines — and the same
changes for the memory. `scale` is the screen's width over 1920 px, so markers, lines and
chart text grow with a 4K wall as the page's CSS text does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dash import Patch

from dashboard.i18n import city_zone
from dashboard.wall import freshness, ticker, trend, vitals
from identity.scope import Scope
from layers import figure as map_figure
from layers.figure import MapOptions
from screens.wall import cases as case_kpis
from screens.wall import city as city_kpis


@dataclass(frozen=True)
class Look:
    lang: str
    scale: float = 1.0
    tile_url: str = ""

    def map_options(self) -> MapOptions:
        return MapOptions(lang=self.lang, tile_url=self.tile_url, scale=self.scale)


@dataclass
class Update:
    """What one refresh sends; None: leave that output as it is."""

    map: Any = None
    trend: Any = None
    texts: dict[str, str] = field(default_factory=dict)
    ticker: Any = None
    memory: Any = None
    fresh: tuple[str, str] = ("", "wall-fresh")  # the freshness line: text, CSS class


def screen_scale(width: Any) -> float:
    """The screen's width over the 1920 px the wall is designed at, within 1..3; rounded
    so a window a few pixels off does not count as another screen."""
    try:
        ratio = float(width) / 1920
    except (TypeError, ValueError):
        return 1.0
    return max(1.0, min(3.0, round(ratio * 4) / 4))


def _numbers(cur, scope: Scope, now: datetime) -> tuple[vitals.Vitals, city_kpis.Trend,
                                                        list[dict]]:
    hourly = city_kpis.hourly_incidents(cur, scope, now)
    found = vitals.Vitals(city_kpis.device_counts(cur, scope),
                          case_kpis.open_cases(cur, scope, now),
                          case_kpis.flow_times(cur, scope, now),
                          city_kpis.today_by_source(hourly, now, city_zone()))
    return found, city_kpis.trend(hourly, now), case_kpis.newest_cases(cur, scope,
                                                                        ticker.LENGTH)


def draw(cur, scope: Scope, now: datetime, look: Look) -> Update:
    """Everything, whole: the first draw (and the redraw when the memory is unusable)."""
    figure, map_memory = map_figure.build(cur, scope, now, look.map_options())
    numbers, hours, newest = _numbers(cur, scope, now)
    texts = vitals.texts(look.lang, numbers)
    memory = {"scale": look.scale, "map": map_memory, "trend": trend.memory(hours),
              "texts": texts, "ticker": [case["id"] for case in newest]}
    return Update(figure, trend.figure(hours, look.lang, look.scale), texts,
                  ticker.items(look.lang, newest), memory, _fresh(cur, look, now))


def _fresh(cur, look: Look, now: datetime) -> tuple[str, str]:
    return freshness.line(look.lang, city_kpis.newest_data(cur), now)


def refresh(cur, scope: Scope, now: datetime, look: Look, memory: dict | None) -> Update:
    if not memory or memory.get("scale") != look.scale:
        return draw(cur, scope, now, look)
    kept = Patch()
    figure, map_memory = map_figure.refresh(cur, scope, now, memory.get("map"), kept["map"],
                                            look.map_options())
    if map_memory is not None:
        kept["map"] = map_memory
    numbers, hours, newest = _numbers(cur, scope, now)
    update = Update(map=figure, memory=kept, fresh=_fresh(cur, look, now))
    update.trend, _whole = trend.refresh(hours, memory.get("trend"), look.lang, look.scale)
    if update.trend is not None:
        kept["trend"] = trend.memory(hours)
    texts = vitals.texts(look.lang, numbers)
    update.texts = vitals.changed_texts(memory.get("texts"), texts)
    for key, text in update.texts.items():
        kept["texts"][key] = text
    ids = [case["id"] for case in newest]
    update.ticker = ticker.refresh(look.lang, newest, memory.get("ticker"))
    if update.ticker is not None:
        kept["ticker"] = ids
    return update
