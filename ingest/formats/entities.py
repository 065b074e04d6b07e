"""Context entities (FIWARE NGSI v2 and NGSI-LD, and the Smart Data Models written in them)
into readings: what the two decoders share.

An entity is one device: its `id` is the device's registered id or alias. Its attributes
are read through the profiles (the device's kind first); an attribute no profile knows, or
that holds no number (a location, an address, a name, a relationship), is skipped, since
an entity carries much that is not a measurement. An entity with no known measurement at
all is refused (`unknown_metric`, naming what it had). Times: the attribute's own
(`observedAt`, `TimeInstant` metadata), else the entity's (`dateObserved`,
`observationDateTime`, `dateObservedTo`, `dateModified`), else the notification's, else now.
NGSI v2 writes times in UTC and allows leaving the zone out (Orion's documentation,
"Datetime support"); such a time is read as UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from devices.units import UNECE_CODES
from ingest.errors import BadMessage
from ingest.formats import naming
from ingest.formats.common import Context, timestamp
from ingest.records import Reading

MAX_ENTITIES = 100
ENTITY_TIMES = ("dateObserved", "observationDateTime", "dateObservedTo", "dateModified",
                "TimeInstant")
NOT_MEASUREMENTS = frozenset({"id", "type", "@context", "location", "address", "name",
                              "description", "source", "dataProvider", "areaServed",
                              *ENTITY_TIMES, "dateCreated", "dateObservedFrom"})


class Attribute(NamedTuple):
    value: Any
    unit_code: str | None
    observed_at: Any


def utc_time(raw: Any, field: str) -> datetime:
    """ISO 8601; without a zone, UTC (NGSI's rule)."""
    if isinstance(raw, str) and raw and "T" in raw and not (
            raw.endswith("Z") or "+" in raw[10:] or "-" in raw[10:]):
        raw = raw + "Z"
    return timestamp(raw, field)


def unit_of(code: str | None) -> str | None:
    if code is None:
        return None
    if not isinstance(code, str) or code not in UNECE_CODES:
        raise BadMessage("bad_unit", f"unitCode {str(code)[:20]!r} is not a UN/CEFACT code "
                                     "CityOps knows")
    return UNECE_CODES[code]


def readings(ctx: Context, entity: Any, read: Callable[[Any], Attribute | None],
             when: datetime | None) -> list[Reading]:
    """The readings of one entity; `read` turns an attribute into (value, unitCode,
    observedAt), or None when it is not a property with a value."""
    if not isinstance(entity, dict) or not isinstance(entity.get("id"), str):
        raise BadMessage("wrong_type", "an entity is an object with an id")
    device, kind = naming.device_of(ctx, entity["id"])
    base = _entity_time(entity, read) or when or datetime.now(UTC)
    found, unknown = [], []
    for name, raw in entity.items():
        if name in NOT_MEASUREMENTS:
            continue
        attribute = read(raw)
        if attribute is None or isinstance(attribute.value, dict | list | type(None)):
            continue
        if not naming.known(ctx, name, kind):
            unknown.append(name)
            continue
        if isinstance(attribute.value, str) and not naming.states(ctx, name, kind):
            continue  # text in a numeric metric's place: a status word, not a reading
        at = utc_time(attribute.observed_at, f"{name}.observedAt") \
            if attribute.observed_at else base
        found.append(naming.reading(ctx, at, device, kind, name, attribute.value,
                                    unit_of(attribute.unit_code), "sdm"))
    if not found:
        raise BadMessage("unknown_metric", f"entity {entity['id'][:60]!r} has no attribute a "
                                           f"device profile knows (it has "
                                           f"{', '.join(sorted(unknown)[:8]) or 'none'})")
    return found


def _entity_time(entity: dict, read: Callable[[Any], Attribute | None]) -> datetime | None:
    for field in ENTITY_TIMES:
        if field in entity:
            attribute = read(entity[field])
            raw = attribute.value if attribute is not None else entity[field]
            if isinstance(raw, dict) and raw.get("@type") == "DateTime":
                raw = raw.get("@value")  # NGSI-LD's typed literal
            if isinstance(raw, str):
                return utc_time(raw, field)
    return None


def entity_list(doc: Any) -> list:
    """The entities of a notification (`data`) or a lone entity, at most MAX_ENTITIES."""
    entities = doc.get("data") if isinstance(doc, dict) and "data" in doc else [doc]
    if not isinstance(entities, list) or not entities:
        raise BadMessage("wrong_type", "a notification's data is a non-empty list of entities")
    if len(entities) > MAX_ENTITIES:
        raise BadMessage("oversized", f"{len(entities)} entities > {MAX_ENTITIES}")
    return entities
