"""How fresh the wall's data is: the newest reading or incident, and how long ago.

An operator must see at a glance when the screen shows an old city (ingest stopped, a
broker down): past `STALE_AFTER` the line turns to a warning in its own colour.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dashboard.i18n import duration, translate, when
from store.replica import Lag

STALE_AFTER = timedelta(minutes=1)
REPLICA_LATE_AFTER = timedelta(seconds=10)


def line(lang: str, newest: datetime | None, now: datetime) -> tuple[str, str]:
    """(text, CSS class) of the freshness line."""
    if newest is None:
        return translate(lang, "wall.fresh.none"), "wall-fresh wall-fresh-stale"
    age = max(now - newest, timedelta(0))
    text = translate(lang, "wall.fresh", time=when(lang, newest, seconds=True),
                     age=duration(lang, age.total_seconds()))
    stale = age > STALE_AFTER
    return text, "wall-fresh wall-fresh-stale" if stale else "wall-fresh"


def replica_line(lang: str, lag: Lag | None) -> tuple[str, str]:
    """(text, CSS class) of the replica line: empty unless the wall reads a replica."""
    if lag is None or not lag.replica:
        return "", "wall-replica"
    if lag.seconds is None:
        return translate(lang, "wall.replica.unknown"), "wall-replica wall-fresh-stale"
    text = translate(lang, "wall.replica", lag=f"{lag.seconds:.1f}")
    late = lag.seconds > REPLICA_LATE_AFTER.total_seconds()
    return text, "wall-replica wall-fresh-stale" if late else "wall-replica"
