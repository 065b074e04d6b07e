"""Checks that need no database: known metrics in their physical range, sane times, sane
coordinates. Each failure is a BadMessage with a stable reason."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from cityops.metric_catalogue import METRICS
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


def check_readings(readings: Sequence[Reading], window: TimeWindow, now: datetime) -> None:
    checked_ts = None
    for ts, _device, name, value in readings:
        metric = METRICS.get(name)
        if metric is None:
            raise BadMessage("unknown_metric", f"{name!r} is not in the metric catalogue")
        if not metric.low <= value <= metric.high:
            raise BadMessage("out_of_range", f"{name}={value} outside "
                                             f"[{metric.low}, {metric.high}] {metric.unit}")
        if ts is not checked_ts:  # a message's values usually share one instant
            window.check(ts, now)
            checked_ts = ts


def check_incident(incident: Incident, window: TimeWindow, now: datetime) -> None:
    window.check(incident.reported_at, now, "reported_at")
    if (incident.lon is None) != (incident.lat is None):
        raise BadMessage("bad_coordinates", "lon and lat come together or not at all")
    if incident.lon is not None and not (-180 <= incident.lon <= 180
                                         and -90 <= incident.lat <= 90):
        raise BadMessage("bad_coordinates", f"({incident.lon}, {incident.lat}) is not on Earth")
    if incident.lon is None and not incident.address:
        raise BadMessage("no_location", "an incident needs coordinates or an address")
