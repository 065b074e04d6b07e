"""What every input must come to: valid records, or a dead-letter reason documented in
docs/formats.md. Anything else (another exception, `internal_error`, a record the
validator should have refused or the database could not store) is a crash."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from pathlib import Path

import orjson

from devices.profiles import default_set
from ingest.formats.common import DEVICE_ID
from ingest.formats.native import SOURCES
from ingest.records import Incident, Reading
from ingest.validate import TimeWindow

METRICS = default_set().metrics

FORMATS_DOC = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


def documented_reasons() -> frozenset[str]:
    """The reasons of the dead-letter table in docs/formats.md, less `internal_error`."""
    text = FORMATS_DOC.read_text(encoding="utf-8").split("## The dead-letter topic", 1)[1]
    reasons = set()
    for line in text.splitlines():
        if line.startswith("| `"):
            reasons.update(re.findall(r"`([a-z_0-9]+)`", line.split("|")[1]))
    return frozenset(reasons - {"internal_error"})


class Invalid(AssertionError):
    """A record came out that the validator promises never to let through."""


def _require(ok: bool, what: str) -> None:
    if not ok:
        raise Invalid(what)


def _storable_time(ts: object, window: TimeWindow, now: datetime) -> None:
    _require(isinstance(ts, datetime) and ts.tzinfo is not None, f"time {ts!r} has no zone")
    offset = ts.utcoffset()
    # PostgreSQL reads offsets of whole minutes up to 15:59.
    _require(abs(offset) < timedelta(hours=16) and offset.seconds % 60 == 0
             and not offset.microseconds, f"offset {offset} PostgreSQL cannot read")
    _require(now - window.max_age <= ts <= now + window.max_ahead, f"time {ts} outside window")


def check_readings(rows: list, window: TimeWindow, now: datetime) -> None:
    _require(bool(rows), "no readings and no dead letter")
    for row in rows:
        _require(type(row) is Reading, f"{type(row).__name__} is not a Reading")
        _storable_time(row.ts, window, now)
        _require(isinstance(row.device_id, str) and bool(DEVICE_ID.fullmatch(row.device_id)),
                 f"device {row.device_id!r}")
        metric = METRICS.get(row.metric)
        _require(metric is not None, f"metric {row.metric!r} not in the catalogue")
        _require(type(row.value) is float and math.isfinite(row.value)
                 and metric.low <= row.value <= metric.high, f"value {row.value!r}")


_TEXT_LIMITS = {"source_id": 128, "category": 64, "subcategory": 64, "description": 4000,
                "media_url": 1000,
                "address": 500, "reporter_name": 100, "reporter_phone": 32}


def _storable_text(value: object, name: str, limit: int) -> None:
    if value is None:
        return
    _require(isinstance(value, str) and 0 < len(value) <= limit, f"{name} {value!r:.60}")
    _require("\x00" not in value, f"{name} has NUL")
    value.encode("utf-8")  # raises on lone surrogates: PostgreSQL could not store them


def check_incidents(rows: list, window: TimeWindow, now: datetime) -> None:
    # One incident a message, or a GeoReport response's array of them (ingest/formats/open311.py)
    _require(1 <= len(rows) <= 100, f"{len(rows)} incidents from one message")
    for incident in rows:
        _check_incident(incident, window, now)


def _check_incident(incident: object, window: TimeWindow, now: datetime) -> None:
    _require(type(incident) is Incident, f"{type(incident).__name__} is not an Incident")
    _require(incident.source in SOURCES, f"source {incident.source!r}")
    _require(bool(incident.source_id), "no source_id")
    for name, limit in _TEXT_LIMITS.items():
        _storable_text(getattr(incident, name), name, limit)
    _storable_time(incident.reported_at, window, now)
    lon, lat = incident.lon, incident.lat
    _require((lon is None) == (lat is None), "one coordinate without the other")
    if lon is None:
        _require(bool(incident.address), "neither coordinates nor address")
    else:
        _require(type(lon) is float and type(lat) is float and -180 <= lon <= 180
                 and -90 <= lat <= 90, f"({lon}, {lat}) not on Earth")
    _require(isinstance(incident.payload, dict), "payload is not an object")
    encoded = orjson.dumps(incident.payload)  # raises on lone surrogates, like jsonb would
    _require(re.search(rb"(?<!\\)(?:\\\\)*\\u0000", encoded) is None, "payload has NUL")
