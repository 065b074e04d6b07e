"""Checks on boundaries before they are loaded, reported by name and code.

Tolerances are relative areas (default 0.1%), because boundaries from
different sources never match to the metre: a child may poke out of its
parent, or siblings overlap, by a sliver without anyone caring.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

KINDS: tuple[str, ...] = (
    "missing_code",
    "missing_name",
    "duplicate_code",
    "empty_geometry",
    "invalid_geometry",
    "unknown_parent",
    "outside_parent",
    "overlap",
    "gap",
)


@dataclass(frozen=True)
class Problem:
    """One defect, tied to the area (name and code) that has it."""

    kind: str
    code: str | None
    name: str | None
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.name or '?'} ({self.code or '?'}): {self.detail}"


def _blank(value) -> bool:
    return (
        value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""
    )


def _identity(areas: gpd.GeoDataFrame) -> list[Problem]:
    problems = []
    for code, name in zip(areas["code"], areas["name_zh"], strict=True):
        if _blank(code):
            problems.append(Problem("missing_code", None, name, "no code"))
        if _blank(name):
            problems.append(Problem("missing_name", code, None, "no name"))
    codes = areas["code"][~areas["code"].map(_blank)]
    for code in sorted(set(codes[codes.duplicated()])):
        names = ", ".join(str(n) for n in areas.loc[areas["code"] == code, "name_zh"])
        problems.append(Problem("duplicate_code", code, names, "code used more than once"))
    return problems


def _geometry(areas: gpd.GeoDataFrame) -> tuple[list[Problem], np.ndarray]:
    problems = []
    geometry = areas.geometry.values
    empty = shapely.is_empty(geometry) | shapely.is_missing(geometry)
    valid = ~empty & shapely.is_valid(geometry)
    for row in np.flatnonzero(empty):
        problems.append(
            Problem(
                "empty_geometry", areas["code"].iat[row], areas["name_zh"].iat[row], "no polygon"
            )
        )
    for row in np.flatnonzero(~empty & ~valid):
        reason = shapely.is_valid_reason(geometry[row])
        problems.append(
            Problem("invalid_geometry", areas["code"].iat[row], areas["name_zh"].iat[row], reason)
        )
    return problems, valid


def _against_parents(areas, usable, parents, tolerance) -> list[Problem]:
    problems = []
    by_code = {
        code: geometry
        for code, geometry in zip(parents["code"], parents.geometry.values, strict=True)
    }
    names = dict(zip(parents["code"], parents["name_zh"], strict=True))
    for row in range(len(areas)):
        code, name, parent = (
            areas["code"].iat[row],
            areas["name_zh"].iat[row],
            areas["parent_code"].iat[row],
        )
        if parent not in by_code:
            problems.append(
                Problem("unknown_parent", code, name, f"parent {parent!r} is not loaded")
            )
            continue
        if not usable[row]:
            continue
        child = areas.geometry.iat[row]
        outside = shapely.difference(child, by_code[parent]).area / child.area
        if outside > tolerance:
            detail = f"{outside:.2%} of it lies outside its parent {names[parent]} ({parent})"
            problems.append(Problem("outside_parent", code, name, detail))
    for parent, group in areas[usable].groupby("parent_code"):
        if parent not in by_code:
            continue
        missing = shapely.difference(by_code[parent], shapely.union_all(group.geometry.values))
        share = missing.area / by_code[parent].area
        if share > tolerance:
            near = missing.representative_point()
            detail = (
                f"its children leave {share:.2%} of it uncovered, e.g. at {near.x:.5f},{near.y:.5f}"
            )
            problems.append(Problem("gap", parent, names[parent], detail))
    return problems


def _overlaps(areas, usable, tolerance) -> list[Problem]:
    problems = []
    rows = np.flatnonzero(usable)
    geometry = areas.geometry.values[rows]
    left, right = shapely.STRtree(geometry).query(geometry, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    shared = shapely.area(shapely.intersection(geometry[left], geometry[right]))
    smaller = np.minimum(shapely.area(geometry[left]), shapely.area(geometry[right]))
    for a, b, share in zip(left, right, shared / smaller, strict=True):
        if share > tolerance:
            first, second = rows[a], rows[b]
            other = f"{areas['name_zh'].iat[second]} ({areas['code'].iat[second]})"
            detail = f"overlaps {other} by {share:.2%} of the smaller"
            problems.append(
                Problem("overlap", areas["code"].iat[first], areas["name_zh"].iat[first], detail)
            )
    return problems


def check(
    areas: gpd.GeoDataFrame, parents: gpd.GeoDataFrame | None = None, tolerance: float = 0.001
) -> list[Problem]:
    """Every problem found in areas of one level; parents (the level above) if known."""
    problems = _identity(areas)
    geometry_problems, usable = _geometry(areas)
    problems += geometry_problems
    if parents is not None and len(parents):
        problems += _against_parents(areas, usable, parents, tolerance)
    problems += _overlaps(areas, usable, tolerance)
    return problems
