"""The interface's words: one JSON catalogue per language in dashboard/catalogue/, and
numbers and times written the way each language writes them."""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

CATALOGUES = Path(__file__).parent / "catalogue"
LANGUAGES = ("zh-CN", "en")

# Times are shown on the city's clock (settings.time_zone), whatever the server's zone is.
# Set once by what builds the dashboard or a summary from the settings (dashboard/app.py,
# dashboard/commands.py): every time a reader sees is on it, and passing it through each
# formatter beside the language would change their signatures and nothing else.
_city_zone: ZoneInfo | None = None


def use_city_zone(zone: ZoneInfo) -> None:
    global _city_zone  # noqa: PLW0603 - set once at start-up, from the settings
    _city_zone = zone


def city_zone() -> ZoneInfo:
    if _city_zone is None:
        raise RuntimeError("the city's time zone is not set: build the app or the summary "
                           "from Settings (dashboard.i18n.use_city_zone)")
    return _city_zone


@cache
def catalogue(language: str) -> dict[str, str]:
    return json.loads((CATALOGUES / f"{language}.json").read_text(encoding="utf-8"))


def translate(language: str, key: str, **values: object) -> str:
    """The text for a key, with `{name}` fields filled in; a missing key shows itself, so
    gaps are visible, not silent (and a test finds them)."""
    text = catalogue(language if language in LANGUAGES else LANGUAGES[0]).get(key, key)
    return text.format(**values) if values else text


def number(language: str, value: float | int | None, digits: int = 0) -> str:
    """1,234,567 in both languages; large counts in Chinese as 万 (12.3万)."""
    if value is None:
        return "–"
    if language == "zh-CN" and abs(value) >= 100_000:
        return f"{value / 10_000:,.1f}万"
    return f"{value:,.{digits}f}"


def percent(language: str, ratio: float | None, digits: int = 1) -> str:
    return "–" if ratio is None else f"{ratio * 100:.{digits}f}%"


def when(language: str, instant: datetime | None, *, seconds: bool = False) -> str:
    """A moment in the city's time: 11月25日 14:05 / 25 Nov 14:05."""
    if instant is None:
        return "–"
    local = instant.astimezone(city_zone())
    clock = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    if language == "zh-CN":
        return f"{local.month}月{local.day}日 {clock}"
    return f"{local.day} {local.strftime('%b')} {clock}"


def day(language: str, value: date) -> str:
    if language == "zh-CN":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.strftime("%d %b %Y").lstrip("0")


def duration(language: str, seconds: float | None) -> str:
    """3小时12分 / 3 h 12 min; under an hour in minutes, under a minute in seconds."""
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if language == "zh-CN":
        if hours:
            return f"{hours}小时{minutes}分"
        return f"{minutes}分钟" if minutes else f"{seconds}秒"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"
