"""The parameters of each rule kind: names, types, defaults, and what a wrong one looks like."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cityops.durations import parse_duration
from cityops.marked_yaml import LineDict, LineList
from geo.levels import PLACED_LEVELS as AREA_LEVELS


class Problem(ValueError):
    """A bad value; `line` points inside nested values (a zone's points) when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Problem(f"expected a number, got {value!r}")
    # NaN would compare false with every reading; an integer beyond float() cannot be read.
    if not abs(value) <= 1e300:
        raise Problem(f"expected a finite number, got {str(value)[:40]}")
    return float(value)


def positive(value: Any) -> float:
    found = number(value)
    if found <= 0:
        raise Problem(f"must be above 0, got {value!r}")
    return found


def count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Problem(f"expected a whole number of at least 1, got {value!r}")
    return value


def duration(value: Any) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise Problem(str(exc)) from None


def choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in options:
            raise Problem(f"{value!r} is not one of {', '.join(options)}")
        return value
    return parse


def rule_ids(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) < 2 \
            or not all(isinstance(v, str) and v for v in value):
        raise Problem("expected a list of at least two rule ids")
    if len(set(value)) != len(value):
        raise Problem("a rule id is listed twice")
    return tuple(value)


def _point(value: Any, line: int) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2 or isinstance(value[0], bool) \
            or not all(isinstance(v, int | float) for v in value):
        raise Problem(f"a point is [lon, lat], got {value!r}", line)
    lon, lat = value  # compared before float(), which a huge integer would overflow
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise Problem(f"[{str(lon)[:20]}, {str(lat)[:20]}] is not a lon/lat pair on Earth",
                      line)
    return float(lon), float(lat)


def zones(value: Any) -> tuple[tuple[str, tuple[tuple[float, float], ...]], ...]:
    """[{name, points: [[lon, lat], ...]}] -> ((name, points), ...); rings need 3 points."""
    if not isinstance(value, LineList) or not value:
        raise Problem("expected a list of zones, each with a name and points")
    found = []
    for i, zone in enumerate(value):
        line = value.line_of(i)
        if not isinstance(zone, LineDict) or set(zone) != {"name", "points"}:
            raise Problem("a zone is a mapping with exactly name and points", line)
        points = zone["points"]
        if not isinstance(points, LineList) or len(points) < 3:
            raise Problem(f"zone {zone['name']!r} needs at least 3 points",
                          zone.line_of("points"))
        ring = tuple(_point(p, points.line_of(j)) for j, p in enumerate(points))
        found.append((str(zone["name"]), ring))
    return tuple(found)


@dataclass(frozen=True)
class Param:
    parse: Callable[[Any], Any]
    required: bool = True
    default: Any = None


AREA = Param(choice(*AREA_LEVELS), required=False, default="grid")

SPECS: dict[str, dict[str, Param]] = {
    "threshold": {"op": Param(choice(">", ">=", "<", "<=")), "value": Param(number),
                  "for": Param(duration, required=False, default=0.0),
                  "clear": Param(number, required=False)},
    "rate": {"rise": Param(positive, required=False), "fall": Param(positive, required=False),
             "within": Param(duration)},
    "absence": {"after": Param(duration)},
    "count": {"count": Param(count), "within": Param(duration), "per": AREA,
              "by": Param(choice("category", "subcategory"), required=False)},
    "composite": {"all": Param(rule_ids), "within": Param(duration), "per": AREA},
    "geofence": {"zones": Param(zones), "when": Param(choice("inside", "outside"),
                                                      required=False, default="inside"),
                 "quiet": Param(duration, required=False, default=3600.0)},
}


def check_params(kind: str, given: LineDict) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """Typed parameters and the problems found, as (line, message)."""
    spec = SPECS[kind]
    problems: list[tuple[int, str]] = []
    params: dict[str, Any] = {}
    for key in given:
        if key not in spec:
            problems.append((given.line_of(key), f"{kind} rules have no parameter {key!r} "
                                                 f"(known: {', '.join(spec)})"))
    for name, param in spec.items():
        if name not in given:
            if param.required:
                problems.append((given.line, f"{kind} rules need parameter {name!r}"))
            params[name] = param.default
            continue
        try:
            params[name] = param.parse(given[name])
        except Problem as exc:
            problems.append((exc.line or given.line_of(name), f"params.{name}: {exc}"))
    if kind == "rate" and not problems and (params["rise"] is None) == (params["fall"] is None):
        problems.append((given.line, "rate rules need exactly one of 'rise' or 'fall'"))
    return params, problems
