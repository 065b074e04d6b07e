"""Decoders, one module a format, all producing the internal records of ingest/records.py.

The producer names the format in the `format` message header; without it the body is
sniffed. Adding a format is one module and one line in each table below.
"""

from __future__ import annotations

from collections.abc import Callable

from devices.profile import ProfileSet
from ingest.errors import BadMessage
from ingest.formats import native, open311, senml
from ingest.formats.common import Context
from ingest.records import Reading

READING_FORMATS: dict[str, Callable] = {"native": native.decode_readings, "senml": senml.decode}
INCIDENT_FORMATS: dict[str, Callable] = {"native": native.decode_incident,
                                         "open311": open311.decode}


def header(headers: list[tuple[str, bytes]] | None, name: str) -> str | None:
    for key, value in headers or ():
        if key == name:
            return value.decode("utf-8", "replace") if value is not None else None
    return None


def _sniff_reading(value: bytes) -> str:
    first = value.lstrip()[:1]
    return "senml" if first == b"[" else "native"


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


def decode_readings(headers, value: bytes | None, profiles: ProfileSet) -> list[Reading]:
    """The readings of one record, in the profiles' canonical metric names and units."""
    return reading_decoder(headers, value)(value, Context(profiles, headers))
