"""The areas table: writing and reading the hierarchy.

Geometry goes in as PostGIS geometry when the extension is present and as
WKB bytes otherwise (the column is bytea then); either way it comes back as
a GeoDataFrame in WGS84.
"""

from __future__ import annotations

import json

import geopandas as gpd
import shapely
from psycopg2.extras import execute_values

from geo.hierarchy import COLUMNS, LEVELS, areas_frame

_FIELDS = [c for c in COLUMNS if c != "geometry"]
_UPSERT = """
INSERT INTO areas ({fields}, geom) VALUES %s
ON CONFLICT (code) DO UPDATE SET {updates}, geom = EXCLUDED.geom
"""


_COLUMNS_SQL = (
    "code, level, parent_code, name_zh, name_en, district_code, street_code, community_code, "
    "is_generated, source, properties"
)
_SELECT_WKB = "SELECT " + _COLUMNS_SQL + ", geom FROM areas"  # noqa: S608 (constants only)
_SELECT_POSTGIS = "SELECT " + _COLUMNS_SQL + ", ST_AsBinary(geom) FROM areas"  # noqa: S608


def _postgis(conn) -> bool:
    from store import features  # the store package owns feature detection

    return bool(features.current(conn).postgis)


def write_areas(conn, areas: gpd.GeoDataFrame, page_size: int = 2000, commit: bool = True) -> int:
    """Insert or update areas (parents before children); returns the row count."""
    postgis = _postgis(conn)
    geometry = "ST_GeomFromWKB(%s, 4326)" if postgis else "%s"
    template = "(" + ", ".join(["%s"] * (len(_FIELDS) - 1) + ["%s::jsonb", geometry]) + ")"
    sql = _UPSERT.format(
        fields=", ".join(_FIELDS),
        updates=", ".join(f"{f} = EXCLUDED.{f}" for f in _FIELDS if f != "code"),
    )
    order = areas["level"].map(LEVELS.index).sort_values(kind="stable").index
    rows = []
    for index in order:
        row = areas.loc[index]
        values = [None if row[f] is None else row[f] for f in _FIELDS[:-1]]
        values[_FIELDS.index("is_generated")] = bool(row["is_generated"])
        wkb = None if row.geometry is None else shapely.to_wkb(row.geometry)
        rows.append((*values, json.dumps(row["properties"], ensure_ascii=False), wkb))
    with conn.cursor() as cursor:
        execute_values(cursor, sql, rows, template=template, page_size=page_size)
    if commit:
        conn.commit()
    return len(rows)


def delete_all_areas(conn) -> None:
    """Empty the table, children first (parent_code is a foreign key)."""
    with conn.cursor() as cursor:
        for level in reversed(LEVELS):
            cursor.execute("DELETE FROM areas WHERE level = %s", (level,))
    conn.commit()


def read_areas(conn, levels: list[str] | None = None) -> gpd.GeoDataFrame:
    """Areas of the given levels (all when None), sorted by level then code."""
    query = _SELECT_POSTGIS if _postgis(conn) else _SELECT_WKB
    parameters: tuple = ()
    if levels:
        query += " WHERE level = ANY(%s)"
        parameters = (list(levels),)
    with conn.cursor() as cursor:
        cursor.execute(query, parameters)
        rows = cursor.fetchall()
    records = [dict(zip(_FIELDS, row[:-1], strict=True)) for row in rows]
    polygons = [None if row[-1] is None else shapely.from_wkb(bytes(row[-1])) for row in rows]
    frame = areas_frame(records, polygons)
    frame["_rank"] = frame["level"].map(LEVELS.index)
    return frame.sort_values(["_rank", "code"]).drop(columns="_rank").reset_index(drop=True)


def parents_with_children(conn) -> set[str]:
    """Codes of the areas that have at least one child (cheap: no geometry read)."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT DISTINCT parent_code FROM areas WHERE parent_code IS NOT NULL")
        return {row[0] for row in cursor.fetchall()}


def city_rows(conn) -> list[tuple[str, str]]:
    """(code, Chinese name) of the city rows there are (one, or none before a city is built)."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT code, name_zh FROM areas WHERE level = %s ORDER BY code", ("city",))
        return [(code, name) for code, name in cursor.fetchall()]


def forget_grid_lattice(conn, commit: bool = True) -> None:
    """Drop the city's recorded grid lattice: cells added later need not lie on it, so
    assignment must look them up by shape rather than by lattice position."""
    with conn.cursor() as cursor:
        cursor.execute(
            "UPDATE areas SET properties = properties - 'grid_lattice' "
            "WHERE level = %s AND properties ? 'grid_lattice'",
            ("city",),
        )
    if commit:
        conn.commit()
