"""FIWARE NGSI v2 notifications into readings (the Orion Context Broker's API).

A notification is `{"subscriptionId": ..., "data": [entity, ...]}`; Orion's simplified
forms (`simplifiedNormalized`, `simplifiedKeyValues`) send the entity alone. An attribute
is normalized (`{"type": "Number", "value": 23, "metadata": {"unitCode": {"value": "GQ"}}}`)
or, with attrsFormat keyValues, the bare value. Orion names the form in the
`Ngsiv2-AttrsFormat` header; without it each attribute is read by its shape. The `values`
form carries no attribute names and is refused. See ingest/formats/entities.py for what an
entity becomes.
"""

from __future__ import annotations

from typing import Any

from ingest.errors import BadMessage
from ingest.formats import entities
from ingest.formats.common import Context, default_context, json_body
from ingest.formats.entities import Attribute
from ingest.records import Reading


def _normalized(raw: Any) -> Attribute | None:
    if not isinstance(raw, dict) or "value" not in raw:
        return None
    if raw.get("type") in ("geo:json", "geo:point", "StructuredValue", "Relationship"):
        return None
    metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
    unit = metadata.get("unitCode")
    stamp = metadata.get("TimeInstant") or metadata.get("dateObserved")
    return Attribute(raw["value"], unit.get("value") if isinstance(unit, dict) else None,
                     stamp.get("value") if isinstance(stamp, dict) else None)


def _key_value(raw: Any) -> Attribute | None:
    return None if isinstance(raw, dict | list) else Attribute(raw, None, None)


def _by_shape(raw: Any) -> Attribute | None:
    return _normalized(raw) if isinstance(raw, dict) else _key_value(raw)


def decode(value: bytes | None, ctx: Context | None = None) -> list[Reading]:
    ctx = ctx or default_context()
    doc = json_body(value)
    attrs_format = ctx.header("Ngsiv2-AttrsFormat")
    if attrs_format == "values" or (isinstance(doc, dict) and isinstance(doc.get("data"), list)
                                    and doc["data"] and isinstance(doc["data"][0], list)):
        raise BadMessage("unsupported_format", "attrsFormat values has no attribute names; "
                                               "subscribe with normalized or keyValues")
    read = {"normalized": _normalized, "simplifiedNormalized": _normalized,
            "keyValues": _key_value, "simplifiedKeyValues": _key_value}.get(
        attrs_format or "", _by_shape)
    found = []
    for entity in entities.entity_list(doc):
        found += entities.readings(ctx, entity, read, None)
    return found
