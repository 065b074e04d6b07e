"""The simulator's devices as registry rows (the file's shape: store/device_file.py), so
that an installer's `cityops devices import FILE` registers the same devices it streams."""

from __future__ import annotations

from sim.placement import Cells, Devices


def rows(cells: Cells, devices: Devices) -> list[dict]:
    """One registry row per simulated device."""
    made = []
    for i, device_id in enumerate(devices.ids):
        kind = devices.types[devices.type_index[i]]
        cell = devices.cell[i]
        made.append({
            "device_id": device_id, "kind": kind.kind,
            "name": f"{cells.names.get(cells.community[cell], '')}{kind.label_zh}{i + 1}",
            "lon": float(devices.lon[i]), "lat": float(devices.lat[i]),
            "grid_code": cells.codes[cell], "community_code": cells.community[cell],
            "street_code": cells.street[cell], "district_code": cells.district[cell],
            "meta": {"type": kind.name, "interval_s": kind.interval_s, "simulated": True},
        })
    return made
