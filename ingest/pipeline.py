"""The processing steps of each stream, as plain callables: record -> rows to store.

decode (by format) -> validate (no database) -> enrich (registry, geography). Any step
may raise BadMessage; the consumer loop then dead-letters the record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

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
    def __init__(self, window: TimeWindow, devices: DeviceCheck, clock: Clock = _now) -> None:
        self.window = window
        self.devices = devices
        self.clock = clock

    def __call__(self, headers, value: bytes | None) -> list[Reading]:
        decode = formats.reading_decoder(headers, value)
        readings = decode(value)
        check_readings(readings, self.window, self.clock())
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
            incidents = decode(value)
        now = self.clock()
        for incident in incidents:
            check_incident(incident, self.window, now)
            self.placer.place(incident)
        return incidents
