"""Where each device is and what it is, as the rules see it: kind, type, areas.

Readings carry only a device id. The device registry (store/device_registry.py) caches
the `devices` table in memory for ingest and the engine alike; this adds the engine's
view of an entry and waits for the database rather than failing a lookup.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg2

from alerts.rules.evaluate import Areas
from cityops.settings import ConfigError
from store.device_registry import Device, DeviceRegistry

log = logging.getLogger("cityops.alerts")


@dataclass(frozen=True)
class Place:
    kind: str
    device_type: str | None
    lon: float | None
    lat: float | None
    areas: Areas


class DevicePlaces:
    def __init__(self, connect: Callable, negative_seconds: float = 60,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.registry: DeviceRegistry = self._waiting(
            lambda: DeviceRegistry(connect, negative_seconds, clock))
        self.places: dict[str, Place] = {}  # built once per device, not per reading

    def get(self, device_id: str) -> Place | None:
        place = self.places.get(device_id)
        if place is not None:
            return place
        device = self._waiting(lambda: self.registry.get(device_id))
        if device is None:
            return None
        place = self.places[device_id] = _place(device)
        return place

    # The registry's lookups for the decoders (ingest/formats/common.py Context), waiting
    # for the database like `get`.
    def device(self, name: str) -> Device | None:
        return self._waiting(lambda: self.registry.get(name))

    def first(self, names) -> tuple[str, Device] | None:
        return self._waiting(lambda: self.registry.first(names))

    def canonical(self, name: str) -> str | None:
        return self.registry.canonical(name)

    @staticmethod
    def _waiting(read: Callable):
        """Waits for the database rather than failing: a skipped reading would be lost.
        store.db.connect reports a server that is away as ConfigError (it names the
        setting); once the engine has started, that is an outage like any other."""
        delay = 0.5
        while True:
            try:
                return read()
            except (psycopg2.OperationalError, psycopg2.InterfaceError, ConfigError) as exc:
                log.warning("database unavailable during a device lookup; retrying",
                            extra={"error": str(exc).splitlines()[0]})
                time.sleep(delay)
                delay = min(delay * 2, 15)


def _place(device: Device) -> Place:
    return Place(device.kind, device.device_type, device.lon, device.lat,
                 Areas(device.grid_code, device.community_code, device.street_code,
                       device.district_code))
