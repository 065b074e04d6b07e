"""Native JSON readings into internal `Reading` records, with a reason for everything refused.

Native format (docs/formats.md):
    {"device": "SL-000123", "ts": "2026-11-25T06:00:00Z", "values": {"current_a": 0.42}}
`ts` may also be seconds since the epoch. One message carries one device at one instant.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta

from store.readings import Reading

DEVICE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
METRIC = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
MAX_BYTES = 64 * 1024


class BadMessage(Exception):
    """A message that cannot be stored; `reason` is a short stable code counted in /metrics."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _timestamp(raw: object, now: datetime, max_age: timedelta, max_ahead: timedelta) -> datetime:
    if isinstance(raw, bool) or raw is None:
        raise BadMessage("bad_timestamp", f"ts must be ISO 8601 or epoch seconds, got {raw!r}")
    try:
        if isinstance(raw, int | float):
            ts = datetime.fromtimestamp(raw, UTC)
        elif isinstance(raw, str):
            ts = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        else:
            raise ValueError(type(raw).__name__)
    except (ValueError, OverflowError, OSError) as exc:
        raise BadMessage("bad_timestamp", f"unreadable ts {raw!r}: {exc}") from None
    if ts.tzinfo is None:
        raise BadMessage("bad_timestamp", "ts has no time zone")
    if ts > now + max_ahead:
        raise BadMessage("ts_in_future", f"ts {ts.isoformat()} is ahead of {now.isoformat()}")
    if ts < now - max_age:
        raise BadMessage("ts_too_old", f"ts {ts.isoformat()} is older than the retention")
    return ts


def decode_native(value: bytes | None, now: datetime, max_age: timedelta,
                  max_ahead: timedelta = timedelta(minutes=10)) -> list[Reading]:
    if value is None:
        raise BadMessage("empty", "message has no value")
    if len(value) > MAX_BYTES:
        raise BadMessage("oversized", f"{len(value)} bytes > {MAX_BYTES}")
    try:
        doc = json.loads(value.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadMessage("invalid_utf8", str(exc)) from None
    except json.JSONDecodeError as exc:
        raise BadMessage("malformed_json", str(exc)) from None
    if not isinstance(doc, dict):
        raise BadMessage("wrong_type", "a reading message is a JSON object")
    device = doc.get("device")
    if not isinstance(device, str) or not DEVICE_ID.match(device):
        raise BadMessage("bad_device", f"device must match {DEVICE_ID.pattern}")
    ts = _timestamp(doc.get("ts"), now, max_age, max_ahead)
    values = doc.get("values")
    if not isinstance(values, dict) or not values:
        raise BadMessage("missing_values", "values must be a non-empty object")
    readings = []
    for metric, raw in values.items():
        if not METRIC.match(metric):
            raise BadMessage("bad_metric", f"metric {metric[:70]!r} must match {METRIC.pattern}")
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise BadMessage("bad_value", f"{metric} must be a finite number, got {raw!r}")
        readings.append(Reading(ts, device, metric, float(raw)))
    return readings
