"""Coordinate systems met in Chinese city data, converted to WGS84 at the edges.

GCJ-02 is the obfuscated system that Chinese web maps (Amap, Tencent) use: a
non-linear offset of a few hundred metres from WGS84. The forward formula is
public; the inverse has no closed form, so it is found by fixed-point
iteration. CGCS2000 (EPSG:4490) agrees with WGS84 to a few centimetres, far
below the precision of any boundary we load, so it is taken as WGS84.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

SYSTEMS: tuple[str, ...] = ("wgs84", "gcj02", "cgcs2000")

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 formula uses
_EE = 0.00669342162296594323


def _outside_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    # The offset is only applied inside this box; outside it GCJ-02 == WGS84.
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 105.0
    y = lat - 35.0
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = _outside_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 -> GCJ-02 for arrays of longitudes and latitudes (degrees)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, iterations: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> WGS84 by fixed-point iteration on the forward formula.

    The offset changes by well under 1% per degree, so each step shrinks the
    error about a hundredfold; a few steps reach micrometres.
    """
    target_lon = np.asarray(lon, dtype=float)
    target_lat = np.asarray(lat, dtype=float)
    wlon, wlat = target_lon.copy(), target_lat.copy()
    for _ in range(iterations):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        wlon -= glon - target_lon
        wlat -= glat - target_lat
    return wlon, wlat


def _transform(geometries, function):
    def coordinates(xy: np.ndarray) -> np.ndarray:
        lon, lat = function(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(np.asarray(geometries, dtype=object), coordinates)


def to_wgs84(frame: gpd.GeoDataFrame, system: str) -> gpd.GeoDataFrame:
    """Bring a frame read from a file into WGS84, given its declared system.

    A projected file (metres) is first unprojected with its own CRS; the
    declared system then says which geographic datum the degrees are in.
    """
    if system not in SYSTEMS:
        raise ValueError(f"unknown coordinate system {system!r}; expected one of {SYSTEMS}")
    frame = frame.copy()
    if frame.crs is not None and frame.crs.is_projected:
        frame = frame.to_crs("EPSG:4490" if system == "cgcs2000" else "EPSG:4326")
    geometry = frame.geometry.values
    if system == "gcj02":
        geometry = _transform(geometry, gcj02_to_wgs84)
    return frame.set_geometry(list(geometry), crs="EPSG:4326")


def metres_between(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres (haversine, mean Earth radius)."""
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371008.8 * np.arcsin(np.sqrt(a))
