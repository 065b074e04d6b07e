"""Where each device is and what it is, from the `devices` table, cached in memory.

One cache for ingest (is this device registered?) and the alerts engine (what kind is it,
which grid is it in?). The whole registry is read once; a device first seen later is
looked up once, and an unknown one is remembered as unknown for `negative_seconds`, so a
chatty stranger cannot make either service query the database per message.

A device may also be known by aliases (`meta.aliases`: the names other platforms give it,
e.g. an NGSI entity id or a ThingsBoard device name); a lookup by alias answers the device
itself, so everything downstream sees one id.

A lookup that loses the database raises psycopg2's OperationalError: each caller has its
own way to wait for it (the stream runtime's back-off, the engine's retrying read).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import psycopg2
import psycopg2.extensions

from store import devices

SELECT = """
SELECT device_id, kind, meta->>'type', lon, lat,
       grid_code, community_code, street_code, district_code,
       CASE WHEN jsonb_typeof(meta->'aliases') = 'array' THEN meta->'aliases' ELSE '[]' END
FROM devices
"""


@dataclass(frozen=True)
class Device:
    device_id: str
    kind: str
    device_type: str | None
    lon: float | None
    lat: float | None
    grid_code: str | None
    community_code: str | None
    street_code: str | None
    district_code: str | None


class DeviceRegistry:
    def __init__(self, connect: Callable[[], psycopg2.extensions.connection],
                 negative_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.connect = connect
        self.conn: psycopg2.extensions.connection | None = None
        self.negative_seconds = negative_seconds
        self.clock = clock
        self.known: dict[str, Device] = {}
        for device, aliases in self._read("", ()):
            self._remember(device, aliases)
        self.unknown_until: dict[str, float] = {}

    def __contains__(self, device_id: str) -> bool:
        """Known without asking the database (the per-message fast path)."""
        return device_id in self.known

    def get(self, device_id: str) -> Device | None:
        """The device, or None when it is not registered (remembered for a while)."""
        found = self.known.get(device_id)
        if found is not None:
            return found
        if self.unknown_until.get(device_id, 0) > self.clock():
            return None
        rows = self._read(" WHERE device_id = %s OR meta->'aliases' ? %s", (device_id, device_id))
        if rows:
            found = next((d for d, _ in rows if d.device_id == device_id), rows[0][0])
            for device, aliases in rows:
                self._remember(device, aliases)
            return found
        self.unknown_until[device_id] = self.clock() + self.negative_seconds
        return None

    def device(self, name: str) -> Device | None:
        """The device `name` is the id or an alias of (the decoders' lookup)."""
        return self.get(name)

    def canonical(self, name: str) -> str | None:
        """The id of the device `name` is the id or an alias of, from memory only (the
        per-message path: a name not in memory is left to `get`)."""
        found = self.known.get(name)
        return found.device_id if found is not None else None

    def first(self, names: Sequence[str]) -> tuple[str, Device] | None:
        """The first of `names` that is a registered id or alias, and its device: from
        memory, else with one query for all of them (remembered as unknown for a while,
        as `get` does)."""
        for name in names:
            found = self.known.get(name)
            if found is not None:
                return name, found
        key = "\x1f".join(names)
        if not names or self.unknown_until.get(key, 0) > self.clock():
            return None
        rows = self._read(" WHERE device_id = ANY(%s) OR meta->'aliases' ?| %s",
                          (list(names), list(names)))
        for device, aliases in rows:
            self._remember(device, aliases)
        for name in names:
            if name in self.known:
                return name, self.known[name]
        self.unknown_until[key] = self.clock() + self.negative_seconds
        return None

    def register_unplaced(self, device_id: str) -> Device:
        """Register a device nobody placed yet (ingest's `register` policy), and cache it."""
        if self.conn is None or self.conn.closed:
            self.conn = self.connect()
        devices.register_unplaced(self.conn, [device_id])
        self.unknown_until.pop(device_id, None)
        # Read back rather than assume: someone may have registered it, placed, meanwhile.
        return self.get(device_id) or Device(device_id, "unknown", *[None] * 7)

    def _remember(self, device: Device, aliases: list) -> None:
        self.known[device.device_id] = device
        for alias in aliases:
            if isinstance(alias, str) and alias:
                self.known.setdefault(alias, device)  # an id wins over another's alias

    def _read(self, where: str, params: tuple) -> list[tuple[Device, list]]:
        try:
            if self.conn is None or self.conn.closed:
                self.conn = self.connect()
            with self.conn.cursor() as cur:
                cur.execute(SELECT + where, params)
                rows = cur.fetchall()
            self.conn.rollback()
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            self.conn = None
            raise
        return [(Device(*row[:9]), row[9]) for row in rows]
