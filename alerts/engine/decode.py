"""Kafka records -> evaluator events, with ingest's own decoders and checks.

A message ingest would dead-letter is skipped here (ingest reports it); a reading of an
unregistered device is skipped too, since a rule cannot know its kind or grid.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from alerts.engine.placements import DevicePlaces
from alerts.rules.evaluate import Areas, IncidentEvent, ReadingEvent
from devices.profiles import default_set
from ingest import formats
from ingest.pipeline import IncidentSteps
from ingest.validate import TimeWindow, check_readings


class Skipped(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Decoder:
    def __init__(self, places: DevicePlaces, incident_steps: IncidentSteps,
                 window: TimeWindow, clock: Callable[[], datetime], profiles=None) -> None:
        self.places = places
        self.profiles = profiles if profiles is not None else default_set()  # has current()
        self.incident_steps = incident_steps
        self.window = window
        self.clock = clock

    def readings(self, headers, value: bytes | None) -> list[ReadingEvent]:
        """Raises ingest's BadMessage for a broken message."""
        profiles = self.profiles.current()
        readings = formats.decode_readings(headers, value, profiles, self.places)
        check_readings(readings, self.window, self.clock(), profiles.metrics)
        found = []
        for ts, device_id, metric, reading in readings:
            place = self.places.get(device_id)
            if place is None:
                raise Skipped("unknown_device")
            found.append(ReadingEvent(ts.timestamp(), device_id, metric, reading, place.kind,
                                      place.areas, place.device_type, place.lon, place.lat))
        return found

    def incidents(self, headers, value: bytes | None) -> list[IncidentEvent]:
        """New reports only: a follow-up about a closed case (the caller's rating re-sends
        the incident) is not another complaint, and counting it would invent clusters."""
        incidents = self.incident_steps(headers, value)
        new = [i for i in incidents if not is_follow_up(i.payload)]
        if incidents and not new:
            raise Skipped("follow_up")
        return [IncidentEvent(i.reported_at.timestamp(), i.source, i.source_id, i.category,
                              i.subcategory, _areas(i), i.lon, i.lat) for i in new]


def is_follow_up(payload: dict) -> bool:
    return "satisfaction" in payload or payload.get("status") == "closed"


def _areas(incident) -> Areas:
    return Areas(incident.grid_code, incident.community_code, incident.street_code,
                 incident.district_code)


def utc_now() -> datetime:
    return datetime.now(UTC)
