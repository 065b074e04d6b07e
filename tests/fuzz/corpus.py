"""Seeds for the fuzzers: valid documents of each format built at random around `now`, the
documented examples (docs/formats/*.json), the bad-message corpus, and the rule files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from random import Random

from devices.profiles import default_set
from ingest.formats.native import SOURCES
from ingest.formats.open311 import SERVICE_CODES
from tests.bad_messages import CITY_POINT, KNOWN_DEVICE, corpus
from tests.fuzz.hostile import hostile_strings

METRICS = default_set().metrics

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "docs" / "formats"
RULES = REPO / "alerts" / "rules" / "default"
DEVICES = (KNOWN_DEVICE, "streetlight-00042", "air_station-00007", "manhole-00313")
CATEGORIES = ("市容环境", "公用设施", "道路交通", "街面秩序", "突发事件")
_TEXTS = ("南京东路近河南中路人行道井盖松动", "路灯不亮", "早市摊贩占用人行道", "",
          *hostile_strings().values())


def _when(rng: Random, now: datetime) -> str | float:
    ts = now - timedelta(seconds=rng.uniform(0, 86_400 * 3))
    pick = rng.randrange(4)
    if pick == 0:
        return ts.timestamp()
    zone = timedelta(hours=rng.choice((0, 8, -5, 14, -12)), minutes=rng.choice((0, 30)))
    text = ts.astimezone(timezone(zone)).isoformat()
    return text.replace("+00:00", "Z") if pick == 1 else text


def _value(rng: Random, metric: str) -> float | int:
    m = METRICS[metric]
    if m.high == 1 and m.low == 0:
        return rng.choice((0, 1))
    return round(rng.uniform(m.low, m.high), rng.randrange(0, 4))


def reading(rng: Random, now: datetime) -> dict:
    metrics = rng.sample(sorted(METRICS), rng.randrange(1, 5))
    return {"device": rng.choice(DEVICES), "ts": _when(rng, now),
            "values": {m: _value(rng, m) for m in metrics}}


def senml_pack(rng: Random, now: datetime) -> list:
    pack: list[dict] = [{"bn": f"{rng.choice(DEVICES)}{rng.choice(':/')}",
                         "bt": (now - timedelta(minutes=rng.uniform(0, 600))).timestamp()}]
    for i in range(rng.randrange(1, 6)):
        record = pack[0] if i == 0 else {}
        metric = rng.choice(sorted(METRICS))
        record.update({"n": metric, "u": METRICS[metric].unit})
        if METRICS[metric].high == 1 and rng.random() < 0.5:
            record["vb"] = rng.random() < 0.5
        else:
            record["v"] = _value(rng, metric)
        if rng.random() < 0.3:
            record["t"] = rng.uniform(-300, 300)
        if i:
            pack.append(record)
    return pack


def _place(rng: Random) -> dict:
    if rng.random() < 0.7:
        return {"lon": CITY_POINT[0] + rng.uniform(-0.01, 0.01),
                "lat": CITY_POINT[1] + rng.uniform(-0.01, 0.01)}
    return {"address": rng.choice(("黄浦区人民广场附近", "南京东路300号", "'; DROP TABLE x;--"))}


def incident(rng: Random, now: datetime) -> dict:
    doc = {"source": rng.choice(SOURCES), "source_id": f"fuzz-{rng.randrange(10**9)}",
           "reported_at": _when(rng, now), "category": rng.choice(CATEGORIES),
           "description": rng.choice(_TEXTS), **_place(rng)}
    if rng.random() < 0.5:
        doc["reporter"] = {"name": rng.choice(("王小明", "<b>x</b>")), "phone": "13812345678"}
    if rng.random() < 0.2:
        doc.update(status="closed", satisfaction="满意")
    return doc


def open311_request(rng: Random, now: datetime) -> dict | list:
    place = _place(rng)
    doc = {"service_request_id": f"req-{rng.randrange(10**9)}",
           "service_code": rng.choice((*SERVICE_CODES, "unknown-code")),
           "service_name": rng.choice(CATEGORIES), "description": rng.choice(_TEXTS),
           "requested_datetime": _when(rng, now), "first_name": "建国", "last_name": "李",
           "phone": "13900001111"}
    if "lon" in place:
        doc.update(lat=place["lat"], long=place["lon"])
    else:
        doc["address_string" if rng.random() < 0.5 else "address"] = place["address"]
    return [doc] if rng.random() < 0.1 else doc


def examples(now: datetime) -> dict[str, object]:
    """The documented examples, their times moved to `now` so they are valid today."""
    docs = {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(EXAMPLES.glob("*.json")) if ".schema" not in p.name}
    docs["native-reading"]["ts"] = now.isoformat()
    docs["native-incident"]["reported_at"] = now.isoformat()
    docs["open311-request"]["requested_datetime"] = now.isoformat()
    docs["senml-pack"][0]["bt"] = now.timestamp() - 60
    return docs


def bad_messages(stream: str, now: datetime | None = None) -> list[tuple[tuple, bytes | None]]:
    """(headers, value) of tests/bad_messages.py for one stream."""
    now = now or datetime.now(UTC)
    return [(bad.headers, bad.value) for bad in corpus(now) if bad.stream == stream]


def rule_texts() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(RULES.glob("*.yaml"))}
