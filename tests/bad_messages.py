"""A corpus of messages that must never reach the tables, each with the reason expected.

Used by the unit test of the steps and by the integration test through the real broker.
Timestamps are built from `now` so the corpus stays valid on any day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

KNOWN_DEVICE = "corpus-gauge-1"
CITY_POINT = (121.4737, 31.2304)  # People's Square, Shanghai


@dataclass(frozen=True)
class Bad:
    name: str
    stream: str  # readings | incidents
    value: bytes | None
    reason: str
    headers: tuple[tuple[str, bytes], ...] = ()


def _j(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def corpus(now: datetime) -> list[Bad]:
    ts = now.isoformat()
    reading = {"device": KNOWN_DEVICE, "ts": ts, "values": {"level_m": 1.5}}

    def r(name: str, reason: str, **change) -> Bad:
        doc = dict(reading, **change)
        return Bad(name, "readings", _j({k: v for k, v in doc.items() if v is not ...}), reason)

    incident = {"source": "hotline", "source_id": "corpus-1", "reported_at": ts,
                "category": "市容环境", "lon": CITY_POINT[0], "lat": CITY_POINT[1]}

    def i(name: str, reason: str, **change) -> Bad:
        doc = dict(incident, **change)
        return Bad(name, "incidents", _j({k: v for k, v in doc.items() if v is not ...}), reason)

    senml = "readings"
    return [
        Bad("no value", "readings", None, "empty"),
        Bad("blank", "readings", b"   ", "empty"),
        Bad("truncated json", "readings", b'{"device": "x", "ts":', "malformed_json"),
        Bad("not json", "readings", b"hello, city", "malformed_json"),
        Bad("latin-1 bytes", "readings", b'{"device": "\xe9"}', "invalid_utf8"),
        Bad("lone surrogate half", "readings", b"\xed\xa0\x80", "invalid_utf8"),
        Bad("json string", "readings", b'"a reading"', "wrong_type"),
        Bad("json number", "readings", b"42", "wrong_type"),
        Bad("deep nesting", "readings", b"[" * 50_000 + b"]" * 50_000, "malformed_json"),
        Bad("oversized", "readings", b'{"pad": "' + b"x" * 300_000 + b'"}', "oversized"),
        Bad("NaN literal", "readings", _j(reading).replace(b"1.5", b"NaN"), "bad_value"),
        Bad("Infinity literal", "readings", _j(reading).replace(b"1.5", b"Infinity"),
            "bad_value"),
        Bad("-Infinity literal", "readings", _j(reading).replace(b"1.5", b"-Infinity"),
            "bad_value"),
        r("missing device", "bad_device", device=...),
        r("device with space", "bad_device", device="gauge 1"),
        r("device too long", "bad_device", device="g" * 65),
        r("device is a number", "bad_device", device=17),
        r("unknown device", "unknown_device", device="nobody-registered-me"),
        r("missing ts", "bad_timestamp", ts=...),
        r("ts words", "bad_timestamp", ts="yesterday noon"),
        r("ts without zone", "bad_timestamp", ts=now.replace(tzinfo=None).isoformat()),
        r("ts far future", "ts_in_future", ts=(now + timedelta(days=2)).isoformat()),
        r("ts from 1999", "ts_too_old", ts="1999-12-31T23:59:59Z"),
        r("ts epoch huge", "bad_timestamp", ts=1e20),
        r("values missing", "missing_values", values=...),
        r("values empty", "missing_values", values={}),
        r("values a list", "missing_values", values=[1.5]),
        r("metric uppercase", "bad_metric", values={"Level": 1.0}),
        r("metric unknown", "unknown_metric", values={"level_ft": 1.0}),
        r("value string", "bad_value", values={"level_m": "1.5"}),
        r("value bool", "bad_value", values={"level_m": True}),
        r("value null", "bad_value", values={"level_m": None}),
        r("value out of range", "out_of_range", values={"level_m": 9999.0}),
        r("pm25 negative", "out_of_range", values={"pm25_ugm3": -3.0}),
        Bad("unknown format header", "readings", _j(reading), "unknown_format",
            (("format", b"xml"),)),
        Bad("senml not array", senml, _j({"bn": "x:"}), "wrong_type", (("format", b"senml"),)),
        Bad("senml empty", senml, b"[]", "wrong_type"),
        Bad("senml no separator", senml, _j([{"n": "level_m", "v": 1}]), "bad_name"),
        Bad("senml string value", senml,
            _j([{"bn": f"{KNOWN_DEVICE}:", "n": "level_m", "vs": "high"}]), "unsupported_value"),
        Bad("senml must-understand", senml,
            _j([{"bn": f"{KNOWN_DEVICE}:", "n": "level_m", "v": 1, "ex_": 1}]),
            "unsupported_field"),
        Bad("senml record not object", senml, _j([1, 2]), "wrong_type"),
        Bad("senml too many records", senml,
            _j([{"bn": f"{KNOWN_DEVICE}:", "n": "level_m", "v": 1}] * 1001), "oversized"),
        i("incident unknown source", "bad_source", source="email"),
        i("incident no source id", "missing_field", source_id=...),
        i("incident long description", "field_too_long", description="长" * 4001),
        i("incident NUL in text", "bad_text", description="a\x00b"),
        i("incident lon only", "bad_coordinates", lat=...),
        i("incident off the planet", "bad_coordinates", lon=500.0),
        i("incident nowhere", "no_location", lon=..., lat=...),
        i("incident in Beijing", "outside_city", lon=116.397, lat=39.909),
        i("incident unknown address", "unplaceable_address", lon=..., lat=...,
          address="火星基地一号门"),
        i("incident bad reporter", "wrong_type", reporter="王小明"),
        Bad("open311 missing id", "incidents",
            _j({"service_code": "greenery", "requested_datetime": ts, "lat": 31.2,
                "long": 121.4}), "missing_field", (("format", b"open311"),)),
        Bad("open311 bad source header", "incidents",
            _j({"service_request_id": "x1", "service_code": "greenery",
                "requested_datetime": ts, "lat": 31.23, "long": 121.47}),
            "bad_source", (("format", b"open311"), ("source", b"fax"))),
    ]
