"""Enrichment that needs the store: is the device registered, where is the incident."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import psycopg2
import psycopg2.extensions

from cityops.settings import ConfigError
from ingest.errors import BadMessage
from ingest.records import Incident, Reading
from store.device_registry import DeviceRegistry

log = logging.getLogger(__name__)


class DeviceCheck:
    """Readings from devices nobody registered: dead-letter them, or register them unplaced.

    Asks the device registry (store/device_registry.py), which caches it in memory and
    remembers a negative answer for `negative_seconds`, so a chatty stranger cannot flood
    the store.
    """

    def __init__(self, connect: Callable[[], psycopg2.extensions.connection], policy: str,
                 negative_seconds: float = 30) -> None:
        self.policy = policy
        self.registry = DeviceRegistry(connect, negative_seconds)

    def check(self, readings: Sequence[Reading]) -> None:
        device = readings[0].device_id  # one message carries one device (SenML: check all)
        for r in readings:
            if r.device_id != device:
                device = None
                break
        for device_id in ({device} if device else {r.device_id for r in readings}):
            if device_id not in self.registry:
                self._resolve(device_id)

    def _resolve(self, device_id: str) -> None:
        try:
            if self.registry.get(device_id) is not None:
                return
            if self.policy == "register":
                self.registry.register_unplaced(device_id)
                log.info("unknown device registered as unplaced", extra={"device": device_id})
                return
        except (psycopg2.OperationalError, psycopg2.InterfaceError, ConfigError) as exc:
            self.registry.conn = None
            # The consumer retries the record; the database may be back by then.
            raise psycopg2.OperationalError(str(exc)) from exc
        raise BadMessage("unknown_device", f"{device_id} is not registered")


class IncidentPlacer:
    """Places incidents in grid → community → street → district, by point or by address."""

    def __init__(self, assigner, address_book) -> None:
        self.assigner = assigner          # geo.assignment.Assigner, or None: no geography yet
        self.address_book = address_book  # geo.addresses.AddressBook, or None

    def place(self, incident: Incident) -> None:
        if self.assigner is None:
            return  # no geography loaded: stored unplaced rather than refused
        if incident.lon is not None:
            codes = self.assigner.assign([incident.lon], [incident.lat]).iloc[0]
            if not isinstance(codes["district_code"], str):
                raise BadMessage("outside_city", f"({incident.lon}, {incident.lat}) is in no "
                                                 "district of this city")
            for column in ("grid_code", "community_code", "street_code", "district_code"):
                value = codes[column]
                setattr(incident, column, value if isinstance(value, str) else None)
            return
        found = self.address_book.place(incident.address) if self.address_book else None
        if found is None:
            raise BadMessage("unplaceable_address", f"address {incident.address[:60]!r} names "
                                                    "no known street or community")
        incident.district_code = found.district_code
        incident.street_code = found.street_code
        incident.community_code = found.community_code
        incident.lon, incident.lat = found.lon, found.lat
        incident.location_approx = True


def load_placer(conn: psycopg2.extensions.connection) -> IncidentPlacer:
    """Build the placer from the areas in the store (empty store: incidents stay unplaced)."""
    from geo.addresses import AddressBook
    from geo.assignment import Assigner
    from geo.store import read_areas
    areas = read_areas(conn)
    conn.rollback()
    if not len(areas):
        log.warning("no geography loaded: incidents are stored without grid placement")
        return IncidentPlacer(None, None)
    return IncidentPlacer(Assigner.from_areas(areas), AddressBook(areas))
