"""One rule for every place a client gives (``schemas.OnePlace``): lat goes with lon, and
an address excludes them; the 422 names the parameter at fault, whatever the endpoint."""

import pytest

from tests.web.conftest import CENTRE, PASSWORD, verified_organisation
from tests.web.test_missions import MISSIONS, mission_body

LAT, LON = CENTRE
ADDRESS = "1 rue Félix Poulat"


@pytest.mark.parametrize(
    "place, param",
    [
        ({"lat": LAT}, "lon"),  # half a point
        ({"lon": LON}, "lat"),
        ({"lat": LAT, "lon": LON, "address": ADDRESS}, "address"),  # two places
    ],
)
def test_every_endpoint_that_takes_a_place_names_the_bad_pairing(app, client, place, param):
    association = verified_organisation(app)
    post = {"kind": "offer", "category": "shopping", "title": "Courses", **place}
    sign_up = {"email": "x@example.org", "password": PASSWORD, "display_name": "X", **place}
    mission = {k: v for k, v in mission_body().items() if k not in ("lat", "lon", "address")}
    answers = [
        association.post("/api/v1/grenoble/posts", post),
        client.post("/api/v1/grenoble/accounts", json=sign_up),
        association.post(MISSIONS, {**mission, **place}),
    ]
    for answer in answers:
        assert answer.status_code == 422, answer.json
        assert [error["param"] for error in answer.json["errors"]] == [param]
