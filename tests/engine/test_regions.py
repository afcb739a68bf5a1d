"""Region: point in a (multi)polygon, boundary inclusive, holes excluded."""

import json

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from matcher import InvalidQuery, Region

# A 1 x 1 degree square with a 0.2 x 0.2 hole in its middle ([lon, lat], as GeoJSON says).
SQUARE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[5.0, 45.0], [6.0, 45.0], [6.0, 46.0], [5.0, 46.0], [5.0, 45.0]],
        [[5.4, 45.4], [5.4, 45.6], [5.6, 45.6], [5.6, 45.4], [5.4, 45.4]],
    ],
}
TWO_ISLANDS = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]],  # a triangle
        [[[10.0, 10.0], [11.0, 10.0], [11.0, 11.0], [10.0, 11.0], [10.0, 10.0]]],
    ],
}


@pytest.mark.parametrize(
    "lat, lon, inside",
    [
        (45.2, 5.2, True),  # inside
        (46.5, 5.5, False),  # north of it
        (45.5, 4.9, False),  # west of it
        (45.0, 5.5, True),  # on the southern edge
        (46.0, 6.0, True),  # on a corner
        (45.5, 5.5, False),  # in the hole
        (45.4, 5.5, True),  # on the hole's edge: still on the region's boundary
        (45.45, 5.45, False),  # just inside the hole
        (45.39, 5.5, True),  # just outside the hole
    ],
)
def test_square_with_a_hole(lat, lon, inside):
    region = Region.from_geojson(SQUARE_WITH_HOLE)
    assert region.contains(lat, lon) is inside
    assert region.contains_many([lat], [lon]).tolist() == [inside]


@pytest.mark.parametrize(
    "lat, lon, inside",
    [
        (0.2, 0.8, True),  # in the triangle
        (0.8, 0.2, False),  # in the triangle's bounding box, not in it
        (0.5, 0.5, True),  # on its hypotenuse
        (10.5, 10.5, True),  # in the second island
        (5.0, 5.0, False),  # between the islands
    ],
)
def test_multipolygon(lat, lon, inside):
    assert Region.from_geojson(TWO_ISLANDS).contains(lat, lon) is inside


def test_feature_collection_is_the_union_and_json_text_is_accepted():
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": SQUARE_WITH_HOLE},
            {"type": "Feature", "properties": {"name": "islands"}, "geometry": TWO_ISLANDS},
        ],
    }
    region = Region.from_geojson(json.dumps(collection))
    assert region.contains(45.2, 5.2) and region.contains(10.5, 10.5)
    assert not region.contains(45.5, 5.5) and not region.contains(5.0, 5.0)
    assert region.bounds == (0.0, 0.0, 46.0, 11.0)  # (south, west, north, east)
    feature = Region.from_geojson({"type": "Feature", "geometry": TWO_ISLANDS, "properties": None})
    assert feature.bounds == (0.0, 0.0, 11.0, 11.0)


@given(
    lat=st.lists(st.floats(44.9, 46.1), min_size=1, max_size=50),
    lon=st.lists(st.floats(4.9, 6.1), min_size=50, max_size=50),
)
def test_contains_many_agrees_with_shapely_covers(lat, lon):
    lon = lon[: len(lat)]
    region = Region.from_geojson(SQUARE_WITH_HOLE)
    polygon = shapely.geometry.shape(SQUARE_WITH_HOLE)
    expected = [polygon.covers(shapely.Point(x, y)) for y, x in zip(lat, lon, strict=True)]
    assert region.contains_many(np.array(lat), np.array(lon)).tolist() == expected
    assert [region.contains(y, x) for y, x in zip(lat, lon, strict=True)] == expected


def test_the_demo_city_boundary_holds_grenoble_if_shipped():
    from pathlib import Path

    shipped = sorted((Path(__file__).parents[2] / "data").glob("*.geojson"))
    for path in shipped:
        region = Region.from_geojson(path.read_text(encoding="utf-8"))
        south, west, north, east = region.bounds
        assert south < north and west < east


@pytest.mark.parametrize(
    "geojson, message",
    [
        ("{not json", "not valid JSON"),
        ([1, 2], "JSON object"),
        ({"type": "Point", "coordinates": [5.0, 45.0]}, "Polygon or MultiPolygon"),
        ({"type": "Polygon"}, "coordinates"),  # no coordinates
        ({"type": "Polygon", "coordinates": "x"}, "coordinates"),
        ({"type": "Polygon", "coordinates": [[["a", 0], [1, 0], [1, 1], ["a", 0]]]}, "coordinates"),
        ({"type": "Polygon", "coordinates": []}, "empty"),
        # a bow tie crosses itself
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "valid"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, float("nan")], [0, 0]]]},
            "finite",
        ),
        # [lat, lon] instead of [lon, lat] puts latitudes beyond 90
        (
            {"type": "Polygon", "coordinates": [[[0, 100], [1, 100], [1, 101], [0, 100]]]},
            "lon, lat",
        ),
        ({"type": "Feature", "geometry": None}, "geometry"),
        ({"type": "FeatureCollection", "features": []}, "no features"),
        ({"type": "FeatureCollection"}, "features"),
        ({"type": "FeatureCollection", "features": [SQUARE_WITH_HOLE]}, "Feature"),
    ],
)
def test_bad_geojson_is_refused_clearly(geojson, message):
    with pytest.raises(InvalidQuery, match=message):
        Region.from_geojson(geojson)


@pytest.mark.parametrize("lat, lon, param", [(float("nan"), 5.0, "lat"), (45.0, 181.0, "lon")])
def test_contains_names_the_bad_coordinate(lat, lon, param):
    with pytest.raises(InvalidQuery, match=param):
        Region.from_geojson(SQUARE_WITH_HOLE).contains(lat, lon)
