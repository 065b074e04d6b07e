"""SenML (RFC 8428) JSON packs into readings.

Base fields (bn, bt, bu, bv, bver) apply to the records that follow until redefined. The
resolved name bn + n is matched against the device registry by its longest prefix that is
a registered device id or alias, ending where the name ends or at a separator (`:` `/`
`.`); the rest is the metric, resolved through the profiles with the record's unit (u, or
bu). A resolved name that is the device itself (RFC 8428 §5.1.1: a single sensor) takes
the metric from the unit: the kind's one metric in exactly that unit, or else the one whose
unit converts. Records whose unit is `lon` or `lat` are the device's position, not readings,
and are skipped. A resolved time below 2**28 is relative to now (§4.5.3). Boolean values
(vb) become 0 or 1; string, data and sum-only records are refused, as are must-understand
fields (names ending in `_`, §4.4).

With no registered prefix (a stranger, for ingest's `register` policy) the name is split at
its last separator: `<device>:<metric>`.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from devices.units import UnitError, conversion
from ingest.errors import BadMessage
from ingest.formats import naming
from ingest.formats.common import Context, default_context, device_id, json_body, number
from ingest.records import Reading

RELATIVE_LIMIT = 2 ** 28
MAX_RECORDS = 1000
BASE_FIELDS = ("bn", "bt", "bu", "bv", "bs", "bver")
KNOWN_FIELDS = {*BASE_FIELDS, "n", "u", "v", "vs", "vb", "vd", "s", "t", "ut"}
SEPARATORS = ":/."
POSITION_UNITS = frozenset({"lon", "lat"})


def _candidates(name: str) -> list[tuple[str, str]]:
    """(device, rest) splits of a resolved name, longest device first."""
    cuts = [len(name)] + [i for i in range(len(name) - 1, 0, -1) if name[i] in SEPARATORS]
    return [(name[:i], name[i + 1:]) for i in cuts]


def _split(ctx: Context, name: str) -> tuple[str, str | None, str]:
    """(device id, its kind, metric name); metric '' when the name is the device."""
    candidates = [(device, rest) for device, rest in _candidates(name) if device]
    found = ctx.first_device([device for device, _ in candidates])
    if found is not None:
        name_used, device = found
        rest = next(r for d, r in candidates if d == name_used)
        return device.device_id, device.kind, rest
    cut = max(name.rfind(":"), name.rfind("/"))
    if cut <= 0 or cut == len(name) - 1:
        raise BadMessage("bad_name", f"SenML name {name[:80]!r} names no registered device "
                                     "and is not <device>:<metric>")
    return device_id(name[:cut]), None, name[cut + 1:]


def _metric_by_unit(ctx: Context, kind: str | None, unit: str | None, name: str) -> str:
    profile = ctx.profiles.profile(kind) if kind else None
    if profile is None or not unit:
        raise BadMessage("bad_name", f"SenML name {name[:80]!r} is a device; its metric needs "
                                     "a unit and a device whose kind has a profile")
    exact = [m.name for m in profile.metrics if m.unit == unit]
    if len(exact) == 1:
        return exact[0]
    fits = []
    for m in profile.metrics:
        try:
            conversion(unit, m.unit)
            fits.append(m.name)
        except UnitError:
            continue
    if len(fits) != 1:
        raise BadMessage("unknown_metric", f"{kind} has {len(fits)} metrics in {unit!r}; "
                                           "name the metric")
    return fits[0]


def _value(record: dict, base_value: float) -> float | bool:
    if "v" in record:
        return base_value + number(record["v"], "v")
    if "vb" in record:
        if not isinstance(record["vb"], bool):
            raise BadMessage("bad_value", "vb must be true or false")
        return record["vb"]
    if "vs" in record or "vd" in record:
        raise BadMessage("unsupported_value", "string and data values are not readings")
    if "s" in record:
        raise BadMessage("unsupported_value", "sum-only records are not readings")
    if base_value:
        return base_value
    raise BadMessage("missing_values", "SenML record has no value")


def _time(base: dict, record: dict, now: float) -> datetime:
    t = base["bt"] + (number(record["t"], "t") if "t" in record else 0.0)
    if t < RELATIVE_LIMIT:
        t += now
    try:
        return datetime.fromtimestamp(t, UTC)
    except (OverflowError, OSError, ValueError):
        raise BadMessage("bad_timestamp", f"time {t} is out of range") from None


def _base(base: dict, record: dict) -> None:
    unknown = set(record) - KNOWN_FIELDS
    mandatory = [f for f in unknown if f.endswith("_")]  # RFC 8428 §4.4: must understand
    if mandatory:
        raise BadMessage("unsupported_field", f"must-understand fields {sorted(mandatory)}")
    if "bn" in record:
        if not isinstance(record["bn"], str):
            raise BadMessage("bad_name", "bn must be a string")
        base["bn"] = record["bn"]
    for field in ("bt", "bv"):
        if field in record:
            base[field] = number(record[field], field)
    if "bu" in record:
        if not isinstance(record["bu"], str):
            raise BadMessage("bad_unit", "bu must be a string")
        base["bu"] = record["bu"]


def decode(value: bytes | None, ctx: Context | None = None,
           now: float | None = None) -> list[Reading]:
    ctx = ctx or default_context()
    pack = json_body(value)
    if not isinstance(pack, list) or not pack:
        raise BadMessage("wrong_type", "a SenML pack is a non-empty JSON array")
    if len(pack) > MAX_RECORDS:
        raise BadMessage("oversized", f"{len(pack)} records > {MAX_RECORDS}")
    now = time.time() if now is None else now
    base: dict = {"bn": "", "bt": 0.0, "bv": 0.0, "bu": None}
    readings = []
    for record in pack:
        if not isinstance(record, dict):
            raise BadMessage("wrong_type", "each SenML record is a JSON object")
        _base(base, record)
        name = record.get("n", "")
        unit = record.get("u", base["bu"])
        if not isinstance(name, str) or not isinstance(unit, str | None):
            raise BadMessage("bad_name", "n and u must be strings")
        if not record.keys() - BASE_FIELDS:
            continue  # base fields alone (§5.1.7's first record): nothing to read
        if unit in POSITION_UNITS:
            continue  # where the device is, not what it measured
        device, kind, metric = _split(ctx, base["bn"] + name)
        metric = metric or _metric_by_unit(ctx, kind, unit, base["bn"] + name)
        readings.append(naming.reading(ctx, _time(base, record, now), device, kind, metric,
                                       _value(record, base["bv"]), unit, "senml"))
    if not readings:
        raise BadMessage("missing_values", "the SenML pack holds no reading")
    return readings
