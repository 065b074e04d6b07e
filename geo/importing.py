"""Reading boundaries from GeoJSON, GeoPackage or Shapefile into the area table shape."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.coordinates import to_wgs84
from geo.hierarchy import LEVELS, areas_frame, as_multipolygons

# Field names seen in the wild, tried in order when the caller names none.
CODE_FIELDS = ("code", "adcode", "gb", "CODE", "ADCODE", "id")
NAME_FIELDS = ("name_zh", "name", "NAME", "Name")
NAME_EN_FIELDS = ("name_en", "NAME_EN", "ename")
PARENT_FIELDS = (
    "parent_code",
    "parent_cod",
    "parent",
    "PARENT",
    "parent_adcode",
)  # Shapefile cuts names at 10


def _field(
    frame: pd.DataFrame, given: str | None, candidates: tuple[str, ...], what: str, required: bool
) -> str | None:
    if given is not None:
        if given not in frame.columns:
            raise ValueError(f"no field {given!r} for the {what}; fields are {list(frame.columns)}")
        return given
    found = next((c for c in candidates if c in frame.columns), None)
    if found is None and required:
        raise ValueError(f"no field for the {what}; name it (fields are {list(frame.columns)})")
    return found


def _text(values: pd.Series) -> pd.Series:
    def one(value):
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # codes read from numeric columns
        return str(value).strip()

    return values.map(one).astype(object)


def read_boundaries(
    path: str | Path,
    level: str,
    system: str,
    code_field: str | None = None,
    name_field: str | None = None,
    parent_field: str | None = None,
    parent_code: str | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Areas of one level from a file, in WGS84, with the table's columns.

    parent_code applies one parent to every row (e.g. all districts of a city).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    frame = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    frame = to_wgs84(frame, system)
    code = _field(frame, code_field, CODE_FIELDS, "code", True)
    name = _field(frame, name_field, NAME_FIELDS, "name", True)
    name_en = _field(frame, None, NAME_EN_FIELDS, "English name", False)
    parent = (
        None
        if parent_code
        else _field(frame, parent_field, PARENT_FIELDS, "parent code", level != "city")
    )
    records = pd.DataFrame(
        {
            "code": _text(frame[code]),
            "level": level,
            "parent_code": parent_code
            if parent_code
            else (_text(frame[parent]) if parent else None),
            "name_zh": _text(frame[name]),
            "name_en": _text(frame[name_en]) if name_en else None,
            "is_generated": False,
            "source": Path(path).name,
        }
    )
    records["properties"] = [{"unit": "real", "polygon": "real", "crs": system}] * len(records)
    # Invalid polygons are kept as they are, so that validation can say why.
    polygons = [None if g is None else as_multipolygons([g])[0] for g in frame.geometry.values]
    return areas_frame(records, polygons)
