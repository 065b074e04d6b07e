"""Devices stand inside the city, in believable numbers, and the registry file round-trips."""

import shapely

from geo.assignment import Assigner
from sim import registry
from sim.kinds import TYPES, counts
from sim.placement import place
from store import device_file


def test_devices_stand_in_their_grid_cell(cells) -> None:
    devices = place(cells, 1000, 3)
    inside = shapely.contains_xy(cells.geometry[devices.cell], devices.lon, devices.lat)
    assert inside.mean() > 0.99  # rounding to 1e-6 degree may push one over an edge
    assert len(set(devices.ids)) == 1000
    shares = {t.name: n / 1000 for t, n in zip(TYPES, counts(1000), strict=True)}
    assert shares["streetlight"] > shares["smoke_detector"] > shares["bridge"] > 0


def test_urban_streets_get_more_devices_than_towns(cells) -> None:
    devices = place(cells, 3000, 3)
    urban = cells.urban[devices.cell]
    per_cell_urban = urban.sum() / cells.urban.sum()
    per_cell_town = (~urban).sum() / max((~cells.urban).sum(), 1)
    assert per_cell_urban > 2 * per_cell_town


def test_registry_files_round_trip_and_import_places_by_coordinates(cells, small_areas,
                                                                     tmp_path) -> None:
    rows = registry.rows(cells, place(cells, 200, 4))
    assigner = Assigner.from_areas(small_areas)
    for name in ("devices.jsonl", "devices.csv"):
        device_file.write(tmp_path / name, rows)
        back = device_file.read(tmp_path / name)
        assert [r["device_id"] for r in back] == [r["device_id"] for r in rows]
        placed = device_file.place_by_coordinates(back, assigner)
        agree = sum(p["grid_code"] == r["grid_code"] for p, r in zip(placed, rows, strict=True))
        assert agree >= 198 and all(p["placed"] for p in placed)
        assert placed[0]["meta"]["type"] == rows[0]["meta"]["type"]
