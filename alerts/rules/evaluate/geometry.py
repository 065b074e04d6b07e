"""Point in polygon by ray casting: enough for the handful of zones a rule names."""

from __future__ import annotations

from collections.abc import Sequence

Ring = Sequence[tuple[float, float]]


def inside(lon: float, lat: float, ring: Ring) -> bool:
    """Whether (lon, lat) is inside the ring; the ring need not repeat its first point."""
    result = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            result = not result
        j = i
    return result


def zone_of(lon: float, lat: float, zones: Sequence[tuple[str, Ring]]) -> str | None:
    """The name of the first zone holding the point, or None."""
    for name, ring in zones:
        if inside(lon, lat, ring):
            return name
    return None
