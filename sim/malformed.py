"""Broken messages for the dead-letter path, each with the reason ingest should give.

Every broken message is made from a good one of the same stream, the way real faults
look: a cut-off body, a wrong encoding, a metric no one registered, a reading from a
sensor gone mad, a clock that lost its zone, a report from outside the city.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np

from sim.message import Message

Breaker = Callable[[Message], tuple[bytes, tuple, str]]


def _cut(m: Message) -> tuple[bytes, tuple, str]:
    text = m.value.decode("utf-8")  # cut between characters: a cut inside one is another fault
    return text[: max(1, len(text) // 2)].encode(), m.headers, "malformed_json"


def _latin1(m: Message) -> tuple[bytes, tuple, str]:
    return b"\xff\xfe" + m.value, m.headers, "invalid_utf8"


def _empty(m: Message) -> tuple[bytes, tuple, str]:
    return b"", m.headers, "empty"


def _unknown_format(m: Message) -> tuple[bytes, tuple, str]:
    return m.value, (("format", b"xml"),), "unknown_format"


def _native(m: Message, change: Callable[[dict], None], reason: str) -> tuple[bytes, tuple, str]:
    doc = json.loads(m.value)
    if isinstance(doc, list):  # SenML: send the device's values as native instead
        first = doc[0]
        doc = {"device": first["bn"].rstrip(":"), "ts": round(first["bt"], 3),
               "values": {r["n"]: float(r.get("v", r.get("vb", 0))) for r in doc}}
    change(doc)
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(),
            (("format", b"native"),), reason)


def _unknown_metric(m: Message) -> tuple[bytes, tuple, str]:
    return _native(m, lambda d: d["values"].update(radon_bqm3=55.0), "unknown_metric")


def _out_of_range(m: Message) -> tuple[bytes, tuple, str]:
    def mad(doc: dict) -> None:
        first = next(iter(doc["values"]))
        doc["values"][first] = 99999.0
    return _native(m, mad, "out_of_range")


def _no_zone(m: Message) -> tuple[bytes, tuple, str]:
    def local(doc: dict) -> None:
        doc["ts"] = "2026-11-25T08:00:00"
    return _native(m, local, "bad_timestamp")


def _outside_city(m: Message) -> tuple[bytes, tuple, str]:
    doc = json.loads(m.value)
    if "service_request_id" in doc:
        doc.update(lat=39.9042, long=116.4074)
    else:
        doc.update(lon=116.4074, lat=39.9042)
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(), m.headers,
            "outside_city")


def _no_location(m: Message) -> tuple[bytes, tuple, str]:
    doc = json.loads(m.value)
    for field in ("lon", "long", "lat", "address"):
        doc.pop(field, None)
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(), m.headers,
            "no_location")


READING_BREAKERS: tuple[Breaker, ...] = (_cut, _latin1, _empty, _unknown_format,
                                         _unknown_metric, _out_of_range, _no_zone)
INCIDENT_BREAKERS: tuple[Breaker, ...] = (_cut, _latin1, _outside_city, _no_location)


def broken(m: Message, rng: np.random.Generator, number: int) -> Message:
    """A malformed sibling of the good message `m`, sent at the same moment."""
    breakers = READING_BREAKERS if m.topic == "readings" else INCIDENT_BREAKERS
    value, headers, reason = breakers[int(rng.integers(len(breakers)))](m)
    return Message(m.t, m.topic, m.key, value, headers, f"malformed:{number}", reason)
