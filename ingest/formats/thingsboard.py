"""ThingsBoard telemetry JSON into readings (ThingsBoard's MQTT and HTTP device API and its
gateway API).

- Device telemetry, whose device is the connection's (the MQTT bridge puts the topic's
  device in the `device` header): `{"temperature": 42}`, `[{...}, {...}]`, or with the
  device's own time `{"ts": 1451649600512, "values": {...}}` (milliseconds), or a list of
  those. Format header: `thingsboard`.
- Gateway telemetry (topic v1/gateway/telemetry): `{"Device A": [{"ts": ..., "values":
  {...}}, ...], ...}`, keyed by device names: a registered id or alias. Format header:
  `thingsboard-gateway`.

Keys no profile knows, and text that is no state of a known metric, are skipped (telemetry
carries housekeeping such as rssi); a message with no known key at all is refused
(`unknown_metric`). Without `ts` the server's time is used, as ThingsBoard does.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from ingest.errors import BadMessage
from ingest.formats import naming
from ingest.formats.common import Context, default_context, json_body, number
from ingest.records import Reading

MAX_ENTRIES = 1000


def _entries(doc: Any) -> list[tuple[float | None, dict]]:
    """(time in ms or None, key -> value) of each entry."""
    items = doc if isinstance(doc, list) else [doc]
    if not items or len(items) > MAX_ENTRIES:
        raise BadMessage("wrong_type", "telemetry is an object or 1 to 1000 of them")
    found = []
    for item in items:
        if not isinstance(item, dict):
            raise BadMessage("wrong_type", "each telemetry entry is a JSON object")
        if "ts" in item and isinstance(item.get("values"), dict):
            found.append((number(item["ts"], "ts"), item["values"]))
        else:
            found.append((None, item))
    return found


def _readings(ctx: Context, name: str, doc: Any, now: float) -> list[Reading]:
    device, kind = naming.device_of(ctx, name)
    found, unknown = [], []
    for ms, values in _entries(doc):
        try:
            at = datetime.fromtimestamp((ms / 1000) if ms is not None else now, UTC)
        except (OverflowError, OSError, ValueError):
            raise BadMessage("bad_timestamp", f"ts {ms} is out of range") from None
        for key, value in values.items():
            if not naming.known(ctx, key, kind) or isinstance(value, dict | list) or (
                    isinstance(value, str) and not naming.states(ctx, key, kind)):
                unknown.append(key)
                continue
            found.append(naming.reading(ctx, at, device, kind, key, value,
                                        origin="thingsboard"))
    if not found:
        had = ", ".join(sorted(set(unknown))[:8])
        raise BadMessage("unknown_metric", f"no telemetry key of {name[:40]!r} is in a device "
                                           f"profile (it had {had})")
    return found


def decode_device(value: bytes | None, ctx: Context | None = None,
                  now: float | None = None) -> list[Reading]:
    ctx = ctx or default_context()
    name = ctx.header("device")
    if not name:
        raise BadMessage("missing_device", "ThingsBoard device telemetry names its device in "
                                           "the `device` header (the MQTT topic's)")
    return _readings(ctx, name, json_body(value), time.time() if now is None else now)


def decode_gateway(value: bytes | None, ctx: Context | None = None,
                   now: float | None = None) -> list[Reading]:
    ctx = ctx or default_context()
    doc = json_body(value)
    if not isinstance(doc, dict) or not doc:
        raise BadMessage("wrong_type", "gateway telemetry is an object keyed by device name")
    now = time.time() if now is None else now
    found = []
    for name, entries in doc.items():
        found += _readings(ctx, name, entries, now)
    return found
