"""Split a polygon into parts of given relative areas (seeded).

Used where real boundaries are missing: a district is cut into its real
streets, a street into communities. Recursive bisection by straight cuts:
each cut divides the remaining weights in two and is placed, by bisection on
its offset, so that each side gets its share of the area. Cuts run across
the polygon's long axis with a seeded random tilt, which gives believable,
compact shapes.

All cutting happens in longitude/latitude: a straight line there is a
straight line in the local metric plane too, and a linear map keeps area
ratios, so the shares stay right while every vertex of a child is computed
from its parent's vertices directly (no reprojection round trip, which would
open hairline gaps between siblings).
"""

from __future__ import annotations

import math

import numpy as np
import shapely

_TILT_DEGREES = 25.0
_OFFSET_STEPS = 24


def _axis(polygon, x_scale: float, rng: np.random.Generator) -> tuple[float, float]:
    """Unit direction across which to cut, in the metric-like (x*scale, y) plane."""
    rectangle = shapely.oriented_envelope(polygon)
    xy = np.asarray(rectangle.exterior.coords)[:3] if rectangle.geom_type == "Polygon" else None
    if xy is None:
        angle = 0.0
    else:
        xy = xy * [x_scale, 1.0]
        edges = np.diff(xy, axis=0)
        longest = edges[np.argmax(np.hypot(edges[:, 0], edges[:, 1]))]
        angle = math.atan2(longest[1], longest[0])
    angle += math.radians(rng.uniform(-_TILT_DEGREES, _TILT_DEGREES))
    return math.cos(angle), math.sin(angle)


def _half_plane(direction, x_scale: float, offset: float, bounds, origin):
    """The polygon {p : (p - origin) . direction <= offset}, large enough to hold bounds."""
    dx, dy = direction
    # Direction and its normal mapped back to degrees of longitude/latitude.
    along = np.array([dx / x_scale, dy])
    normal = np.array([-dy / x_scale, dx])
    reach = 4.0 * max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1e-9)
    centre = np.asarray(origin) + along * offset
    far = centre - along * reach / max(np.hypot(*along), 1e-12)
    side = normal * reach / max(np.hypot(*normal), 1e-12)
    return shapely.Polygon([centre + side, centre - side, far - side, far + side])


def _cut(polygon, share: float, x_scale: float, rng: np.random.Generator):
    direction = _axis(polygon, x_scale, rng)
    origin = shapely.centroid(polygon).coords[0]
    xy = shapely.get_coordinates(polygon)
    projected = (xy[:, 0] - origin[0]) * x_scale * direction[0] + (
        xy[:, 1] - origin[1]
    ) * direction[1]
    low, high = projected.min(), projected.max()
    bounds = polygon.bounds
    target = share * polygon.area
    for _ in range(_OFFSET_STEPS):
        middle = (low + high) / 2
        if (
            shapely.intersection(
                polygon, _half_plane(direction, x_scale, middle, bounds, origin)
            ).area
            < target
        ):
            low = middle
        else:
            high = middle
    plane = _half_plane(direction, x_scale, (low + high) / 2, bounds, origin)
    return shapely.intersection(polygon, plane), shapely.difference(polygon, plane)


def split(polygon, weights, rng: np.random.Generator) -> list:
    """Cut polygon into len(weights) parts whose areas follow weights.

    The parts come back in the order of weights; together they cover the
    polygon exactly and do not overlap.
    """
    weights = [float(w) for w in weights]
    if len(weights) == 1:
        return [polygon]
    lat = shapely.centroid(polygon).y
    x_scale = math.cos(math.radians(lat))
    cumulative = np.cumsum(weights)
    half = int(np.argmin(np.abs(cumulative[:-1] - cumulative[-1] / 2))) + 1
    first, second = _cut(polygon, cumulative[half - 1] / cumulative[-1], x_scale, rng)
    return split(first, weights[:half], rng) + split(second, weights[half:], rng)
