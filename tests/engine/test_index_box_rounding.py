"""within_box where a stored position's rounding straddles the box's edge.

Positions are kept as int32 units of 1e-7 degree, rounded to nearest: a point just
outside an edge may round to a unit inside the box. Such a point must still be refused,
and must not take the place of an older point that is truly inside (a 5 M-post benchmark
once returned 499 of 500 viewport posts that way)."""

import numpy as np
import pytest

from matcher import Index

# Edges 0.9 unit past a unit (south, west) and 0.1 unit past one (north, east): the
# worst places for rounding to nearest.
SOUTH, WEST, NORTH, EAST = 45.00000009, 5.00000009, 45.01000001, 5.01000001
INSIDE = (45.005, 5.005)


@pytest.mark.parametrize(
    "outside",
    [
        (45.00000006, 5.005),  # 0.3 unit south of the south edge, rounds to a unit inside
        (45.005, 5.00000006),  # 0.3 unit west of the west edge
        (45.01000004, 5.005),  # 0.3 unit north of the north edge
        (45.005, 5.01000004),  # 0.3 unit east of the east edge
    ],
)
@pytest.mark.parametrize("limit", [1, 2])
def test_a_newer_point_just_outside_does_not_hide_an_older_one_inside(outside, limit):
    lats, lons = np.array([INSIDE[0], outside[0]]), np.array([INSIDE[1], outside[1]])
    index = Index.from_arrays(
        np.array([1, 2]),
        lats,
        lons,
        np.array(["food"] * 2),
        np.array(["offer"] * 2),
        np.array([100.0, 200.0]),  # the point outside is the newer
    )
    assert [m.id for m in index.within_box(SOUTH, WEST, NORTH, EAST, limit=limit)] == [1]
