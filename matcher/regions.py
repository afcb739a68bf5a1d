"""Regions: city boundaries and association service areas, as GeoJSON polygons.

Used to reject posts outside a city and to find who serves a place. A point on the
boundary counts as inside (an address on the boundary street belongs to the city)."""

import json
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import shape

from matcher import validate
from matcher.errors import InvalidQuery

_AREAL_TYPES = ("Polygon", "MultiPolygon")


class Region:
    """A (multi)polygon on WGS84 longitudes/latitudes, prepared for fast point tests.

    Coordinates are planar degrees, as RFC 7946 GeoJSON means them; polygons crossing
    the antimeridian are not supported (split them into a MultiPolygon)."""

    __slots__ = ("_geometry",)

    def __init__(self, geometry: shapely.Geometry) -> None:
        shapely.prepare(geometry)
        self._geometry = geometry

    @classmethod
    def from_geojson(cls, obj: Mapping[str, Any] | str) -> "Region":
        """A region from a GeoJSON Polygon or MultiPolygon geometry, a Feature holding
        one, or a FeatureCollection of them (their union). ``obj`` is a parsed mapping
        or JSON text. Raises InvalidQuery saying what is wrong with it."""
        if isinstance(obj, str):
            try:
                obj = json.loads(obj)
            except json.JSONDecodeError as error:
                raise InvalidQuery(f"geojson is not valid JSON: {error}") from None
        parts = [_polygonal(geometry) for geometry in _geometries(obj)]
        if not parts:
            raise InvalidQuery("geojson FeatureCollection has no features")
        geometry = parts[0] if len(parts) == 1 else shapely.union_all(parts)
        return cls(geometry)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(south, west, north, east)``, the argument order of ``Index.within_box``."""
        west, south, east, north = self._geometry.bounds
        return south, west, north, east

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies inside the region or on its boundary."""
        lat = validate.latitude(lat)
        lon = validate.longitude(lon)
        return bool(shapely.intersects_xy(self._geometry, lon, lat))

    def contains_many(self, lat: ArrayLike, lon: ArrayLike) -> NDArray[np.bool_]:
        """``contains`` for arrays of points at once (vectorised, no Python loop);
        points outside the valid lat/lon domain or not finite are simply outside."""
        lat_array = np.asarray(lat, dtype=np.float64)
        lon_array = np.asarray(lon, dtype=np.float64)
        if lat_array.shape != lon_array.shape:
            raise InvalidQuery(
                f"lat and lon must have the same shape, got {lat_array.shape} and {lon_array.shape}"
            )
        # intersects, not contains: a point on the boundary is inside.
        return np.asarray(shapely.intersects_xy(self._geometry, lon_array, lat_array), dtype=bool)


def _geometries(obj: object) -> list[Mapping[str, Any]]:
    """The GeoJSON geometry objects inside a geometry, Feature or FeatureCollection."""
    if not isinstance(obj, Mapping):
        raise InvalidQuery(f"geojson must be a JSON object, got {type(obj).__name__}")
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            raise InvalidQuery("geojson FeatureCollection needs a 'features' list")
        return [geometry for feature in features for geometry in _feature_geometry(feature)]
    if kind == "Feature":
        return _feature_geometry(obj)
    return [obj]


def _feature_geometry(feature: object) -> list[Mapping[str, Any]]:
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise InvalidQuery("geojson features must be objects of type 'Feature'")
    geometry = feature.get("geometry")
    if not isinstance(geometry, Mapping):
        raise InvalidQuery("geojson Feature needs a Polygon or MultiPolygon 'geometry'")
    return [geometry]


def _polygonal(geometry: Mapping[str, Any]) -> shapely.Geometry:
    """A valid shapely (multi)polygon with coordinates in the lon/lat domain."""
    kind = geometry.get("type")
    if kind not in _AREAL_TYPES:
        raise InvalidQuery(f"geojson geometry must be a Polygon or MultiPolygon, got {kind!r}")
    try:
        with warnings.catch_warnings():  # NaN coordinates warn; they are refused below
            warnings.simplefilter("ignore", RuntimeWarning)
            result = shape(geometry)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise InvalidQuery(f"geojson {kind} has malformed coordinates: {error}") from None
    if result.is_empty:
        raise InvalidQuery(f"geojson {kind} is empty")
    if not np.isfinite(shapely.get_coordinates(result)).all():
        raise InvalidQuery(f"geojson {kind} has coordinates that are not finite numbers")
    west, south, east, north = result.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise InvalidQuery(
            f"geojson {kind} coordinates must be [lon, lat] within [-180, 180] x [-90, 90]"
        )
    if not result.is_valid:
        reason = shapely.is_valid_reason(result)
        raise InvalidQuery(f"geojson {kind} is not a valid polygon: {reason}")
    return result
