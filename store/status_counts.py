"""Counts of devices by status, kept between a screen's refreshes while nothing changed.

Statuses change only when the health service records a change (store/device_health.py
writes each to `device_status_changes`), every few seconds at most. Counting 100,000
devices joined to their state costs a screen 35–45 ms a refresh; asking for the newest
change's id is one index probe. So an answer is kept while the newest change is the same
one, and never longer than `MAX_AGE_SECONDS` (a device registered or first stored changes
counts without a change row).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
MAX_AGE_SECONDS = 15.0
NEWEST_CHANGE = "SELECT max(id) FROM device_status_changes"

_kept: dict[Hashable, tuple[int | None, float, object]] = {}
_lock = threading.Lock()


def kept(cur, key: Hashable, count: Callable[[], T]) -> T:
    """`count()`'s answer for `key`, computed again only when a status changed since."""
    cur.execute(NEWEST_CHANGE)
    newest = cur.fetchone()[0]
    with _lock:
        found = _kept.get(key)
    if found is not None and found[0] == newest and \
            time.monotonic() - found[1] < MAX_AGE_SECONDS:
        return found[2]  # type: ignore[return-value]
    answer = count()
    with _lock:
        if len(_kept) > 4096:  # one entry per area a screen shows: bounded anyway
            _kept.clear()
        _kept[key] = (newest, time.monotonic(), answer)
    return answer
