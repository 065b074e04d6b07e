"""ETSI NGSI-LD notifications (and lone entities, as Smart Data Models publish them) into
readings.

A notification is `{"id": ..., "type": "Notification", "subscriptionId": ...,
"notifiedAt": ..., "data": [entity, ...]}`. A measurement is a Property
(`{"type": "Property", "value": 69, "unitCode": "GQ", "observedAt": "..."}`); the
concise form (a bare value) is read too. GeoProperties, Relationships, language maps and
`@context` are not measurements. Names are read as the entity writes them (the short
terms of its @context, as every Smart Data Model example does), never expanded: CityOps
does not fetch contexts. See ingest/formats/entities.py for what an entity becomes.
"""

from __future__ import annotations

from typing import Any

from ingest.formats import entities
from ingest.formats.common import Context, default_context, json_body
from ingest.formats.entities import Attribute
from ingest.records import Reading


def _property(raw: Any) -> Attribute | None:
    if isinstance(raw, dict):
        if raw.get("type", "Property") != "Property" or "value" not in raw:
            return None
        return Attribute(raw["value"], raw.get("unitCode"), raw.get("observedAt"))
    return None if isinstance(raw, list) else Attribute(raw, None, None)


def decode(value: bytes | None, ctx: Context | None = None) -> list[Reading]:
    ctx = ctx or default_context()
    doc = json_body(value)
    notified = doc.get("notifiedAt") if isinstance(doc, dict) else None
    when = entities.utc_time(notified, "notifiedAt") if isinstance(notified, str) else None
    found = []
    for entity in entities.entity_list(doc):
        found += entities.readings(ctx, entity, _property, when)
    return found
