"""Hostile incidents for the end-to-end run through the broker, ingest and the database.

Each message says what must become of it: stored, with these columns reading back exactly
as sent, or dead-lettered with this reason. `hostile_incidents` builds them; `verify`
compares what the incidents table and city.dlq hold with that.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from random import Random

from tests.bad_messages import CITY_POINT
from tests.fuzz.hostile import INVALID_UTF8, hostile_strings, one_megabyte_description

STORED = "stored"


@dataclass(frozen=True)
class Sent:
    name: str
    source_id: str
    value: bytes
    expect: str                                  # STORED or a dead-letter reason
    headers: tuple[tuple[str, bytes], ...] = ()
    columns: dict[str, str] = field(default_factory=dict)  # column -> text read back


def _bytes(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def _native(source_id: str, text: str, now: datetime, **extra) -> tuple[dict, dict]:
    doc = {"source": "hotline", "source_id": source_id, "reported_at": now.isoformat(),
           "category": text[:64], "subcategory": text[:64], "description": text,
           "lon": CITY_POINT[0], "lat": CITY_POINT[1], "address": text[:500],
           "reporter": {"name": text[:100], "phone": "13812345678"}, **extra}
    columns = {"source_id": source_id, "category": text[:64], "subcategory": text[:64],
               "description": text, "address": text[:500], "reporter_name": text[:100]}
    return doc, columns


def _open311(request_id: str, text: str, now: datetime) -> tuple[dict, dict]:
    doc = {"service_request_id": request_id, "service_code": "hostile-code",
           "service_name": text[:64], "description": text, "lat": CITY_POINT[1],
           "long": CITY_POINT[0], "requested_datetime": now.isoformat(),
           "address": text[:500], "last_name": text[:50], "first_name": "建国"}
    return doc, {"source_id": request_id, "category": text[:64], "description": text,
                 "address": text[:500], "reporter_name": text[:50] + "建国"}


def _stored(name: str, text: str, now: datetime, n: int) -> list[Sent]:
    doc, columns = _native(f"hostile-{n}", text, now)
    request, request_columns = _open311(f"hostile-311-{n}", text, now)
    return [Sent(f"native: {name}", doc["source_id"], _bytes(doc), STORED, (), columns),
            Sent(f"open311: {name}", request["service_request_id"], _bytes(request), STORED,
                 (("format", b"open311"),), request_columns)]


def _refused(now: datetime) -> list[Sent]:
    """Messages ingest must refuse, each with its reason."""
    refused = []
    big, _ = _native("hostile-1mb", one_megabyte_description(), now)
    refused.append(Sent("1 MB description", "hostile-1mb", _bytes(big), "oversized"))
    long_text, _ = _native("hostile-4001", "长" * 4001, now)
    refused.append(Sent("4,001 characters", "hostile-4001", _bytes(long_text),
                        "field_too_long"))
    for name, raw in INVALID_UTF8.items():
        doc, _ = _native(f"hostile-utf8-{name}", "@@", now)
        refused.append(Sent(f"invalid UTF-8: {name}", doc["source_id"],
                            _bytes(doc).replace(b"@@", raw), "invalid_utf8"))
    # Valid JSON, but text PostgreSQL cannot store: before the fix these failed the batch.
    surrogate, _ = _native("hostile-surrogate", "@@", now)
    refused.append(Sent("lone surrogate escape", "hostile-surrogate",
                        _bytes(surrogate).replace(b"@@", b"\\ud800"), "bad_text"))
    nul, _ = _native("hostile-nul-extra", "ok", now, note="@@")
    refused.append(Sent("NUL in an extra field", "hostile-nul-extra",
                        _bytes(nul).replace(b'"@@"', b'"a\\u0000b"'), "bad_text"))
    huge, _ = _native("hostile-huge-lon", "ok", now)
    refused.append(Sent("lon of 400 digits", "hostile-huge-lon",
                        _bytes(huge).replace(b"121.4737", b"1" * 400), "bad_value"))
    digits, _ = _native("hostile-digits", "ok", now, note=0)
    refused.append(Sent("integer of 5,000 digits", "hostile-digits",
                        _bytes(digits).replace(b'"note": 0', b'"note": ' + b"7" * 5000),
                        "bad_value"))
    return refused


def _odd_offset(now: datetime, n: int) -> Sent:
    """+20:00 is ISO 8601 Python reads and PostgreSQL does not: stored, as UTC."""
    doc, columns = _native(f"hostile-offset-{n}", "时区 +20:00", now)
    doc["reported_at"] = now.astimezone(timezone(timedelta(hours=20))).isoformat()
    return Sent("time zone +20:00", doc["source_id"], _bytes(doc), STORED, (), columns)


def hostile_incidents(now: datetime, mixes: int = 0, seed: int = 8) -> list[Sent]:
    """Every hostile string in every text field of both incident formats, the messages
    that must be refused, and `mixes` more of random hostile strings run together."""
    sent: list[Sent] = []
    strings = list(hostile_strings().items())
    for n, (name, text) in enumerate(strings):
        sent += _stored(name, text, now, n)
    rng = Random(seed)
    for n in range(len(strings), len(strings) + mixes):
        picked = rng.sample(strings, rng.randrange(2, 4))
        text = "".join(t for _, t in picked)[:4000]
        name = " + ".join(name for name, _ in picked)
        if rng.random() < 0.9:
            sent += _stored(name, text, now, n)[rng.randrange(2):]
            continue
        doc, _ = _native(f"hostile-{n}", text[:1000] + "@@", now)  # broken in the middle
        raw = rng.choice(list(INVALID_UTF8.values()))
        sent.append(Sent(f"{name} + invalid UTF-8", doc["source_id"],
                         _bytes(doc).replace(b"@@", raw, 1), "invalid_utf8"))
    sent.append(_odd_offset(now, 0))
    # The SQL string as the natural key itself, the column ON CONFLICT matches on.
    doc, columns = _native("'); DROP TABLE incidents;--", "key", now)
    sent.append(Sent("SQL in source_id", doc["source_id"], _bytes(doc), STORED, (), columns))
    return sent + _refused(now)


COLUMNS = ("source_id", "category", "subcategory", "description", "address", "reporter_name")


def _letters(dlq: list) -> dict[tuple[int, int], object]:
    """Dead letters by the partition and offset of the message they hold."""
    found = {}
    for record in dlq:
        headers = dict(record.headers)
        found[int(headers["source_partition"]), int(headers["source_offset"])] = record
    return found


def verify(conn, sent: list[Sent], metas: list, dlq: list) -> list[str]:
    """Problems found: a stored message whose text does not read back exactly, a refused
    one missing from city.dlq or there with another reason or changed bytes, extra rows."""
    problems = []
    with conn.cursor() as cur:
        cur.execute(f"SELECT {', '.join(COLUMNS)}, octet_length(description) "  # noqa: S608
                    "FROM incidents")
        rows = {row[0]: row for row in cur.fetchall()}
    conn.rollback()
    letters = _letters(dlq)
    for message, meta in zip(sent, metas, strict=True):
        if message.expect == STORED:
            problems += _read_back(message, rows.pop(message.source_id, None))
            continue
        letter = letters.get((meta.partition, meta.offset))
        if letter is None:
            problems.append(f"{message.name}: neither stored nor dead-lettered")
            continue
        reason = dict(letter.headers)["reason"].decode()
        if reason != message.expect or letter.value != message.value:
            problems.append(f"{message.name}: dead-lettered as {reason!r}, expected "
                            f"{message.expect!r} (value unchanged: "
                            f"{letter.value == message.value})")
        if rows.pop(message.source_id, None) is not None:
            problems.append(f"{message.name}: stored too")
    problems += [f"row nobody sent: {key!r:.80}" for key in rows]
    return problems


def _read_back(message: Sent, row: tuple | None) -> list[str]:
    if row is None:
        return [f"{message.name}: not stored"]
    got = dict(zip(COLUMNS, row, strict=False))
    wrong = [c for c, text in message.columns.items() if got.get(c) != text]
    if message.columns.get("description") and \
            row[-1] != len(message.columns["description"].encode()):
        wrong.append("description bytes")
    return [f"{message.name}: {', '.join(wrong)} read back different"] if wrong else []


def latencies_ms(conn, sent: list[Sent], metas: list, dlq: list) -> list[float]:
    """From the broker's timestamp of each message to its row (received_at) or its letter."""
    with conn.cursor() as cur:
        cur.execute("SELECT source_id, extract(epoch FROM received_at) * 1000 FROM incidents")
        received = {key: float(ms) for key, ms in cur.fetchall()}
    conn.rollback()
    letters = {where: r.timestamp for where, r in _letters(dlq).items()}
    found = []
    for message, meta in zip(sent, metas, strict=True):
        done = received.get(message.source_id) if message.expect == STORED \
            else letters.get((meta.partition, meta.offset))
        if done is not None:
            found.append(done - meta.timestamp)
    return found
