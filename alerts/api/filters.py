"""The query string of `GET /api/v1/cases`, checked: bad values are a 400, not a 500."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from alerts.states import STATES

SEVERITIES: tuple[str, ...] = ("info", "minor", "major", "critical")
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
    if not text.isdigit() or not low <= int(text) <= high:
        raise BadQuery(f"{name} must be a whole number from {low} to {high}")
    return int(text)


def _flag(args: Mapping[str, str], name: str) -> bool | None:
    text = args.get(name)
    if text is None:
        return None
    if text.lower() not in ("true", "false", "1", "0"):
        raise BadQuery(f"{name} must be true or false")
    return text.lower() in ("true", "1")


def parse_filter(args: Mapping[str, str]) -> CaseFilter:
    return CaseFilter(state=_choice(args, "state", tuple(STATES)),
                      severity=_choice(args, "severity", SEVERITIES),
                      category=args.get("category") or None,
                      area=args.get("area") or None,
                      overdue=_flag(args, "overdue"),
                      page=_number(args, "page", 1, 1, 1_000_000),
                      per_page=_number(args, "per_page", 50, 1, MAX_PER_PAGE))
