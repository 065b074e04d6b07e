"""Names other platforms give devices and metrics, turned into ours: one place for every
decoder that is not CityOps's own format.

- a device is found by its registered id or one of its aliases (the registry's lookup);
- a metric by its canonical name or an alias of the profiles, the device's kind first;
- a value is converted from the unit it came in to the metric's (Pint, through profiles);
- a text value maps to a number only where the metric's alias lists it (powerState: on).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from devices.profile import ProfileError
from ingest.errors import BadMessage
from ingest.formats.common import Context, device_id
from ingest.records import Reading


def device_of(ctx: Context, name: str) -> tuple[str, str | None]:
    """(canonical device id, its kind or None) of a name an outside platform used."""
    found = ctx.device(name)
    if found is not None:
        return found.device_id, found.kind
    return device_id(name), None  # not registered: ingest's policy decides what happens


def reading(ctx: Context, ts: datetime, device: str, kind: str | None, name: str,
            value: Any, unit: str | None = None, origin: str | None = None) -> Reading:
    """One reading of `name` = `value` (in `unit`, or the name's usual unit from the
    alias of this `origin`: senml, sdm, thingsboard); raises BadMessage with the
    profile's reason (unknown_metric, bad_unit, ...)."""
    try:
        resolved = ctx.profiles.resolve(name, unit, kind, origin)
    except ProfileError as exc:
        raise BadMessage(exc.reason, str(exc)) from None
    if isinstance(value, bool):
        number = float(value)
    elif isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and resolved.values and value in resolved.values:
        number = float(resolved.values[value])
    else:
        raise BadMessage("unsupported_value", f"{name}: {str(value)[:40]!r} is not a number")
    return Reading(ts, device, resolved.metric, resolved.convert(number))


def known(ctx: Context, name: str, kind: str | None) -> bool:
    """Whether a profile accounts for `name` (entity formats skip what none does)."""
    try:
        ctx.profiles.resolve(name, None, kind)
    except ProfileError as exc:
        return exc.reason == "bad_unit"
    return True


def states(ctx: Context, name: str, kind: str | None) -> bool:
    """Whether `name` has text states (powerState: on / off) to read text values by."""
    try:
        return bool(ctx.profiles.resolve(name, None, kind).values)
    except ProfileError:
        return False
