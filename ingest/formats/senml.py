"""SenML (RFC 8428) JSON packs into readings.

Base fields (bn, bt, bu, bv) apply to the records that follow until redefined. The
resolved name is "<device>:<metric>" or "<device>/<metric>" (split at the last
separator), so `bn` is usually the device followed by ":". A resolved time below 2**28
is relative to now (RFC 8428 §4.5.3). Boolean values (vb) become 0 or 1; string and data
values have no place in a numeric series and are refused.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from ingest.errors import BadMessage
from ingest.formats.common import Context, device_id, json_body, metric_name, number
from ingest.records import Reading

RELATIVE_LIMIT = 2 ** 28
MAX_RECORDS = 1000
BASE_FIELDS = ("bn", "bt", "bu", "bv", "bs", "bver")
KNOWN_FIELDS = {*BASE_FIELDS, "n", "u", "v", "vs", "vb", "vd", "s", "t", "ut"}


def _split_name(name: str) -> tuple[str, str]:
    cut = max(name.rfind(":"), name.rfind("/"))
    if cut <= 0 or cut == len(name) - 1:
        raise BadMessage("bad_name", f"SenML name {name[:80]!r} is not <device>:<metric>")
    return device_id(name[:cut]), metric_name(name[cut + 1:])


def _value(record: dict, base_value: float) -> float:
    if "v" in record:
        return base_value + number(record["v"], "v")
    if "vb" in record:
        if not isinstance(record["vb"], bool):
            raise BadMessage("bad_value", "vb must be true or false")
        return float(record["vb"])
    if "vs" in record or "vd" in record:
        raise BadMessage("unsupported_value", "string and data values are not readings")
    if "s" in record:
        raise BadMessage("unsupported_value", "sum-only records are not readings")
    if base_value:
        return base_value
    raise BadMessage("missing_values", "SenML record has no value")


def decode(value: bytes | None, ctx: Context | None = None,
           now: float | None = None) -> list[Reading]:
    pack = json_body(value)
    if not isinstance(pack, list) or not pack:
        raise BadMessage("wrong_type", "a SenML pack is a non-empty JSON array")
    if len(pack) > MAX_RECORDS:
        raise BadMessage("oversized", f"{len(pack)} records > {MAX_RECORDS}")
    now = time.time() if now is None else now
    base = {"bn": "", "bt": 0.0, "bv": 0.0}
    readings = []
    for record in pack:
        if not isinstance(record, dict):
            raise BadMessage("wrong_type", "each SenML record is a JSON object")
        unknown = set(record) - KNOWN_FIELDS
        mandatory = [f for f in unknown if f.endswith("_")]  # RFC 8428 §4.4: must understand
        if mandatory:
            raise BadMessage("unsupported_field", f"must-understand fields {sorted(mandatory)}")
        if "bn" in record:
            if not isinstance(record["bn"], str):
                raise BadMessage("bad_name", "bn must be a string")
            base["bn"] = record["bn"]
        if "bt" in record:
            base["bt"] = number(record["bt"], "bt")
        if "bv" in record:
            base["bv"] = number(record["bv"], "bv")
        name = record.get("n", "")
        if not isinstance(name, str):
            raise BadMessage("bad_name", "n must be a string")
        device, metric = _split_name(base["bn"] + name)
        t = base["bt"] + (number(record["t"], "t") if "t" in record else 0.0)
        if t < RELATIVE_LIMIT:
            t += now
        try:
            ts = datetime.fromtimestamp(t, UTC)
        except (OverflowError, OSError, ValueError):
            raise BadMessage("bad_timestamp", f"time {t} is out of range") from None
        readings.append(Reading(ts, device, metric, _value(record, base["bv"])))
    return readings
