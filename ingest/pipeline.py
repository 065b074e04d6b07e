"""The processing steps of each stream, as plain callables: record -> rows to store.

decode (by format) -> validate (no database) -> enrich (registry, geography). Any step
may raise BadMessage; the consumer loop then dead-letters the record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from devices.profile import ProfileSet
from devices.profiles import default_set
from ingest import formats
from ingest.enrich import DeviceCheck, IncidentPlacer
from ingest.errors import BadMessage
from ingest.formats.native import SOURCES
from ingest.records import Incident, Reading
from ingest.validate import TimeWindow, check_incident, check_readings

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


class ReadingSteps:
    """`profiles`: a ProfileSource (devices/source.py), or a fixed ProfileSet; anything
    with `current()`. Without one, the packaged profiles."""

    def __init__(self, window: TimeWindow, devices: DeviceCheck, clock: Clock = _now,
                 profiles=None) -> None:
        self.window = window
        self.devices = devices
        self.clock = clock
        self.profiles = profiles if profiles is not None else default_set()

    def __call__(self, headers, value: bytes | None) -> list[Reading]:
        profiles: ProfileSet = self.profiles.current()
        readings = formats.decode_readings(headers, value, profiles, self.devices.registry)
        check_readings(readings, self.window, self.clock(), profiles.metrics)
        self.devices.check(readings)
        return readings


class IncidentSteps:
    def __init__(self, window: TimeWindow, placer: IncidentPlacer, clock: Clock = _now) -> None:
        self.window = window
        self.placer = placer
        self.clock = clock

    def __call__(self, headers, value: bytes | None) -> list[Incident]:
        decode = formats.incident_decoder(headers, value)
        if decode is formats.open311.decode:
            source = formats.header(headers, "source") or "hotline"
            if source not in SOURCES:
                raise BadMessage("bad_source", f"source header must be one of {SOURCES}")
            incidents = decode(value, source=source)
        else:
            incidents = decode(value)  # incident formats need no profiles
        now = self.clock()
        for incident in incidents:
            check_incident(incident, self.window, now)
            self.placer.place(incident)
        return incidents
