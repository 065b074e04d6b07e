"""The datasets a key may read, each only inside the key's areas (and, for incidents and
cases, its categories), bounded in time and in rows, citizens' details masked unless the
key allows them. Every function takes the already-checked `Query`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from identity.masking import mask_name, mask_phone
from identity.scope import Scope, area_level, area_sql
from identity.users import known_level
from screens.summary.cases import kpi_series
from sharing.keys import Key

MAX_ROWS = 1000
MAX_SPAN = {"readings": timedelta(days=7), "rollups": timedelta(days=31),
            "incidents": timedelta(days=31), "cases": timedelta(days=31),
            "kpis": timedelta(days=31)}
ROLLUPS = {"1m": "readings_1m", "1h": "readings_1h"}  # table names: constants, never input


class BadQuery(ValueError):
    """The query cannot be answered as asked; the message says what to send."""


class OutsideKey(PermissionError):
    """The query asks for an area or dataset the key does not cover."""


@dataclass(frozen=True)
class Query:
    since: datetime
    until: datetime
    limit: int = 100
    offset: int = 0
    area: str | None = None
    device: str | None = None
    metric: str | None = None
    resolution: str = "1h"


def _time(text: str | None, default: datetime) -> datetime:
    if not text:
        return default
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadQuery(f"{text!r} is not an ISO 8601 time such as 2026-11-03T08:00:00+08:00") \
            from None
    if moment.tzinfo is None:
        raise BadQuery("a time needs its offset, e.g. +08:00")
    try:  # as UTC: PostgreSQL takes offsets up to ±15:59 only, ISO 8601 up to ±23:59
        return moment.astimezone(UTC)
    except OverflowError:
        raise BadQuery(f"{text!r} is out of range") from None


def _int(text: str | None, default: int, low: int, high: int, name: str) -> int:
    try:
        value = default if text in (None, "") else int(text)
    except ValueError:
        raise BadQuery(f"{name} is a whole number") from None
    if not low <= value <= high:
        raise BadQuery(f"{name} is {low} to {high}")
    return value


def parse(dataset: str, args) -> Query:
    """A dataset's query from the request's arguments; BadQuery when it is malformed."""
    if any("\x00" in f"{name}{value}" for name, value in args.items(multi=True)):
        raise BadQuery("a query may not hold a NUL character")
    until = _time(args.get("until"), datetime.now(UTC))
    try:  # the default `since` of an `until` in the year 1 is before datetime's range
        day_before = until - timedelta(days=1)
    except OverflowError:
        raise BadQuery("until is out of range") from None
    since = _time(args.get("since"), day_before)
    if not since < until or until - since > MAX_SPAN[dataset]:
        raise BadQuery(f"since < until, at most {MAX_SPAN[dataset].days} days apart")
    resolution = args.get("resolution", "1h")
    if resolution not in ROLLUPS:
        raise BadQuery("resolution is 1m or 1h")
    return Query(since, until, _int(args.get("limit"), 100, 1, MAX_ROWS, "limit"),
                 _int(args.get("offset"), 0, 0, 1_000_000, "offset"),
                 args.get("area") or None, args.get("device") or None,
                 args.get("metric") or None, resolution)


def key_scope(cur, key: Key, area: str | None, alias: str) -> tuple[str, dict]:
    """The key's areas as one WHERE clause over `alias`, narrowed to `area` if asked."""
    codes = list(key.areas)
    if area is not None:
        if not any(area.startswith(c) or _is_city(cur, c) for c in codes):
            raise OutsideKey(f"area {area} is outside this key's areas")
        codes = [area]
    parts, params = [], {}
    for n, code in enumerate(codes):
        level = area_level(code, known_level(cur, code))
        if level is None:
            raise OutsideKey(f"area {code} is not known")
        clause, more = area_sql(level, code, f"key_area_{n}", alias=alias)
        parts.append(clause)
        params.update(more)
    return "(" + " OR ".join(parts) + ")", params


def _is_city(cur, code: str) -> bool:
    return area_level(code, known_level(cur, code)) == "city"


def _rows(cur) -> list[dict[str, Any]]:
    names = [c.name for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


READINGS = """
SELECT r.ts, r.device_id, r.metric, r.value FROM readings r
JOIN devices d ON d.device_id = r.device_id
WHERE {scope} AND r.ts >= %(since)s AND r.ts < %(until)s
  AND (%(device)s::text IS NULL OR r.device_id = %(device)s)
  AND (%(metric)s::text IS NULL OR r.metric = %(metric)s)
ORDER BY r.ts, r.device_id, r.metric LIMIT %(limit)s OFFSET %(offset)s
"""

ROLLUP = """
SELECT r.bucket, r.device_id, r.metric, r.n, r.sum_value / nullif(r.n, 0) AS mean,
    r.min_value, r.max_value
FROM {table} r JOIN devices d ON d.device_id = r.device_id
WHERE {scope} AND r.bucket >= %(since)s AND r.bucket < %(until)s
  AND (%(device)s::text IS NULL OR r.device_id = %(device)s)
  AND (%(metric)s::text IS NULL OR r.metric = %(metric)s)
ORDER BY r.bucket, r.device_id, r.metric LIMIT %(limit)s OFFSET %(offset)s
"""

INCIDENTS = """
SELECT i.id, i.source, i.category, i.subcategory, i.description, i.reporter_name,
    i.reporter_phone, i.address, i.lon, i.lat, i.grid_code, i.community_code, i.street_code,
    i.district_code, i.reported_at
FROM incidents i
WHERE {scope} AND i.reported_at >= %(since)s AND i.reported_at < %(until)s
  AND (cardinality(%(categories)s::text[]) = 0 OR i.category = ANY(%(categories)s)
       OR i.subcategory = ANY(%(categories)s))
ORDER BY i.reported_at, i.id LIMIT %(limit)s OFFSET %(offset)s
"""

CASES = """
SELECT a.id, a.title, a.category, a.labels->>'incident_category' AS major_category,
    a.severity, a.state, a.tier, a.unit_code, a.opened_at, a.closed_at, a.due_at,
    a.grid_code, a.community_code, a.street_code, a.district_code
FROM alerts a
WHERE {scope} AND a.opened_at >= %(since)s AND a.opened_at < %(until)s
  AND (cardinality(%(categories)s::text[]) = 0 OR a.category = ANY(%(categories)s)
       OR a.labels->>'incident_category' = ANY(%(categories)s))
ORDER BY a.opened_at, a.id LIMIT %(limit)s OFFSET %(offset)s
"""


def _params(key: Key, query: Query, more: dict) -> dict:
    return {**more, "since": query.since, "until": query.until, "limit": query.limit,
            "offset": query.offset, "device": query.device, "metric": query.metric,
            "categories": list(key.categories)}


def readings(cur, key: Key, query: Query) -> list[dict]:
    clause, more = key_scope(cur, key, query.area, "d")
    cur.execute(READINGS.format(scope=clause), _params(key, query, more))
    return _rows(cur)


def rollups(cur, key: Key, query: Query) -> list[dict]:
    clause, more = key_scope(cur, key, query.area, "d")
    cur.execute(ROLLUP.format(table=ROLLUPS[query.resolution], scope=clause),
                _params(key, query, more))
    return _rows(cur)


def incidents(cur, key: Key, query: Query) -> list[dict]:
    clause, more = key_scope(cur, key, query.area, "i")
    cur.execute(INCIDENTS.format(scope=clause), _params(key, query, more))
    found = _rows(cur)
    if not key.pii:  # masked by default: only a key made for it sees citizens' details
        for row in found:
            row["reporter_name"] = mask_name(row["reporter_name"])
            row["reporter_phone"] = mask_phone(row["reporter_phone"])
    return found


def cases(cur, key: Key, query: Query) -> list[dict]:
    clause, more = key_scope(cur, key, query.area, "a")
    cur.execute(CASES.format(scope=clause), _params(key, query, more))
    return _rows(cur)


def kpis(cur, key: Key, query: Query, zone) -> list[dict]:
    """The daily case KPIs of one area (the one asked for, or the key's only area)."""
    if key.categories:
        raise OutsideKey("KPIs count every category; this key is limited to some")
    area = query.area or (key.areas[0] if len(key.areas) == 1 else None)
    if area is None:
        raise BadQuery("this key covers several areas: name one with area=")
    key_scope(cur, key, area, "a")  # refuses an area outside the key
    level = area_level(area, known_level(cur, area))
    try:  # the city's day of a time at the very edge of datetime's range may not exist
        first = query.since.astimezone(zone).date()
        last = (query.until - timedelta(microseconds=1)).astimezone(zone).date()
    except OverflowError:
        raise BadQuery("since or until is out of range") from None
    return kpi_series(cur, Scope(level, area), first, last, str(zone))
