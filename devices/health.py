"""Device health: `normal`, `alarm` or `offline`, computed from the data by one owner.

The sweep (store/device_health.py) sets every device's status from its newest reading,
its kind's offline-after (the profiles in force) and the open cases raised from it, and
records each change. `cityops health` runs it every CITYOPS_HEALTH_EVERY_SECONDS; nothing
else writes a status (ingest's upsert leaves it alone; a device seen for the first time
starts `normal`, it has just reported).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable

import psycopg2.extensions

from devices.profile import ProfileSet
from store import device_health
from store.device_health import Change

log = logging.getLogger("cityops.health")

# A device of a kind no profile describes (ingest's `unknown`, registered unplaced): its
# kind says nothing of how often it reports, so it is given an hour.
UNKNOWN_KIND_OFFLINE_S = 3600.0
PRUNE_EVERY_S = 3600.0


def offline_after(profiles: ProfileSet) -> dict[str, float]:
    """kind -> seconds of silence after which its devices are offline."""
    return {kind: p.offline_after_s for kind, p in profiles.profiles.items()}


class HealthSweep:
    """One pass at a time; `profiles` is anything with `current()` (a ProfileSource)."""

    def __init__(self, connect: Callable[[], psycopg2.extensions.connection], profiles,
                 keep_days: int) -> None:
        self.connect = connect
        self.profiles = profiles
        self.keep_days = keep_days
        self.conn: psycopg2.extensions.connection | None = None
        self.pruned_at = float("-inf")

    def run_once(self) -> tuple[list[Change], dict[str, int]]:
        """(the changes made, devices by status); raises psycopg2 errors for the caller."""
        if self.conn is None or self.conn.closed:
            self.conn = self.connect()
        changes = device_health.sweep(self.conn, offline_after(self.profiles.current()),
                                      UNKNOWN_KIND_OFFLINE_S)
        if time.monotonic() - self.pruned_at > PRUNE_EVERY_S:
            device_health.prune(self.conn, self.keep_days)
            self.pruned_at = time.monotonic()
        if changes:
            moved = Counter(c.to_status for c in changes)
            log.info("device status changed", extra={"changes": len(changes), **moved})
        return changes, device_health.counts(self.conn)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
