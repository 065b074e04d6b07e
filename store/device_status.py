"""A device's status, the one definition: what `device_state.status` may hold, the status
of a device that never reported, and the colour each is drawn in."""

from __future__ import annotations

# What ingest keeps in device_state.status.
STATUSES: tuple[str, ...] = ("normal", "alarm", "offline")

# A registered device with no state row yet: it has never reported.
NO_DATA = "no_data"

# The wall map's colours; the triage console's small map and chart use the same.
COLOURS: dict[str, str] = {"normal": "#2bd4a4", "alarm": "#ff4d4f", "offline": "#66758c"}
