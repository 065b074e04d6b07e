"""Parsing pieces every decoder shares: JSON bodies, timestamps, numbers, identifiers."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from devices.profile import ProfileSet
from devices.profiles import default_set
from ingest.errors import BadMessage

DEVICE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
METRIC_NAME = re.compile(r"[a-z][a-z0-9_.]{0,63}")
MAX_BYTES = 256 * 1024


class Context(NamedTuple):
    """What a decoder may need besides the body: the profiles in force (metric names,
    aliases, units), the record's headers (e.g. the `device` an MQTT topic named), and the
    device registry's lookup by id or alias (store/device_registry.py: a `Device` with the
    canonical id and the kind, or None), cached in memory."""

    profiles: ProfileSet
    headers: Sequence[tuple[str, bytes | None]] | None = None
    devices: Any = None  # DeviceRegistry-like: device(name), first(names), canonical(name)

    def header(self, name: str) -> str | None:
        for key, value in self.headers or ():
            if key == name:
                return value.decode("utf-8", "replace") if value is not None else None
        return None

    def device(self, name: str) -> Any:
        """The registered device `name` is the id or an alias of, or None."""
        return self.devices.device(name) if self.devices is not None else None

    def first_device(self, names: Sequence[str]) -> tuple[str, Any] | None:
        """(name, device) of the first of `names` that is a registered device's id or
        alias, or None."""
        return self.devices.first(names) if self.devices is not None else None


def default_context() -> Context:
    return Context(default_set())


def json_body(value: bytes | None) -> object:
    if value is None or not value.strip():
        raise BadMessage("empty", "message has no value")
    if len(value) > MAX_BYTES:
        raise BadMessage("oversized", f"{len(value)} bytes > {MAX_BYTES}")
    try:
        return orjson.loads(value)  # strict (no NaN), validates UTF-8, ~4x the stdlib's speed
    except orjson.JSONDecodeError:
        pass
    # Refused: ask the standard library, whose errors say why in words people can act on.
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadMessage("invalid_utf8", str(exc)) from None
    try:
        return _EXPLAINER.decode(text)
    except json.JSONDecodeError as exc:
        raise BadMessage("malformed_json", str(exc)) from None
    except ValueError as exc:  # an integer of more digits than int() will read (4,300)
        raise BadMessage("bad_value", str(exc)[:120]) from None
    except RecursionError:
        raise BadMessage("malformed_json", "nested too deeply") from None


def _no_constants(name: str) -> float:
    # NaN and Infinity are not JSON; Python accepts them unless told otherwise.
    raise BadMessage("bad_value", f"{name} is not a number")


_EXPLAINER = json.JSONDecoder(parse_constant=_no_constants)


def timestamp(raw: object, field: str = "ts") -> datetime:
    """ISO 8601 with a zone, or seconds since the epoch."""
    if isinstance(raw, bool) or raw is None:
        raise BadMessage("bad_timestamp", f"{field} must be ISO 8601 or epoch seconds, "
                                          f"got {raw!r}")
    try:
        if isinstance(raw, int | float):
            if not math.isfinite(raw):
                raise ValueError("not finite")
            return datetime.fromtimestamp(raw, UTC)
        if isinstance(raw, str):
            ts = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if ts.tzinfo is None:
                raise BadMessage("bad_timestamp", f"{field} has no time zone: {raw[:40]!r}")
            # Python reads offsets up to 23:59:59.999999; PostgreSQL refuses beyond 15:59 or
            # with seconds, and would then refuse the whole batch. UTC it is stored as anyway.
            return ts.astimezone(UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise BadMessage("bad_timestamp", f"unreadable {field} {str(raw)[:40]!r}: {exc}") \
            from None
    raise BadMessage("bad_timestamp", f"{field} must be a string or a number")


def number(raw: object, what: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise BadMessage("bad_value", f"{what} must be a number, got {type(raw).__name__}")
    try:
        value = float(raw)
    except OverflowError:  # an integer beyond any float
        raise BadMessage("bad_value", f"{what} is too large") from None
    if not math.isfinite(value):
        raise BadMessage("bad_value", f"{what} must be finite")
    return value


def device_id(raw: object) -> str:
    if not isinstance(raw, str) or not DEVICE_ID.fullmatch(raw):
        raise BadMessage("bad_device", f"device id must match {DEVICE_ID.pattern}")
    return raw


def metric_name(raw: object) -> str:
    if not isinstance(raw, str) or not METRIC_NAME.fullmatch(raw):
        raise BadMessage("bad_metric", f"metric {str(raw)[:70]!r} must match "
                                       f"{METRIC_NAME.pattern}")
    return raw


def text(raw: object, field: str, limit: int, required: bool = False) -> str | None:
    if raw is None or raw == "":
        if required:
            raise BadMessage("missing_field", f"{field} is required")
        return None
    if not isinstance(raw, str):
        raise BadMessage("wrong_type", f"{field} must be a string")
    if len(raw) > limit:
        raise BadMessage("field_too_long", f"{field} is {len(raw)} characters > {limit}")
    if "\x00" in raw:
        raise BadMessage("bad_text", f"{field} contains a NUL character")
    return raw
