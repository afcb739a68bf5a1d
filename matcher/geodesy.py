"""Distances on the WGS84 ellipsoid: the exact geodesic, a cheap local plane, and the
error bound that lets the plane decide every point except those within the bound of the
circle.

The exact distance is pyproj's (Karney's algorithm), the one the contract promises. The
plane is an equirectangular projection centred on the query, with the ellipsoid's
meridional and parallel scales at the query latitude: two multiplies per point. Its
error comes from the parallel's scale changing with latitude (first order: it grows as
``r**2 tan(lat) / a``) and from the curvature of the ellipsoid (``r**3 / a**2``).
Measured against pyproj over 200 000 random pairs per case, up to 80 degrees of latitude
and radii of 20 m to 50 km, the largest error is ``0.19 r**2 (tan|lat| + 0.01) / a``;
the bound used here is twice that plus a cubic term, plus the rounding of stored
positions. ``tests/engine/test_geodesy.py`` checks it on fresh samples.
"""

import math

import numpy as np
from numpy.typing import NDArray
from pyproj import Geod

from matcher._jit import compiled

GEOD = Geod(ellps="WGS84")
EQUATORIAL_RADIUS_M = 6_378_137.0
FLATTENING = 1 / 298.257223563
E2 = FLATTENING * (2 - FLATTENING)
#: the smallest meridional radius of curvature (at the equator): no geodesic of length d
#: changes latitude by more than d / MIN_MERIDIONAL_RADIUS_M radians.
MIN_MERIDIONAL_RADIUS_M = EQUATORIAL_RADIUS_M * (1 - E2)
#: the local plane is trusted up to this latitude; beyond, distances are all exact.
PLANE_MAX_LAT = 80.0
DEG = math.pi / 180
#: a stored position is rounded to 1e-7 degree: at most this many metres off on each axis.
ROUNDING_M = 0.5e-7 * DEG * EQUATORIAL_RADIUS_M / (1 - E2)

FloatArray = NDArray[np.float64]


def inverse_in_place(rows: FloatArray) -> None:
    """pyproj's inverse geodesic (Karney's algorithm: the distances the contract
    promises) over the rows ``lon1, lat1, lon2, lat2`` of a C-ordered array, in
    degrees: the distances in metres replace row 2 (rows 0 and 1 get the azimuths).

    ``Geod._inv`` is what ``Geod.inv`` calls after copying its arguments into buffers;
    the compiled search lays its candidates out as those buffers, which saves the copies
    (a fifth of the time for 20 points). pyproj is pinned below 3.8 for it, and a test
    compares the result with ``Geod.inv``."""
    if rows.shape[1]:
        GEOD._inv(rows[0], rows[1], rows[2], rows[3], False, True)


@compiled
def extent_deg(lat: float, radius_m: float) -> tuple[float, float]:
    """Half-sizes ``(dlat, dlon)`` in degrees of a box that holds every point within
    ``radius_m`` of a point at latitude ``lat``; ``dlon`` is infinite when the circle may
    reach a pole (then every longitude is possible).

    Why it holds: the metric is ``ds^2 = M^2 dlat^2 + (N cos lat)^2 dlon^2`` with
    ``M >= MIN_MERIDIONAL_RADIUS_M`` and ``N >= a``, so a path of length ``r`` moves at
    most ``r / M_min`` in latitude and, staying within that band, at most
    ``r / (a cos lat_max)`` in longitude. A relative margin of 1e-9 covers rounding."""
    dlat = radius_m / MIN_MERIDIONAL_RADIUS_M / DEG * (1 + 1e-9) + 1e-9
    lat_max = abs(lat) + dlat
    if lat_max >= 89.999:
        return dlat, math.inf
    dlon = radius_m / (EQUATORIAL_RADIUS_M * math.cos(lat_max * DEG)) / DEG * (1 + 1e-9) + 1e-9
    return dlat, dlon


@compiled
def plane_error_m(lat: float, radius_m: float, rounded: bool) -> float:
    """How far the plane distance can be from the geodesic for points up to ``radius_m``
    (plus a little) from a query at ``lat``; ``rounded`` adds the rounding of positions
    stored as int32 units of 1e-7 degree. Only valid for ``|lat| <= PLANE_MAX_LAT``."""
    reach_m = radius_m * 1.01 + 1.0
    lat_max = min(abs(lat) + reach_m / MIN_MERIDIONAL_RADIUS_M / DEG, 89.0) * DEG
    a = EQUATORIAL_RADIUS_M
    error = 0.4 * reach_m**2 * (math.tan(lat_max) + 0.01) / a
    error += 0.2 * reach_m**3 / (a * math.cos(lat_max)) ** 2 + 1e-6
    if rounded:
        error += 2 * ROUNDING_M
    return error


@compiled
def plane_scales(lat: float) -> tuple[float, float]:
    """Metres per degree of latitude and of longitude at ``lat`` (the ellipsoid's
    meridional and parallel radii): the local plane of a query at that latitude is
    ``dy = (lat' - lat) * ky``, ``dx = (lon' - lon) * kx``."""
    sin_lat = math.sin(lat * DEG)
    w = 1 - E2 * sin_lat * sin_lat
    ky = EQUATORIAL_RADIUS_M * (1 - E2) / w**1.5 * DEG
    kx = EQUATORIAL_RADIUS_M / math.sqrt(w) * math.cos(lat * DEG) * DEG
    return ky, kx
