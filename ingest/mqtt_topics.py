"""Which MQTT topics the bridge takes, and what each carries: patterns as people write them.

    cityops/+device/senml=senml;v1/devices/+device/telemetry=thingsboard

A pattern is an MQTT topic filter whose `+device` level names the device; `+` and `#`
match as in MQTT. Each maps to a format of ingest/formats (the record's `format` header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEVICE = "+device"


@dataclass(frozen=True)
class Route:
    pattern: str
    format: str
    regex: re.Pattern

    @property
    def subscription(self) -> str:
        """The MQTT filter to subscribe with."""
        return self.pattern.replace(DEVICE, "+")

    def match(self, topic: str) -> tuple[str, str | None] | None:
        """(format, device or None) of a topic this route takes, else None."""
        found = self.regex.fullmatch(topic)
        if found is None:
            return None
        return self.format, found.groupdict().get("device")


def _regex(pattern: str) -> re.Pattern:
    parts = []
    for level in pattern.split("/"):
        if level == DEVICE:
            parts.append("(?P<device>[^/]+)")
        elif level == "+":
            parts.append("[^/]+")
        elif level == "#":
            parts.append(".*")
        else:
            parts.append(re.escape(level))
    return re.compile("/".join(parts))


def parse(text: str, formats: set[str] | frozenset[str]) -> list[Route]:
    """Routes from `pattern=format;...`; ValueError names what is wrong."""
    routes = []
    for item in filter(None, (part.strip() for part in text.split(";"))):
        pattern, sep, fmt = item.partition("=")
        pattern, fmt = pattern.strip(), fmt.strip()
        if not sep or not pattern or fmt not in formats:
            raise ValueError(f"{item!r}: expected pattern=format with a format of "
                             f"{', '.join(sorted(formats))}")
        if pattern.count(DEVICE) > 1 or "#" in pattern[:-1]:
            raise ValueError(f"{pattern!r}: one +device level at most, # only at the end")
        routes.append(Route(pattern, fmt, _regex(pattern)))
    if not routes:
        raise ValueError("no topic pattern")
    return routes


def route(routes: list[Route], topic: str) -> tuple[str, str | None] | None:
    for candidate in routes:
        found = candidate.match(topic)
        if found is not None:
            return found
    return None
