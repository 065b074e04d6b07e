"""An optional base map under the layers: raster tiles from the city's own tile server.

Offline first: with no `CITYOPS_MAP_TILE_URL` the map is plain axes and nothing is fetched.
With one, the tiles covering the area are laid under the same figure as layout images, so
every layer, every refresh and every Patch path stay exactly as they are offline. The URL
is a template with {z}, {x} and {y} (slippy-map tiles, WGS84 longitude/latitude); over an
area the size of a city, treating a tile's Mercator rows as linear in latitude is off by
well under a pixel.
"""

from __future__ import annotations

import math

from layers.frame import Extent

# Tiles across the area's width: enough for detail on a 4K wall, few enough to load fast.
TILES_ACROSS = 8
MAX_ZOOM = 18


def zoom_for(extent: Extent, across: int = TILES_ACROSS) -> int:
    width = max(extent[2] - extent[0], 1e-6)
    return max(0, min(MAX_ZOOM, round(math.log2(360 * across / width) - 0.5)))


def tile_x(lon: float, zoom: int) -> int:
    return int((lon + 180) / 360 * 2 ** zoom)


def tile_y(lat: float, zoom: int) -> int:
    radians = math.radians(lat)
    return int((1 - math.asinh(math.tan(radians)) / math.pi) / 2 * 2 ** zoom)


def tile_lon(x: int, zoom: int) -> float:
    return x / 2 ** zoom * 360 - 180


def tile_lat(y: int, zoom: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2 ** zoom))))


def tile_images(url: str, extent: Extent) -> list[dict]:
    """Layout images, one per tile covering the extent, placed at the tile's bounds."""
    zoom = zoom_for(extent)
    lon0, lat0, lon1, lat1 = extent
    images = []
    for x in range(tile_x(lon0, zoom), tile_x(lon1, zoom) + 1):
        for y in range(tile_y(lat1, zoom), tile_y(lat0, zoom) + 1):
            west, north = tile_lon(x, zoom), tile_lat(y, zoom)
            east, south = tile_lon(x + 1, zoom), tile_lat(y + 1, zoom)
            images.append({"source": url.format(z=zoom, x=x, y=y), "xref": "x", "yref": "y",
                           "x": west, "y": north, "sizex": east - west, "sizey": north - south,
                           "xanchor": "left", "yanchor": "top", "sizing": "stretch",
                           "layer": "below", "opacity": 0.55})
    return images
