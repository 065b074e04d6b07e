"""Messages in the formats ingest accepts: native JSON and SenML readings, native and
Open311 incidents (docs/formats.md). The `format` header names the format; readings are
keyed by device, incidents by source id.

Readings are the hot path (up to the machine's limit), so they are written with string
formatting instead of a generic JSON encoder; their values are plain floats.
"""

from __future__ import annotations

import json
import time

from ingest.formats.open311 import SERVICE_CODES
from sim.message import Message

BOOLEAN_METRICS = frozenset({"lamp_on", "water_ingress"})
SERVICE_OF = {pair: code for code, pair in SERVICE_CODES.items()}
HEADERS = {name: (("format", name.encode()),) for name in ("native", "senml")}


class Timestamps:
    """ISO 8601 in Shanghai time with milliseconds, cheap for many readings per second."""

    def __init__(self) -> None:
        self.second = -1
        self.prefix = ""

    def iso(self, t: float) -> str:
        second = int(t)
        if second != self.second:
            self.second = second
            self.prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second + 8 * 3600))
        return f"{self.prefix}.{int((t - second) * 1000):03d}+08:00"


def _number(value: float) -> str:
    return repr(round(value, 3))


def native_reading(device: str, ts: str, metrics: tuple[str, ...], values: list[float]) -> bytes:
    body = ",".join(f'"{m}":{_number(v)}' for m, v in zip(metrics, values, strict=True))
    return f'{{"device":"{device}","ts":"{ts}","values":{{{body}}}}}'.encode()


def senml_reading(device: str, t: float, metrics: tuple[str, ...], values: list[float]) -> bytes:
    records = []
    for i, (m, v) in enumerate(zip(metrics, values, strict=True)):
        head = f'"bn":"{device}:","bt":{round(t, 3)!r},' if i == 0 else ""
        value = f'"vb":{"true" if v >= 0.5 else "false"}' if m in BOOLEAN_METRICS \
            else f'"v":{_number(v)}'
        records.append(f'{{{head}"n":"{m}",{value}}}')
    return ("[" + ",".join(records) + "]").encode()


def reading(fmt: str, device: str, key: bytes, t: float, ts: str, metrics: tuple[str, ...],
            values: list[float]) -> Message:
    body = (native_reading(device, ts, metrics, values) if fmt == "native"
            else senml_reading(device, t, metrics, values))
    return Message(t, "readings", key, body, HEADERS[fmt], f"{device}@{ts}")


def open311(doc: dict) -> dict:
    """A native incident as a GeoReport v2 service request."""
    code = SERVICE_OF.get((doc["category"], doc["subcategory"]))
    reporter = doc.get("reporter") or {}
    name = reporter.get("name") or ""
    request = {"service_request_id": doc["source_id"],
               "service_code": code or "other",
               "service_name": doc["category"] if code is None else doc["subcategory"],
               "description": doc["description"], "requested_datetime": doc["reported_at"],
               "lat": doc["lat"], "long": doc["lon"], "address": doc["address"],
               "status": "open"}
    if name:
        request.update(last_name=name[:1], first_name=name[1:], phone=reporter.get("phone"))
    return request


def incident(fmt: str, t: float, doc: dict) -> Message:
    ref = f"{doc['source']}:{doc['source_id']}" + ("#closed" if "satisfaction" in doc else "")
    if fmt == "open311":
        body, headers = open311(doc), (("format", b"open311"), ("source", doc["source"].encode()))
    else:
        body, headers = doc, (("format", b"native"),)
    value = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Message(t, "incidents", doc["source_id"].encode(), value, headers, ref)


def label(t: float, truth: dict) -> Message:
    value = json.dumps(truth, ensure_ascii=False, separators=(",", ":")).encode()
    return Message(t, "truth", truth["label_id"].encode(), value, (("format", b"native"),),
                   truth["label_id"])
