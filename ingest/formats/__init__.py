"""Decoders, one module a format, all producing the internal records of ingest/records.py.

The producer names the format in the `format` message header; without it the body is
sniffed, only where the shape is unambiguous. Adding a format is one module and one line
in the tables below (and a sniff, if it has an unmistakable shape).

| header | format | sniffed by |
|---|---|---|
| native | CityOps's own JSON | an object with "device" (readings), the default (incidents) |
| senml | SenML, RFC 8428 | a JSON array of objects that are not ThingsBoard entries |
| ngsi-v2 | FIWARE NGSI v2 notification or entity | "subscriptionId" without "notifiedAt" |
| ngsi-ld | ETSI NGSI-LD notification or entity | "notifiedAt", "@context" or "Property" |
| thingsboard | ThingsBoard device telemetry (`device` header) | never: header only |
| thingsboard-gateway | ThingsBoard gateway telemetry | never: header only |
| open311 | Open311 GeoReport v2 service request(s) | "service_request_id" |
"""

from __future__ import annotations

from collections.abc import Callable

from devices.profile import ProfileSet
from ingest.errors import BadMessage
from ingest.formats import native, ngsi_ld, ngsi_v2, open311, senml, thingsboard
from ingest.formats.common import Context
from ingest.records import Reading

READING_FORMATS: dict[str, Callable] = {
    "native": native.decode_readings, "senml": senml.decode, "ngsi-v2": ngsi_v2.decode,
    "ngsi-ld": ngsi_ld.decode, "thingsboard": thingsboard.decode_device,
    "thingsboard-gateway": thingsboard.decode_gateway}
INCIDENT_FORMATS: dict[str, Callable] = {"native": native.decode_incident,
                                         "open311": open311.decode}


def header(headers: list[tuple[str, bytes]] | None, name: str) -> str | None:
    for key, value in headers or ():
        if key == name:
            return value.decode("utf-8", "replace") if value is not None else None
    return None


def _sniff_reading(value: bytes) -> str:
    body = value.lstrip()
    first = body[:1]
    if first == b"[":
        head = body[:200]
        return "ngsi-ld" if b'"Property"' in head else "senml"
    if b'"notifiedAt"' in body or b'"@context"' in body or b'"Property"' in body:
        return "ngsi-ld"
    if b'"subscriptionId"' in body:
        return "ngsi-v2"
    return "native"


def _sniff_incident(value: bytes) -> str:
    return "open311" if b'"service_request_id"' in value else "native"


def choose(headers, value: bytes | None, table: dict[str, Callable],
           sniff: Callable[[bytes], str]) -> Callable:
    named = header(headers, "format")
    if named is not None:
        if named not in table:
            raise BadMessage("unknown_format", f"format header {named[:40]!r} is not one of "
                                               f"{', '.join(table)}")
        return table[named]
    return table[sniff(value or b"")]


def reading_decoder(headers, value: bytes | None) -> Callable:
    return choose(headers, value, READING_FORMATS, _sniff_reading)


def incident_decoder(headers, value: bytes | None) -> Callable:
    return choose(headers, value, INCIDENT_FORMATS, _sniff_incident)


def decode_readings(headers, value: bytes | None, profiles: ProfileSet,
                    devices=None) -> list[Reading]:
    """The readings of one record, in the profiles' canonical metric names and units and
    the registry's device ids (`devices`: the registry, which also knows aliases)."""
    readings = reading_decoder(headers, value)(value, Context(profiles, headers, devices))
    if devices is None or not readings:
        return readings
    return _canonical(readings, devices)


def _canonical(readings: list[Reading], devices) -> list[Reading]:
    """A device named by an alias (in our own format too) is stored under its id."""
    ids = {r.device_id for r in readings}
    named = {}
    for name in ids:
        found = devices.canonical(name)
        if found is not None and found != name:
            named[name] = found
    if not named:
        return readings
    return [r._replace(device_id=named.get(r.device_id, r.device_id)) for r in readings]
