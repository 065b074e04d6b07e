"""Placing an incident that has only an address (common for 12345 calls).

An address is placed in the street or community it names, at that area's
representative point, and always flagged approximate: a street is a few
square kilometres, not a doorstep. Names match in full ("南京东路街道") or
by stem without the suffix ("南京东路", which is also the road the street is
named after); the longest match wins, and a district named in the address
rules out candidates elsewhere. An address that names no known area, or only
an ambiguous stem, is not placed rather than placed wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import shapely

_SUFFIXES = {
    "district": ("新区", "区", "县"),
    "street": ("街道", "镇", "乡"),
    "community": ("居委会", "村委会", "社区", "村"),
}
_MIN_STEM = {"district": 2, "street": 2, "community": 3}
_PROVINCE = r"([\u4e00-\u9fff]{2,7}(省|自治区))?"


def _city_prefix(areas: gpd.GeoDataFrame) -> re.Pattern:
    """中国, a province and the city's own name (with or without 市) opening an address."""
    names = set()
    for name in areas.loc[areas["level"] == "city", "name_zh"]:
        names |= {name, name.removesuffix("市")} - {""}
    city = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    return re.compile(f"^(中国)?{_PROVINCE}({city})" if city else "^(中国)?")


@dataclass(frozen=True)
class AddressPlacement:
    """Where an address string was placed, and by which name."""

    district_code: str | None
    street_code: str | None
    community_code: str | None
    lon: float
    lat: float
    matched: str
    approximate: bool = True


def _stem(name: str, level: str) -> str:
    for suffix in _SUFFIXES[level]:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class AddressBook:
    """Names of districts, streets and communities, ready to be found in addresses."""

    def __init__(self, areas: gpd.GeoDataFrame) -> None:
        self.names: dict[str, list[tuple[str, str, int]]] = {}
        self.rows = {}
        self._city_prefix = _city_prefix(areas)
        for row in areas[areas["level"].isin(list(_SUFFIXES))].itertuples():
            self.rows[row.code] = row
            self.names.setdefault(row.name_zh, []).append((row.code, row.level, 0))
            stem = _stem(row.name_zh, row.level)
            if stem != row.name_zh and len(stem) >= _MIN_STEM[row.level]:
                # A stem counts as a slightly weaker match than the full name.
                self.names.setdefault(stem, []).append((row.code, row.level, 1))
        self._pattern = re.compile(
            "|".join(map(re.escape, sorted(self.names, key=len, reverse=True)))
        )

    def _matches(self, text: str) -> list[tuple[int, int, str, str]]:
        """(length, strength, code, name) for every name found anywhere in text."""
        found = []
        for start in range(len(text)):
            match = self._pattern.match(text, start)
            if match:
                for code, _level, weak in self.names[match.group()]:
                    found.append((len(match.group()), -weak, code, match.group()))
        return found

    def place(self, address: str) -> AddressPlacement | None:
        """The finest area the address names unambiguously, or None."""
        text = self._city_prefix.sub("", re.sub(r"\s+", "", address))
        matches = self._matches(text)
        districts = {c for _, _, c, _ in matches if self.rows[c].level == "district"}
        best = None
        for level in ("community", "street", "district"):
            candidates = [m for m in matches if self.rows[m[2]].level == level]
            if level != "district" and len(districts) == 1:
                candidates = [m for m in candidates if self.rows[m[2]].district_code in districts]
            if not candidates:
                continue
            top = max(candidates)[:2]
            winners = {m[2] for m in candidates if m[:2] == top}
            if len(winners) == 1:
                best = next(m for m in candidates if m[:2] == top)
                break
        if best is None:
            return None
        row = self.rows[best[2]]
        point = shapely.point_on_surface(row.geometry)
        return AddressPlacement(
            district_code=row.district_code if row.level != "district" else row.code,
            street_code=row.street_code
            if row.level == "community"
            else (row.code if row.level == "street" else None),
            community_code=row.code if row.level == "community" else None,
            lon=point.x,
            lat=point.y,
            matched=best[3],
        )
