"""The city's settings and categories, changed by its admins (``web.services.settings``).

Each change is audited and seen at once by every process (``web.store.settings``)."""

from typing import Annotated, Any, Literal

from flask import Blueprint, Response, request
from pydantic import BaseModel, Field, StringConstraints, model_validator

from web.api import rights
from web.http import answers, parsing, schemas
from web.http.problems import Problem, invalid
from web.services import settings, texts
from web.store import current as store
from web.store.rows import CategoryRow

bp = Blueprint("settings", __name__)

Language = Literal["fr", "en"]
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Icon = Annotated[str, StringConstraints(strip_whitespace=True, max_length=16)]


class SettingsPatch(schemas.Body):
    """Only the fields sent change; ``null`` puts a setting back to its default."""

    name: schemas.ShortLine | None = None
    languages: Annotated[list[Language], Field(min_length=1, max_length=2)] | None = None
    premoderation: bool | None = None
    post_ttl_days: Annotated[int, Field(ge=1, le=365)] | None = None
    escalation_after_hours: Annotated[float, Field(ge=1, le=720, allow_inf_nan=False)] | None = None
    reminder_days_before: Annotated[int, Field(ge=0, le=60)] | None = None
    remote_radius_m: Annotated[float, Field(ge=1_000, le=schemas.MAX_RADIUS_M)] | None = None
    phone: schemas.Phone | None = None
    colour: Colour | None = None
    controller: schemas.TitleLine | None = Field(None, description="the GDPR controller")
    contact: schemas.AddressLine | None = Field(None, description="how to reach the controller")
    charter: schemas.PageText | None = Field(None, description='"": made from the settings')
    privacy: schemas.PageText | None = Field(None, description='"": made from the settings')
    legal: schemas.PageText | None = Field(None, description='"": made from the settings')

    @model_validator(mode="after")
    def _one_of_each_language(self) -> "SettingsPatch":
        if self.languages is not None and len(set(self.languages)) != len(self.languages):
            raise schemas.paired("languages", "each language once")
        return self


# Set in the cities table (never null); the others are overrides of defaults in ``settings``.
COLUMNS = ("name", "languages", "premoderation")


class CategoryCreate(schemas.Body):
    slug: schemas.Slug = Field(description="never changes: posts keep it")
    fr: schemas.ShortLine
    en: schemas.ShortLine
    icon: Icon = ""
    remote: bool = False


class CategoryPatch(schemas.Body):
    fr: schemas.ShortLine | None = None
    en: schemas.ShortLine | None = None
    icon: Icon | None = None
    remote: bool | None = None
    retired: bool | None = Field(None, description="retired: no new post; old posts stay")


class AdminCategory(BaseModel):
    slug: str
    fr: str
    en: str
    icon: str
    remote: bool
    retired: bool


class CitySettingsView(BaseModel):
    """The city's settings, their defaults, and every category (retired ones too)."""

    name: str
    languages: list[Language]
    premoderation: bool
    post_ttl_days: int
    escalation_after_hours: float
    reminder_days_before: int
    remote_radius_m: float
    phone: str
    colour: str
    controller: str
    contact: str
    charter: str
    privacy: str
    legal: str
    defaults: dict[str, Any]
    categories: list[AdminCategory]


@bp.get("/<city>/settings")
def get_settings(city: str) -> Response:
    """The city's settings (its admins)."""
    index, _account = rights.require_right(city, "configure_city")
    return answers.json_answer(_view(index.city["slug"]))


def _view(slug: str) -> dict[str, Any]:
    city = store().city(slug)
    if city is None:  # deleted meanwhile
        raise Problem(404, "Not found", f"no city {slug!r}")
    own = settings.of(city)
    return {
        "name": city["name"],
        "languages": city["languages"],
        "premoderation": city["premoderation"],
        **{name: getattr(own, name) for name in settings.defaults()},
        "defaults": settings.defaults(),
        "categories": store().all_categories(city["id"]),
    }


@bp.patch("/<city>/settings")
def patch_settings(city: str) -> Response:
    """Change the city's settings; each change audited, seen at once by every server."""
    index, account = rights.require_right(city, "configure_city", write=True)
    body = parsing.parse_body(SettingsPatch)
    sent = body.model_dump(include=body.model_fields_set)
    for name in COLUMNS:
        if name in sent and sent[name] is None:
            raise invalid(name, f"{name} cannot be null")
    current = _view(index.city["slug"])
    after = {**current, **{k: current["defaults"][k] if v is None else v for k, v in sent.items()}}
    if after["reminder_days_before"] >= after["post_ttl_days"]:
        raise invalid("reminder_days_before", "must be less than the post lifetime in days")
    if after["colour"] and texts.contrast_with_white(after["colour"]) < texts.MIN_CONTRAST:
        raise invalid(
            "colour", f"too light: white text on it needs a contrast of {texts.MIN_CONTRAST}:1"
        )
    audit = [_audit_line(k, current[k], after[k]) for k in sent if after[k] != current[k]]
    if audit:
        columns = {name: value for name, value in sent.items() if name in COLUMNS}
        overrides = {name: value for name, value in sent.items() if name not in COLUMNS}
        store().update_city(index.city["id"], columns, overrides, account, audit)
    return answers.json_answer(_view(index.city["slug"]))


def _audit_line(name: str, before: Any, after: Any) -> str:
    """``name: before -> after``; a published text by its length alone (the page shows it)."""
    if name in texts.NAMES:
        return f"{name}: {len(before)} -> {len(after)} characters"
    return f"{name}: {before!r} -> {after!r}"


@bp.post("/<city>/categories")
def add_category(city: str) -> Response:
    """A new category (its slug never changes)."""
    index, account = rights.require_right(city, "configure_city", write=True)
    body = parsing.parse_body(CategoryCreate)
    if not store().add_category(index.city["id"], body.model_dump(), account):
        raise Problem(
            409, "Conflict", f"{city} has a category {body.slug!r} already (maybe retired)",
            [("slug", "taken")],
        )  # fmt: skip
    answer = answers.json_answer(_category(index.city["id"], body.slug), 201)
    answer.headers["Location"] = f"/api/v1/{city}/categories/{body.slug}"
    return answer


@bp.patch("/<city>/categories/<slug>")
def patch_category(city: str, slug: str) -> Response:
    """Rename a category in a language, change its icon or remote flag, retire or restore it."""
    index, account = rights.require_right(city, "configure_city", write=True)
    body = parsing.parse_body(CategoryPatch)
    changes = body.model_dump(exclude_none=True)
    if not changes:
        raise invalid("body", "send at least one of fr, en, icon, remote, retired")
    if not store().update_category(index.city["id"], slug, changes, account):
        raise Problem(404, "Not found", f"no category {slug!r} in {city}", [("slug", "unknown")])
    return answers.json_answer(_category(index.city["id"], slug))


@bp.put("/<city>/logo")
def put_logo(city: str) -> Response:
    """The city's logo: the body is the PNG or WebP image itself."""
    index, account = rights.require_right(city, "configure_city", write=True)
    declared = request.mimetype
    if declared not in texts.LOGO_MAGIC:
        raise Problem(
            415, "Unsupported media type", "send the logo as image/png or image/webp",
            [("Content-Type", "must be image/png or image/webp")],
        )  # fmt: skip
    request.max_content_length = texts.LOGO_MAX_BYTES
    data = request.get_data()
    if not data or texts.logo_type(declared, data) is None:
        raise invalid("body", f"not a {declared} image")
    store().set_logo(index.city["id"], declared, data, account)
    return Response(status=204)


@bp.delete("/<city>/logo")
def delete_logo(city: str) -> Response:
    index, account = rights.require_right(city, "configure_city", write=True)
    store().remove_logo(index.city["id"], account)
    return Response(status=204)


def _category(city_id: int, slug: str) -> CategoryRow:
    return next(c for c in store().all_categories(city_id) if c["slug"] == slug)


_PATH = "/{city}/settings"
_JSON = "application/json"

# For web.api.openapi: (method, path, summary, query, body, status, answer, media, auth).
OPENAPI = [
    (
        "get",
        _PATH,
        "The city's settings (its admins)",
        None,
        None,
        200,
        CitySettingsView,
        _JSON,
        True,
    ),
    (
        "patch",
        _PATH,
        "Change the city's settings",
        None,
        SettingsPatch,
        200,
        CitySettingsView,
        _JSON,
        True,
    ),
    (
        "post",
        "/{city}/categories",
        "Add a category",
        None,
        CategoryCreate,
        201,
        AdminCategory,
        _JSON,
        True,
    ),
    (
        "patch",
        "/{city}/categories/{slug}",
        "Change or retire a category",
        None,
        CategoryPatch,
        200,
        AdminCategory,
        _JSON,
        True,
    ),
]
