import numpy as np

from geo.coordinates import gcj02_to_wgs84, metres_between, wgs84_to_gcj02


def _shanghai(count: int = 20_000):
    rng = np.random.default_rng(1)
    return rng.uniform(120.85, 122.2, count), rng.uniform(30.67, 31.88, count)


def test_gcj02_round_trip_is_under_half_a_metre_across_the_city():
    lon, lat = _shanghai()
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert metres_between(lon, lat, *back).max() < 0.5
    again = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert metres_between(lon, lat, *again).max() < 0.5


def test_gcj02_offset_has_the_known_size_and_direction_in_shanghai():
    lon, lat = _shanghai(1000)
    glon, glat = wgs84_to_gcj02(lon, lat)
    offset = metres_between(lon, lat, glon, glat)
    # Around Shanghai GCJ-02 lies a few hundred metres east and south of WGS84.
    assert 300 < offset.min() and offset.max() < 700
    assert (glon > lon).all() and (glat < lat).all()


def test_no_offset_outside_china():
    lon, lat = np.array([2.35, -74.0]), np.array([48.85, 40.7])
    assert np.array_equal(wgs84_to_gcj02(lon, lat), (lon, lat))
