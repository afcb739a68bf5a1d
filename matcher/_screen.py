"""How a region screens a point, compiled: the first step of every search (``_query``).

A circle away from the poles and the antimeridian is screened by a local plane with its
error band (``geodesy``): a point is surely inside, surely outside, or *maybe* inside
(the geodesic decides after the search). Elsewhere a latitude band is a prefilter only.
A box is exact on the floats."""

import math

import numpy as np
from numpy.typing import NDArray

from matcher._jit import compiled
from matcher.geodesy import PLANE_MAX_LAT, extent_deg, plane_error_m, plane_scales
from matcher.grid import UNITS_PER_DEG, box_units, circle_box_units

#: regions
CIRCLE, BOX = 0, 1
#: how the region screens a point: a plane with its error band, a latitude band (near a
#: pole or across the antimeridian, where the plane does not hold), or a box
PLANE, BAND, BOX_SHAPE = 0, 1, 2
#: a point is outside, perhaps inside (the geodesic decides), or surely inside
OUT, MAYBE, SURE = 0, 1, 2
UNIT = 1.0 / UNITS_PER_DEG
METRES_PER_DEG = 111_195.0

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
Screen = tuple[float, float, float, float, float, float, float]
Facts = tuple[float, float, float, float, float, float, float, float]


@compiled
def region_of(kind: int, a: float, b: float, c: float, d: float) -> tuple[Screen, I64, Facts]:
    """The screen parameters, the unit boxes to cover, and the facts ``(centre lat,
    centre lon, density box south, west, north, east (NaN: none), area in square
    degrees, area in square metres)`` of a circle ``(lat, lon, radius)`` or a box."""
    nan = np.nan
    if kind == CIRCLE:
        lat, lon, radius_m = a, b, c
        dlat, dlon = extent_deg(lat, radius_m)
        boxes = circle_box_units(lat, lon, dlat, dlon)
        cos_lat = max(math.cos(math.radians(lat)), 1e-6)
        area_deg2 = math.pi * radius_m**2 / (METRES_PER_DEG**2 * cos_lat)
        area_m2 = math.pi * radius_m**2
        if abs(lat) <= PLANE_MAX_LAT and lon - dlon >= -180.0 and lon + dlon <= 180.0:
            band_m = plane_error_m(lat, radius_m, True)
            ky, kx = plane_scales(lat)
            inner, outer = max(radius_m - band_m, 0.0) ** 2, (radius_m + band_m) ** 2
            screen = (float(PLANE), lat, lon, ky, kx, inner, outer)
            south, west, north, east = lat - dlat, lon - dlon, lat + dlat, lon + dlon
        else:
            # a prefilter only: a unit of slack for positions stored in units
            screen = (float(BAND), lat - dlat - UNIT, lat + dlat + UNIT, 0.0, 0.0, 0.0, 0.0)
            south = west = north = east = nan
        facts = (lat, lon, south, west, north, east, area_deg2, area_m2)
    else:
        south, west, north, east = a, b, c, d
        boxes = box_units(south, west, north, east)
        width = east - west if west <= east else east - west + 360.0
        centre_lon = west + width / 2
        centre_lon = centre_lon - 360.0 if centre_lon > 180.0 else centre_lon
        screen = (float(BOX_SHAPE), south, west, north, east, 0.0, 0.0)
        if west <= east:
            box_area = (north - south) * (east - west)
            facts = ((south + north) / 2, centre_lon, south, west, north, east, box_area, nan)
        else:
            facts = ((south + north) / 2, centre_lon, nan, nan, nan, nan, nan, nan)
    return screen, boxes, facts


@compiled
def screen_point(screen: Screen, lat: float, lon: float) -> int:
    """OUT, MAYBE or SURE for a point in degrees (exact, or stored units times UNIT:
    the plane's band covers that rounding, a box's test is then redone on the floats)."""
    shape = screen[0]
    if shape == PLANE:
        dy = (lat - screen[1]) * screen[3]
        dx = (lon - screen[2]) * screen[4]
        d2 = dx * dx + dy * dy
        if d2 <= screen[5]:
            return SURE
        return MAYBE if d2 <= screen[6] else OUT
    if shape == BAND:
        return MAYBE if screen[1] <= lat <= screen[2] else OUT
    south, west, north, east = screen[1], screen[2], screen[3], screen[4]
    if not south <= lat <= north:
        return OUT
    if west <= east:
        return SURE if west <= lon <= east else OUT
    return SURE if lon >= west or lon <= east else OUT


@compiled
def screen_entry(screen: Screen, lat_u: int, lon_u: int, lat: F64, lon: F64, pos: int) -> int:
    """``_screen`` for a bucket entry in units. A stored position is within half a unit
    of the true one: the plane's band covers that; a box decides points more than a
    unit from its edges, and reads the floats of the others."""
    y, x = lat_u * UNIT, lon_u * UNIT
    if screen[0] != BOX_SHAPE:
        return screen_point(screen, y, x)
    south, west, north, east = screen[1], screen[2], screen[3], screen[4]
    if y < south - UNIT or y > north + UNIT:
        return OUT
    if west <= east:
        if x < west - UNIT or x > east + UNIT:
            return OUT
        lon_sure = west + UNIT <= x <= east - UNIT
    else:
        if east + UNIT < x < west - UNIT:
            return OUT
        lon_sure = x >= west + UNIT or x <= east - UNIT
    if lon_sure and south + UNIT <= y <= north - UNIT:
        return SURE
    return screen_point(screen, lat[pos], lon[pos])
