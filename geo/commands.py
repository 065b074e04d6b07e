"""`cityops geo ...`: import boundaries, build the demo city, draw the map."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from geo.cells import SHAPES
from geo.coordinates import SYSTEMS
from geo.hierarchy import LEVELS, parent_level


def register(subparsers) -> None:
    """Add the `geo` command group to the CLI's subparsers."""
    geo = subparsers.add_parser("geo", help="the city's geography: districts to grid cells")
    commands = geo.add_subparsers(dest="geo_command", required=True)

    load = commands.add_parser("import", help="load boundaries of one level from files")
    load.add_argument("paths", nargs="+", help="GeoJSON, GeoPackage or Shapefile")
    load.add_argument("--level", required=True, choices=LEVELS)
    load.add_argument("--crs", required=True, choices=SYSTEMS, help="the files' coordinate system")
    load.add_argument("--code-field", help="field with the area code (default: guessed)")
    load.add_argument("--name-field", help="field with the Chinese name (default: guessed)")
    load.add_argument("--parent-field", help="field with the parent's code (default: guessed)")
    load.add_argument("--parent-code", help="one parent code for every area in the files")
    load.add_argument("--layer", help="layer name inside a GeoPackage")
    load.add_argument(
        "--tolerance",
        type=float,
        default=0.001,
        help="relative area tolerated outside parents, in overlaps and gaps",
    )
    load.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    load.set_defaults(func=import_handler)

    demo = commands.add_parser(
        "build-demo", help="build a demo city (CITYOPS_CITY, Shanghai by default) and write it"
    )
    demo.add_argument(
        "--city", help="division code, e.g. 330100 for 杭州市 (default: CITYOPS_CITY)"
    )
    demo.add_argument("--seed", type=int, default=1)
    size = demo.add_mutually_exclusive_group()
    size.add_argument("--cell-size", type=float, default=500.0, help="grid cell size in metres")
    size.add_argument("--cells-per-community", type=int, help="target cells per community instead")
    demo.add_argument("--shape", choices=SHAPES, default="square")
    demo.add_argument("--districts", help="comma-separated district codes (default: all)")
    demo.set_defaults(func=build_demo_handler)

    listing = commands.add_parser("cities", help="division codes of the cities build-demo knows")
    listing.add_argument("name", nargs="?", default="", help="part of a name or code, e.g. 杭州")
    listing.set_defaults(func=cities_handler)

    fill = commands.add_parser(
        "cells",
        help="generate communities under streets that have none, and grid cells under "
        "communities that have none (running it again adds nothing)",
    )
    fill_size = fill.add_mutually_exclusive_group()
    fill_size.add_argument("--cell-size", type=float, default=500.0, help="cell size in metres")
    fill_size.add_argument(
        "--cells-per-community",
        "--per-community",
        dest="cells_per_community",
        type=int,
        help="target cells per community instead",
    )
    fill.add_argument("--shape", choices=SHAPES, default="square")
    fill.add_argument("--seed", type=int, default=1, help="seed of the generated communities")
    fill.set_defaults(func=cells_handler)

    picture = commands.add_parser("map", help="draw districts, streets and grid cells to a PNG")
    picture.add_argument("--out", required=True, help="PNG path")
    picture.add_argument("--seed", type=int, default=1, help="demo seed when not --from-db")
    picture.add_argument("--city", help="demo city when not --from-db (default: CITYOPS_CITY)")
    picture.add_argument("--from-db", action="store_true", help="draw the areas in the database")
    picture.add_argument(
        "--centre",
        action="store_true",
        help="the central districts (around CITYOPS_MAP_CENTRE), with street names",
    )
    picture.set_defaults(func=map_handler)


def import_handler(args: argparse.Namespace, settings) -> int:
    from geo import importing, store, validation
    from store import db

    try:
        frames = [
            importing.read_boundaries(
                p,
                args.level,
                args.crs,
                args.code_field,
                args.name_field,
                args.parent_field,
                args.parent_code,
                args.layer,
            )
            for p in args.paths
        ]
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    areas = pd.concat(frames, ignore_index=True)
    conn = db.connect(settings.database_url)
    try:
        above = parent_level(args.level)
        parents = store.read_areas(conn, [above]) if above else None
        problems = validation.check(areas, parents, args.tolerance)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(
                f"{len(problems)} problem(s) in {len(areas)} {args.level} area(s); nothing written",
                file=sys.stderr,
            )
            return 1
        if not args.dry_run:
            store.write_areas(conn, areas)
        print(
            f"{len(areas)} {args.level} area(s) checked" + ("" if args.dry_run else " and written")
        )
        return 0
    finally:
        conn.close()


def _demo_city(args: argparse.Namespace, settings):
    """(code, name override) of the city asked for: --city, else CITYOPS_CITY."""
    code = args.city or settings.city
    return code, (settings.city_name or None) if code == settings.city else None


def build_demo_handler(args: argparse.Namespace, settings) -> int:
    from geo import store
    from geo.cities import UnknownCity
    from geo.demo import build_demo
    from store import db

    districts = args.districts.split(",") if args.districts else None
    code, name = _demo_city(args, settings)
    try:
        areas = build_demo(
            args.seed, args.cell_size, args.cells_per_community, args.shape, districts, code, name
        )
    except (UnknownCity, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    conn = db.connect(settings.database_url)
    try:
        store.delete_all_areas(conn)
        store.write_areas(conn, areas)
    finally:
        conn.close()
    counts = areas["level"].value_counts()
    print(", ".join(f"{counts.get(level, 0)} {level}" for level in LEVELS) + " written")
    if code != settings.city:
        print(f"note: CITYOPS_CITY is {settings.city}; set CITYOPS_CITY={code} for the demo")
    return 0


def cities_handler(args: argparse.Namespace, settings) -> int:
    from geo.cities import search

    found = search(args.name)
    for city in found:
        print(f"{city.code}  {city.name_zh}  {len(city.districts)} districts")
    if not found:
        print(f"no city matches {args.name!r}", file=sys.stderr)
    return 0 if found else 1


def cells_handler(args: argparse.Namespace, settings) -> int:
    from geo import store
    from geo.fill import missing_areas
    from store import db

    size = None if args.cells_per_community else args.cell_size
    conn = db.connect(settings.database_url)
    try:
        areas = store.read_areas(conn, ["district", "street", "community"])
        if not (areas["level"] == "street").any():
            print("error: no streets in the database; bring them with `cityops geo import "
                  "--level street` (or build a demo city)", file=sys.stderr)
            return 1
        new = missing_areas(areas, store.parents_with_children(conn), size,
                            args.cells_per_community, args.shape, args.seed)
        if len(new):
            store.write_areas(conn, new, commit=False)
            store.forget_grid_lattice(conn, commit=False)
            conn.commit()
    finally:
        conn.close()
    counts = new["level"].value_counts()
    print(f"{counts.get('community', 0)} community and {counts.get('grid', 0)} grid area(s) "
          "generated" + ("" if len(new) else ": every street and community has its children"))
    return 0


def map_handler(args: argparse.Namespace, settings) -> int:
    from geo.figure import city_map, write_png

    if args.from_db:
        from geo import store
        from store import db

        conn = db.connect(settings.database_url)
        try:
            areas = store.read_areas(conn)
        finally:
            conn.close()
    else:
        from geo.demo import build_demo

        code, name = _demo_city(args, settings)
        areas = build_demo(args.seed, city=code, city_name=name)
    write_png(city_map(areas, args.centre, settings.map_centre_point), args.out)
    print(f"wrote {args.out}")
    return 0
