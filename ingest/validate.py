"""Checks that need no database: known metrics in their physical range, sane times, sane
coordinates. Each failure is a BadMessage with a stable reason."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import orjson

from devices.profile import MetricSpec
from ingest.errors import BadMessage
from ingest.records import Incident, Reading


class TimeWindow:
    """Readings older than the retention or further ahead than clock skew are refused."""

    def __init__(self, max_age: timedelta, max_ahead: timedelta = timedelta(minutes=10)) -> None:
        self.max_age = max_age
        self.max_ahead = max_ahead

    def check(self, ts: datetime, now: datetime, field: str = "ts") -> None:
        if ts > now + self.max_ahead:
            raise BadMessage("ts_in_future", f"{field} {ts.isoformat()} is ahead of "
                                             f"{now.isoformat()}")
        if ts < now - self.max_age:
            raise BadMessage("ts_too_old", f"{field} {ts.isoformat()} is older than "
                                           f"{self.max_age.days} days")


def check_readings(readings: Sequence[Reading], window: TimeWindow, now: datetime,
                   metrics: Mapping[str, MetricSpec]) -> None:
    """`metrics`: the profiles' canonical metrics (ProfileSet.metrics)."""
    checked_ts = None
    for ts, _device, name, value in readings:
        metric = metrics.get(name)
        if metric is None:
            raise BadMessage("unknown_metric", f"{name!r} is in no device profile")
        if not metric.low <= value <= metric.high:
            raise BadMessage("out_of_range", f"{name}={value} outside "
                                             f"[{metric.low}, {metric.high}] {metric.unit}")
        if ts is not checked_ts:  # a message's values usually share one instant
            window.check(ts, now)
            checked_ts = ts


def check_incident(incident: Incident, window: TimeWindow, now: datetime) -> None:
    window.check(incident.reported_at, now, "reported_at")
    _check_storable(incident.payload)
    if (incident.lon is None) != (incident.lat is None):
        raise BadMessage("bad_coordinates", "lon and lat come together or not at all")
    if incident.lon is not None and not (-180 <= incident.lon <= 180
                                         and -90 <= incident.lat <= 90):
        raise BadMessage("bad_coordinates", f"({incident.lon}, {incident.lat}) is not on Earth")
    if incident.lon is None and not incident.address:
        raise BadMessage("no_location", "an incident needs coordinates or an address")


# orjson writes NUL as \u0000; an even run of backslashes before it is escaped backslashes.
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _check_storable(payload: dict) -> None:
    """PostgreSQL's text and jsonb refuse NUL and lone UTF-16 surrogates ("\\ud800"), which
    JSON may carry anywhere in the message: refused here, not by the database, where they
    would fail the whole batch and stop the stream."""
    try:
        encoded = orjson.dumps(payload)  # refuses lone surrogates, in keys and values
    except orjson.JSONEncodeError as exc:
        raise BadMessage("bad_text", f"text PostgreSQL cannot store: {exc}") from None
    if b"\\u0000" in encoded and _NUL_ESCAPE.search(encoded):
        raise BadMessage("bad_text", "the message contains a NUL character")
