"""The query string of `GET /api/v1/cases`, checked: bad values are a 400, not a 500."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from alerts.cases.severity import SEVERITIES
from alerts.cases.states import STATES

MAX_PER_PAGE = 200


class BadQuery(ValueError):
    """A filter or page value the API does not understand; the message names it."""


@dataclass(frozen=True)
class CaseFilter:
    state: str | None = None
    severity: str | None = None
    category: str | None = None
    area: str | None = None
    overdue: bool | None = None
    page: int = 1
    per_page: int = 50


def _choice(args: Mapping[str, str], name: str, allowed) -> str | None:
    value = args.get(name)
    if value is not None and value not in allowed:
        raise BadQuery(f"{name} must be one of {', '.join(allowed)}")
    return value


def _number(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = args.get(name)
    if text is None:
        return default
    # isascii: "²" is a digit to str.isdigit but not to int(), which would raise.
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise BadQuery(f"{name} must be a whole number from {low} to {high}")
    return int(text)


def _flag(args: Mapping[str, str], name: str) -> bool | None:
    text = args.get(name)
    if text is None:
        return None
    if text.lower() not in ("true", "false", "1", "0"):
        raise BadQuery(f"{name} must be true or false")
    return text.lower() in ("true", "1")


def _text(args: Mapping[str, str], name: str) -> str | None:
    value = args.get(name) or None
    if value is not None and "\x00" in value:
        # PostgreSQL text cannot hold NUL; the driver would raise (a 500) instead of finding none.
        raise BadQuery(f"{name} may not contain a NUL character")
    return value


def parse_filter(args: Mapping[str, str]) -> CaseFilter:
    return CaseFilter(state=_choice(args, "state", tuple(STATES)),
                      severity=_choice(args, "severity", SEVERITIES),
                      category=_text(args, "category"),
                      area=_text(args, "area"),
                      overdue=_flag(args, "overdue"),
                      page=_number(args, "page", 1, 1, 1_000_000),
                      per_page=_number(args, "per_page", 50, 1, MAX_PER_PAGE))
