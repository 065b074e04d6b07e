"""How fresh the wall's data is: the newest reading or incident, and how long ago.

An operator must see at a glance when the screen shows an old city (ingest stopped, a
broker down): past `STALE_AFTER` the line turns to a warning in its own colour.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dashboard.i18n import duration, translate, when

STALE_AFTER = timedelta(minutes=1)


def line(lang: str, newest: datetime | None, now: datetime) -> tuple[str, str]:
    """(text, CSS class) of the freshness line."""
    if newest is None:
        return translate(lang, "wall.fresh.none"), "wall-fresh wall-fresh-stale"
    age = max(now - newest, timedelta(0))
    text = translate(lang, "wall.fresh", time=when(lang, newest, seconds=True),
                     age=duration(lang, age.total_seconds()))
    stale = age > STALE_AFTER
    return text, "wall-fresh wall-fresh-stale" if stale else "wall-fresh"
