"""The device registry file (JSONL or CSV) and how it gets into the store.

An installer's `cityops devices import FILE` and the admin page's upload read it; the
simulator writes one for the devices it streams. Import places each device by its
coordinates, so a file from elsewhere needs no codes of ours.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from psycopg2.extras import Json

from store import devices as store_devices
from store.admin_audit import AdminActor

FIELDS = ("device_id", "kind", "name", "lon", "lat", "grid_code", "community_code",
          "street_code", "district_code", "meta")


def write(path: Path, registry: Iterable[dict]) -> None:
    """JSONL, or CSV when the name ends in .csv (meta as a JSON column)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        if path.suffix.lower() == ".csv":
            writer = csv.DictWriter(out, FIELDS)
            writer.writeheader()
            for row in registry:
                writer.writerow({**row, "meta": json.dumps(row.get("meta") or {},
                                                           ensure_ascii=False)})
        else:
            for row in registry:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


def read(path: Path) -> list[dict]:
    """Rows of a registry file; every row needs device_id and kind."""
    with path.open(encoding="utf-8", newline="") as src:
        if path.suffix.lower() == ".csv":
            found = [dict(r, meta=json.loads(r["meta"]) if r.get("meta") else {})
                     for r in csv.DictReader(src)]
        else:
            found = [json.loads(line) for line in src if line.strip()]
    for number, row in enumerate(found, start=1):
        if not row.get("device_id") or not row.get("kind"):
            raise ValueError(f"{path}: row {number} has no device_id or kind")
    return found


def place_by_coordinates(registry: list[dict], assigner) -> list[dict]:
    """Codes from where each device stands (the file's own codes are not trusted)."""
    def coordinate(row: dict, name: str) -> float:
        value = row.get(name)
        return float(value) if value not in (None, "") else float("nan")

    lon = [coordinate(r, "lon") for r in registry]
    lat = [coordinate(r, "lat") for r in registry]
    codes = assigner.assign(lon, lat)
    placed = []
    for i, row in enumerate(registry):
        found = {c: codes[c].iat[i] for c in ("grid_code", "community_code", "street_code",
                                              "district_code")}
        found = {c: (None if v != v else str(v)) for c, v in found.items()}  # NaN: not placed
        placed.append({**row, **found, "lon": None if lon[i] != lon[i] else lon[i],
                       "lat": None if lat[i] != lat[i] else lat[i],
                       "placed": found["district_code"] is not None})
    return placed


def upsert(conn, registry: list[dict], actor: AdminActor | None = None) -> int:
    """Register the file's devices; an admin's import names its `actor` for the audit."""
    return store_devices.upsert(conn, [{**r, "meta": Json(r.get("meta") or {})}
                                       for r in registry], actor)
