"""A small PMTiles archive over Grenoble, built as a city would get one from a Protomaps
extract: vector tiles (MVT, gzip-compressed) whose layers carry the Protomaps basemap
names (``earth``, ``water``, ``roads``), so the map draws them with its usual style.

What it holds, in WGS84: land over the whole area, a band of water across it (one
latitude band, easy to find in the drawn pixels), and a grid of major roads."""

import gzip
import math
from pathlib import Path

import mapbox_vector_tile
import numpy as np
import shapely
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write
from shapely import clip_by_rect
from shapely.geometry import LineString, box
from shapely.geometry.base import BaseGeometry

# West, south, east, north: the city boundary's box (data/grenoble-boundary.geojson).
BOUNDS = (5.638, 45.118, 5.82, 45.232)
WATER_LATS = (45.195, 45.201)
ROAD_SPACING_DEG = 0.01
MIN_ZOOM, MAX_ZOOM = 10, 15
CENTRE_ZOOM = 12
EARTH_RADIUS_M = 6378137.0
EXTENT = 4096  # a tile's grid, as vector tiles usually have it


def lonlat_to_mercator(shape: BaseGeometry) -> BaseGeometry:
    """Web Mercator metres (EPSG:3857), the plane tiles are cut from."""

    def project(lonlat: np.ndarray) -> np.ndarray:
        lon, lat = np.radians(lonlat).T
        return np.column_stack([lon, np.log(np.tan(np.pi / 4 + lat / 2))]) * EARTH_RADIUS_M

    return shapely.transform(shape, project)


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def tile_bounds_m(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's box in Web Mercator metres: west, south, east, north."""
    size_m = 2 * math.pi * EARTH_RADIUS_M / (1 << z)
    west = -math.pi * EARTH_RADIUS_M + x * size_m
    north = math.pi * EARTH_RADIUS_M - y * size_m
    return west, north - size_m, west + size_m, north


def features() -> dict[str, list[tuple[BaseGeometry, dict[str, str]]]]:
    """The archive's layers, as Web Mercator shapes with their Protomaps properties."""
    west, south, east, north = BOUNDS
    roads = []
    lon = west
    while lon <= east:
        roads.append(LineString([(lon, south), (lon, north)]))
        lon += ROAD_SPACING_DEG
    lat = south
    while lat <= north:
        roads.append(LineString([(west, lat), (east, lat)]))
        lat += ROAD_SPACING_DEG

    return {
        "earth": [(lonlat_to_mercator(box(*BOUNDS)), {"kind": "earth"})],
        "water": [
            (lonlat_to_mercator(box(west, WATER_LATS[0], east, WATER_LATS[1])), {"kind": "water"})
        ],
        "roads": [
            (lonlat_to_mercator(road), {"kind": "major_road", "name": f"Avenue {number}"})
            for number, road in enumerate(roads)
        ],
    }


def to_tile_units(shape: BaseGeometry, bounds: tuple[float, float, float, float]) -> BaseGeometry:
    """From Web Mercator metres to the tile's integer grid (y up: the encoder flips it)."""
    west, south, east, _ = bounds
    scale = EXTENT / (east - west)
    return shapely.transform(shape, lambda xy: np.round((xy - (west, south)) * scale))


def encode_tile(z: int, x: int, y: int, layers: dict) -> bytes:
    bounds = tile_bounds_m(z, x, y)
    margin = (bounds[2] - bounds[0]) / 16  # lines and edges run on past the tile's edge
    clip = (bounds[0] - margin, bounds[1] - margin, bounds[2] + margin, bounds[3] + margin)
    encoded = []
    for name, shapes in layers.items():
        clipped = [
            (to_tile_units(clip_by_rect(shape, *clip), bounds), properties)
            for shape, properties in shapes
        ]
        kept = [
            {"geometry": shape, "properties": properties}
            for shape, properties in clipped
            if not shape.is_empty
        ]
        if kept:
            encoded.append({"name": name, "features": kept})
    return bytes(mapbox_vector_tile.encode(encoded, default_options={"extents": EXTENT}))


def build_archive(path: Path) -> Path:
    """Write the archive to ``path``: every tile over ``BOUNDS`` from zoom 10 to 15."""
    west, south, east, north = BOUNDS
    layers = features()
    tiles = {}
    for z in range(MIN_ZOOM, MAX_ZOOM + 1):
        x_min, y_min = lonlat_to_tile(west, north, z)
        x_max, y_max = lonlat_to_tile(east, south, z)
        for x in range(x_min, x_max + 1):
            for y in range(y_min, y_max + 1):
                tiles[zxy_to_tileid(z, x, y)] = encode_tile(z, x, y, layers)
    with write(path) as writer:
        for tile_id in sorted(tiles):  # clustered, as the format prefers
            writer.write_tile(tile_id, gzip.compress(tiles[tile_id], mtime=0))
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.GZIP,
                "min_lon_e7": int(west * 1e7),
                "min_lat_e7": int(south * 1e7),
                "max_lon_e7": int(east * 1e7),
                "max_lat_e7": int(north * 1e7),
                "center_zoom": CENTRE_ZOOM,
                "center_lon_e7": int((west + east) / 2 * 1e7),
                "center_lat_e7": int((south + north) / 2 * 1e7),
            },
            {
                "name": "voisinage test basemap",
                "vector_layers": [{"id": name, "fields": {}} for name in layers],
            },
        )
    return path
