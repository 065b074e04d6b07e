"""CityOps's own JSON (docs/formats.md): one device at one instant, or one incident."""

from __future__ import annotations

from functools import partial

from ingest.errors import BadMessage
from ingest.formats.common import (
    Context,
    default_context,
    device_id,
    json_body,
    metric_name,
    number,
    text,
    timestamp,
)
from ingest.records import Incident, Reading

SOURCES = ("hotline", "patrol", "sensor", "other")
# Reading's own constructor is a Python function; tuple's is C. Ingest makes millions.
_reading = partial(tuple.__new__, Reading)


def decode_readings(value: bytes | None, ctx: Context | None = None) -> list[Reading]:
    """{"device": "SL-1", "ts": "2026-11-25T06:00:00Z", "values": {"current_a": 0.42}}

    Names are the profiles' canonical metric names; validation refuses any other."""
    metrics = (ctx or default_context()).profiles.metrics
    doc = json_body(value)
    if not isinstance(doc, dict):
        raise BadMessage("wrong_type", "a reading message is a JSON object")
    device = device_id(doc.get("device"))
    ts = timestamp(doc.get("ts"))
    values = doc.get("values")
    if not isinstance(values, dict) or not values:
        raise BadMessage("missing_values", "values must be a non-empty object")
    return [_reading((ts, device, m if m in metrics else metric_name(m), _value(v, m)))
            for m, v in values.items()]


def _value(raw: object, metric: str) -> float:
    # The common case first: a plain float (bool is an int, never a float).
    if type(raw) is float and raw - raw == 0.0:  # finite: inf - inf and nan - nan are nan
        return raw
    return number(raw, metric)


def decode_incident(value: bytes | None, ctx: Context | None = None) -> list[Incident]:
    """{"source": "hotline", "source_id": "...", "reported_at": "...", "category": ...}"""
    doc = json_body(value)
    if not isinstance(doc, dict):
        raise BadMessage("wrong_type", "an incident message is a JSON object")
    source = doc.get("source")
    if source not in SOURCES:
        raise BadMessage("bad_source", f"source must be one of {', '.join(SOURCES)}")
    reporter = doc.get("reporter") or {}
    if not isinstance(reporter, dict):
        raise BadMessage("wrong_type", "reporter must be an object")
    lon, lat = doc.get("lon"), doc.get("lat")
    return [Incident(
        source=source,
        source_id=text(doc.get("source_id"), "source_id", 128, required=True),
        reported_at=timestamp(doc.get("reported_at"), "reported_at"),
        category=text(doc.get("category"), "category", 64),
        subcategory=text(doc.get("subcategory"), "subcategory", 64),
        description=text(doc.get("description"), "description", 4000),
        lon=None if lon is None else number(lon, "lon"),
        lat=None if lat is None else number(lat, "lat"),
        address=text(doc.get("address"), "address", 500),
        reporter_name=text(reporter.get("name"), "reporter.name", 100),
        reporter_phone=text(reporter.get("phone"), "reporter.phone", 32),
        payload=doc,
    )]
