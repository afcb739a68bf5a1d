"""Request and response models: they validate every request and generate OpenAPI 3.1.

Query models are lax (query strings are text: "45.19" is a latitude); body models are
strict JSON (``true`` is no latitude, ``"45"`` is no number). Text fields have length
limits and refuse NUL and other control characters except newlines and tabs; they are
stored and answered as plain text, never interpreted as HTML. One-line fields (titles,
names, addresses: they go into e-mail headers and lists) refuse every line break and
control character, and lose the bidi embedding, override and isolate characters that
would make them read otherwise than they are ("exe.fdp")."""

import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import JsonSchemaMode, models_json_schema
from pydantic_core import PydanticCustomError

from web.http.problems import ErrorCode
from web.roles import Role

Kind = Literal["offer", "request"]
PrecisionName = Literal["building", "street", "neighbourhood"]
Scale = Literal["building", "street", "neighbourhood", "district"]
PosterType = Literal["individual", "association", "company", "public_body"]
PostStatus = Literal["published", "pending", "hidden", "closed", "expired"]
ConnectionStatus = Literal["requested", "accepted", "declined", "done"]

SCALE_RADIUS_M = {"building": 30, "street": 250, "neighbourhood": 1000, "district": 3000}
MAX_RADIUS_M = 50_000
PAIRING_ERROR = "pairing"  # the type of the errors of rules over several parameters
INT64_MAX = 2**63 - 1

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK_OR_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def _plain_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def _without_bidi_controls(value: Any) -> Any:
    return _BIDI_CONTROL.sub("", value) if isinstance(value, str) else value


def _one_line(value: str) -> str:
    if _LINE_BREAK_OR_CONTROL.search(value):
        raise ValueError("must be one line, without tabs or control characters")
    return value


def _limits(min_length: int, max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


_PLAIN = AfterValidator(_plain_text)
_NO_BIDI = BeforeValidator(_without_bidi_controls)  # runs first: the length counts what is kept
_ONE_LINE = AfterValidator(_one_line)

# Plain-text fields, whitespace stripped, of min..max characters (types, so that mypy and
# pydantic read the same thing). "Line" fields are one line (see the module's docstring).
SearchText = Annotated[str, _limits(1, 200), _PLAIN]
LongText = Annotated[str, _limits(0, 2000), _PLAIN]
PageText = Annotated[str, _limits(0, 20_000), _PLAIN]  # a city's charter, privacy notice, ...
Message = Annotated[str, _limits(1, 1000), _PLAIN]
ThreadText = Annotated[str, _limits(1, 2000), _PLAIN]
Reason = Annotated[str, _limits(1, 500), _PLAIN]
OptionalReason = Annotated[str, _limits(0, 500), _PLAIN]
ShortLine = Annotated[str, _limits(1, 80), _NO_BIDI, _PLAIN, _ONE_LINE]
TitleLine = Annotated[str, _limits(1, 120), _NO_BIDI, _PLAIN, _ONE_LINE]
AddressLine = Annotated[str, _limits(1, 200), _NO_BIDI, _PLAIN, _ONE_LINE]


# A city's or category's slug, as the CLI creates them, the API's paths and the pages take
SLUG_PATTERN = r"[a-z0-9][a-z0-9-]{0,39}"
Slug = Annotated[str, StringConstraints(pattern=f"^{SLUG_PATTERN}$")]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(_plain_text),
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[+0-9 ().-]{0,30}$")]
# A path on this site to go back to (never "//host" nor "/\host", which browsers read as
# another site).
LocalPath = Annotated[str, StringConstraints(max_length=300, pattern=r"^/([!-.0-\[\]-~][!-~]*)?$")]


def paired(param: str, message: str, code: ErrorCode = "required") -> PydanticCustomError:
    """A rule over several parameters, raised by a model validator, naming ``param`` (the
    422 names it and gives ``code``: ``web.http.parsing``)."""
    return PydanticCustomError(PAIRING_ERROR, message, {"param": param, "code": code})


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class OnePlace(BaseModel):
    """The rule of every model with ``lat``, ``lon`` and ``address`` (queries and bodies):
    lat with lon, or an address, not both. Here once, so that every 422 says the same."""

    @model_validator(mode="after")
    def _lat_with_lon_or_address(self) -> Self:
        lat, lon = getattr(self, "lat", None), getattr(self, "lon", None)
        if (lat is None) != (lon is None):
            raise paired("lon" if lon is None else "lat", "lat and lon go together")
        if lat is not None and getattr(self, "address", None) is not None:
            raise paired("address", "give lat/lon or address, not both", "mutually_exclusive")
        return self


# -- queries -------------------------------------------------------------------------------


class MatchQuery(Query, OnePlace):
    """``GET /<city>/match``: the newest posts near a point."""

    lat: Latitude | None = Field(None, description="search centre latitude (with lon)")
    lon: Longitude | None = Field(None, description="search centre longitude (with lat)")
    address: AddressLine | None = Field(None, description="free text, geocoded (first result)")
    radius: Annotated[float, Field(ge=1, le=MAX_RADIUS_M, allow_inf_nan=False)] | None = Field(
        None, description="metres, 1..50000 (or scale)"
    )
    scale: Scale | None = Field(
        None, description="building 30 m, street 250 m, neighbourhood 1000 m, district 3000 m"
    )
    category: Annotated[list[Slug], Field(max_length=20)] = Field(
        default_factory=list, description="category slug, repeatable; default any"
    )
    kind: Kind | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, StringConstraints(max_length=300)] | None = Field(
        None, description="next_cursor of the previous page"
    )

    @model_validator(mode="after")
    def _a_place_and_one_size(self) -> "MatchQuery":
        """A place (its pairing: ``OnePlace``); a radius or a scale (not both)."""
        if self.lat is None and self.address is None:
            raise paired("lat", "give lat and lon, or address")
        if self.radius is not None and self.scale is not None:
            raise paired("scale", "give radius or scale, not both", "mutually_exclusive")
        return self

    @property
    def radius_m(self) -> float:
        return float(self.radius or SCALE_RADIUS_M[self.scale or "street"])


class QueuePage(Query):
    """A page of an agents' queue (escalations, moderation, the call list), keyset-paged."""

    limit: Annotated[int, Field(ge=1, le=50)] = 30
    cursor: Annotated[str, StringConstraints(max_length=300)] | None = Field(
        None, description="the next_cursor of the previous page"
    )


class BoxQuery(Query):
    """``GET /<city>/posts?bbox=west,south,east,north``: posts in a map viewport."""

    bbox: Annotated[str, StringConstraints(max_length=200)] = Field(
        description="west,south,east,north in decimal degrees"
    )
    category: Annotated[list[Slug], Field(max_length=20)] = Field(default_factory=list)
    kind: Kind | None = None
    limit: Annotated[int, Field(ge=1, le=500)] = 200


class GeocodeQuery(Query):
    q: SearchText
    limit: Annotated[int, Field(ge=1, le=20)] = 5


# -- bodies --------------------------------------------------------------------------------


class Consent(Body):
    share_email: bool = False
    share_phone: bool = False


class LoginBody(Body):
    email: Annotated[str, StringConstraints(max_length=254)]
    password: Annotated[str, StringConstraints(max_length=1024)]


class AccountCreate(Body, OnePlace):
    email: Email
    password: Annotated[str, StringConstraints(min_length=10, max_length=1024)]
    display_name: ShortLine
    poster_type: PosterType = "individual"
    address: AddressLine | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    precision: PrecisionName = "street"
    phone: Phone = ""
    consent: Consent = Field(default_factory=Consent)
    next: LocalPath | None = Field(
        None, description="where the mailed link leads once the account is open"
    )


class AccountPatch(Body):
    display_name: ShortLine | None = None
    phone: Phone | None = None
    address: AddressLine | None = Field(
        None, description="a new home: the posts placed at the old one and its alerts follow"
    )
    lat: Latitude | None = None
    lon: Longitude | None = None
    precision: PrecisionName | None = None
    consent: Consent | None = None
    accepts_calls: bool | None = Field(
        None, description="I accept to phone people isolated near me"
    )
    accepts_missions: bool | None = Field(
        None, description="associations may ask me to take part in missions"
    )


class OnBehalfOf(Body):
    """Who an agent posts for (``web.services.relay``); never shown publicly."""

    name: TitleLine
    consent: Literal[True] = Field(description="the person agreed; must be true")
    phone: Phone = ""
    exact_address: bool = Field(
        False, description="the person asked to appear at their exact address (else: street)"
    )


class PostCreate(Body, OnePlace):
    kind: Kind
    category: Slug
    title: TitleLine
    body: LongText = ""
    lat: Latitude | None = None
    lon: Longitude | None = None
    address: AddressLine | None = None
    precision: PrecisionName | None = Field(None, description="default: the account's")
    on_behalf_of: OnBehalfOf | None = Field(
        None, description="agents only: post for someone who phoned; contacts reach the agent"
    )
    audience: Literal["public", "building", "street"] = Field(
        "public",
        description="building or street: read by the members of the author's home building"
        " (of a building on its street) only, placed there, with no public point",
    )


class PostPatch(Body):
    title: TitleLine | None = None
    body: LongText | None = None
    category: Slug | None = None
    kind: Kind | None = None
    precision: PrecisionName | None = None
    status: Literal["published", "closed"] | None = Field(
        None, description="close a published post, or reopen it (not while pre-moderated)"
    )
    renew: bool = Field(False, description="push expires_at to now + the city's period")


class ContactBody(Body):
    message: Message


# -- responses -----------------------------------------------------------------------------


class ProblemError(BaseModel):
    param: str
    code: ErrorCode = Field(description="stable machine code: pages translate param + code")
    message: str = Field(description="English, for people reading the API")


class ProblemDetails(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    code: ErrorCode = Field(description="the first error's code, else the status's")
    errors: list[ProblemError] = []


class Point(BaseModel):
    type: Literal["Point"]
    coordinates: Annotated[list[float], Field(min_length=2, max_length=2)]


class PostProperties(BaseModel):
    kind: Kind
    category: str
    title: str
    body: str
    created_at: str
    expires_at: str
    precision: PrecisionName
    poster_type: PosterType = Field(description="individual until the city verified the poster")
    poster_verified: bool = Field(False, description="an organisation the city verified")
    poster_name: str
    status: PostStatus
    distance_m: int | None = None
    remote: bool = False
    owned: bool | None = None
    address: str | None = Field(None, description="the owner's address text (owner only)")
    relayed: bool = Field(False, description="posted by a city agent on someone's behalf")
    audience: Literal["building", "street"] | None = Field(
        None, description="a post for the members of a building or street (none: public)"
    )


class PostFeature(BaseModel):
    type: Literal["Feature"]
    id: int
    geometry: Point | None = Field(description="the public point; null for a building's post")
    properties: PostProperties


class MatchEcho(BaseModel):
    lat: float
    lon: float
    radius_m: float
    category: list[str]
    kind: Kind | None
    limit: int
    address: str | None = None
    citywide_categories: list[str] = Field(
        description="remote categories in the query: matched across the whole city"
    )


class MatchAnswer(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[PostFeature]
    query: MatchEcho
    next_cursor: str | None


class PostCollection(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[PostFeature]


class AccountSummary(BaseModel):
    id: int
    email: str
    display_name: str
    role: Role
    poster_type: PosterType
    verification: Literal["pending", "approved", "refused"] | None = Field(
        None, description="of an organisation's account: it acts as one once approved"
    )
    city: str


class SessionAnswer(BaseModel):
    account: AccountSummary | None
    csrf_token: str


class AccountDetails(AccountSummary):
    phone: str
    home_address: str
    precision: PrecisionName
    consent: Consent
    consent_text: str
    consent_at: str | None
    accepts_calls: bool
    accepts_missions: bool


class MyPost(BaseModel):
    id: int
    kind: Kind
    category: str
    title: str
    body: str
    status: PostStatus
    created_at: str
    expires_at: str
    precision: PrecisionName
    address: str
    public_point: Annotated[list[float], Field(min_length=2, max_length=2)] | None = Field(
        description="null for a post to a building or a street"
    )
    audience: Literal["public", "building", "street"]


class MyPosts(BaseModel):
    posts: list[MyPost]


class ConnectionCreated(BaseModel):
    id: int
    status: ConnectionStatus


class OtherSide(BaseModel):
    display_name: str
    email: str | None = None
    phone: str | None = None


class ConnectionView(BaseModel):
    id: int
    post_id: int
    post_title: str
    message: str
    status: ConnectionStatus
    created_at: str
    other: OtherSide


class ConnectionLists(BaseModel):
    incoming: list[ConnectionView]
    outgoing: list[ConnectionView]


class Category(BaseModel):
    slug: str
    fr: str
    en: str
    icon: str
    remote: bool


class Categories(BaseModel):
    categories: list[Category]


class CityAnswer(BaseModel):
    slug: str
    name: str
    center: Annotated[list[float], Field(min_length=2, max_length=2)]
    boundary: dict[str, Any]
    languages: list[str]
    premoderation: bool


class AddressProperties(BaseModel):
    label: str
    score: float
    housenumber: str
    street: str
    postcode: str
    city: str


class AddressFeature(BaseModel):
    type: Literal["Feature"]
    geometry: Point
    properties: AddressProperties


class GeocodeAnswer(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[AddressFeature]
    query: str


class CategoryStats(BaseModel):
    category: str
    kind: Kind
    posts: int


class StatsAnswer(BaseModel):
    """Live posts by category and kind; counts under 5 are withheld, as in open data."""

    posts: list[CategoryStats]


class TokenView(BaseModel):
    id: int
    created_at: str
    revoked_at: str | None


class Tokens(BaseModel):
    tokens: list[TokenView]


class TokenCreated(BaseModel):
    id: int
    token: str


class Health(BaseModel):
    status: Literal["ok"]
    schema_version: int


RESPONSE_MODELS: list[type[BaseModel]] = [
    ProblemDetails,
    MatchAnswer,
    PostCollection,
    PostFeature,
    SessionAnswer,
    AccountDetails,
    MyPosts,
    ConnectionCreated,
    ConnectionLists,
    Categories,
    CityAnswer,
    GeocodeAnswer,
    StatsAnswer,
    Health,
    Tokens,
    TokenCreated,
]


def component_schemas(
    request_models: list[type[BaseModel]],
    response_models: Sequence[type[BaseModel]] = (),
) -> dict[str, Any]:
    """JSON Schemas of every model, keyed by model name, for ``components.schemas``
    (``response_models``: answers of the workflow modules, besides ``RESPONSE_MODELS``)."""
    pairs: list[tuple[type[BaseModel], JsonSchemaMode]]
    pairs = [(model, "validation") for model in request_models]
    answers = dict.fromkeys([*RESPONSE_MODELS, *response_models])
    pairs += [(model, "serialization") for model in answers]
    _, schema = models_json_schema(pairs, ref_template="#/components/schemas/{model}")
    definitions: dict[str, Any] = schema["$defs"]
    return definitions
