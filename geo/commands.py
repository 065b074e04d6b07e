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
        "build-demo", help="build demo Shanghai and write it to the database"
    )
    demo.add_argument("--seed", type=int, default=1)
    size = demo.add_mutually_exclusive_group()
    size.add_argument("--cell-size", type=float, default=500.0, help="grid cell size in metres")
    size.add_argument("--cells-per-community", type=int, help="target cells per community instead")
    demo.add_argument("--shape", choices=SHAPES, default="square")
    demo.add_argument("--districts", help="comma-separated district codes (default: all 16)")
    demo.set_defaults(func=build_demo_handler)

    picture = commands.add_parser("map", help="draw districts, streets and grid cells to a PNG")
    picture.add_argument("--out", required=True, help="PNG path")
    picture.add_argument("--seed", type=int, default=1, help="demo seed when not --from-db")
    picture.add_argument("--from-db", action="store_true", help="draw the areas in the database")
    picture.add_argument(
        "--centre", action="store_true", help="the central districts, with street names"
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


def build_demo_handler(args: argparse.Namespace, settings) -> int:
    from geo import store
    from geo.demo import build_demo
    from store import db

    districts = args.districts.split(",") if args.districts else None
    areas = build_demo(args.seed, args.cell_size, args.cells_per_community, args.shape, districts)
    conn = db.connect(settings.database_url)
    try:
        store.delete_all_areas(conn)
        store.write_areas(conn, areas)
    finally:
        conn.close()
    counts = areas["level"].value_counts()
    print(", ".join(f"{counts.get(level, 0)} {level}" for level in LEVELS) + " written")
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

        areas = build_demo(args.seed)
    write_png(city_map(areas, centre=args.centre), args.out)
    print(f"wrote {args.out}")
    return 0
