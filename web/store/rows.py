"""The rows the store returns, typed.

Rows stay plain dicts at run time (callers index ``row["title"]``, and add keys to the
dicts they answer with), so they are ``TypedDict``s: the shape of each query's columns,
checked by mypy, at no cost. Positional rows that callers unpack are ``NamedTuple``s,
except the two read by the million when an index or an open-data count is built
(``IndexableRow``, ``CountedRow``): a ``NamedTuple`` per row doubles their fetch time
(1.5 s to 3.3 s for a million rows), so they are typed plain tuples.

SQLite gives 0 or 1 for a boolean expression (``poster_verified``, ``relayed``): those
fields are ``int``, which a PostgreSQL ``bool`` also is."""

from typing import Any, NamedTuple, TypedDict

# -- cities and categories --------------------------------------------------------------


class CityRef(TypedDict):
    id: int
    slug: str
    name: str


class City(CityRef):
    boundary: dict[str, Any]  # GeoJSON
    languages: list[str]
    premoderation: bool
    created_at: float
    retention: dict[str, int]  # the city's overrides of the retention periods, in days
    open_data_licence: str | None
    audit_kept_since: float
    settings: dict[str, Any]  # the city's overrides of the defaults (web.services.settings)


class Category(TypedDict):
    slug: str
    fr: str
    en: str
    icon: str
    remote: bool


class CategoryRow(Category):
    retired: bool


class Logo(TypedDict):
    media_type: str
    data: bytes
    updated_at: float


# -- accounts, tokens and mailed links ----------------------------------------------------


class Account(TypedDict):
    id: int
    city_id: int
    city: str  # the city's slug
    email: str
    password_hash: str | None
    role: str
    poster_type: str
    display_name: str
    phone: str
    home_address: str
    home_lat: float | None
    home_lon: float | None
    home_ban_id: str | None  # the home's building (BAN address id): web.services.homes only
    home_street: str | None  # its street key
    precision: str
    consent: dict[str, Any]
    consent_text: str
    consent_at: float | None
    created_at: float
    accepts_calls: int
    accepts_missions: int
    verification: str | None
    last_seen_at: float | None
    inactivity_warned_at: float | None
    confirmed: int


class Token(TypedDict):
    id: int
    created_at: float
    revoked_at: float | None


class MailedLink(TypedDict):
    account_id: int
    payload: dict[str, Any]


class OrganisationToVerify(TypedDict):
    id: int
    email: str
    display_name: str
    poster_type: str
    phone: str
    home_address: str
    created_at: float


class UnusedAccount(TypedDict):
    id: int
    email: str
    display_name: str
    inactivity_warned_at: float | None


# -- posts --------------------------------------------------------------------------------


class PublicPost(TypedDict):
    """A post's public columns (``posts.POST_COLUMNS``): never its exact point."""

    id: int
    kind: str
    category: str
    title: str
    body: str
    precision: str
    public_lat: float
    public_lon: float
    status: str
    created_at: float
    updated_at: float
    expires_at: float
    account_id: int
    poster_type: str
    poster_name: str
    poster_verified: int
    relayed: int
    audience: str  # public, building or street (web.services.buildings)
    ban_id: str | None  # the building (BAN address id) of a building or street post
    street: str | None  # its street key


class Post(PublicPost):
    """A post with its owner-only columns: callers decide what to show."""

    address: str
    lat: float
    lon: float


class Report(TypedDict):
    post_id: int
    reason: str
    created_at: float


class QueuedPost(PublicPost):
    """A post in the moderation queue."""

    poster_email: str
    signals: list[str]
    report_count: int
    reports: list[Report]


class CategoryCount(TypedDict):
    category: str
    kind: str
    posts: int


class RelayedPost(TypedDict):
    post_id: int
    title: str
    status: str
    name: str
    phone: str
    consent_text: str
    consent_at: float


class ExpiringPost(TypedDict):
    id: int
    city_id: int
    city: str  # the city's slug
    title: str
    expires_at: float
    account_id: int
    email: str


class PostToAlert(TypedDict):
    id: int
    city_id: int
    account_id: int
    kind: str
    category: str
    title: str
    public_lat: float
    public_lon: float
    created_at: float
    audience: str
    ban_id: str | None
    street: str | None


class EndedPost(TypedDict):
    """What an open-data count needs of a post about to be purged."""

    id: int
    created_at: float
    public_lat: float
    public_lon: float
    category: str
    kind: str
    counted: int


# (id, public_lat, public_lon, category, kind, created_at, precision, expires_at)
IndexableRow = tuple[int, float, float, str, str, float, str, float]
# (created_at, public_lat, public_lon, category, kind)
CountedRow = tuple[float, float, float, str, str]


class Change(NamedTuple):
    """One entry of the posts' change log."""

    seq: int
    post_id: int
    op: str  # "upsert" or "delete"


# -- connections and follow-up ------------------------------------------------------------


class Connection(TypedDict):
    id: int
    post_id: int
    requester_id: int
    poster_id: int
    post_title: str
    message: str
    status: str
    created_at: float
    updated_at: float


class ThreadMessage(TypedDict):
    """One message of a connection's thread."""

    id: int
    author_id: int
    body: str
    created_at: float


class AccountConnection(TypedDict):
    """A connection seen from one side, with the other side's contact."""

    id: int
    post_id: int
    post_title: str
    message: str
    status: str
    created_at: float
    display_name: str
    email: str
    phone: str
    consent: dict[str, Any]


class AccountConnections(TypedDict):
    incoming: list[AccountConnection]
    outgoing: list[AccountConnection]


class FollowUp(TypedDict):
    id: int
    post_id: int
    post_title: str
    accepted_at: float
    side: str  # "poster" or "requester"


# (created_at, category, kind, public_lat, public_lon): a post as the dashboard counts it
CountedPost = tuple[float, str, str, float, float]


class AssignedPerson(TypedDict):
    id: int
    name: str
    phone: str
    last_outcome: str | None


class Agent(TypedDict):
    id: int
    email: str
    display_name: str


class EscalationState(TypedDict):
    post_id: int
    taken_by: int | None
    taken_by_name: str
    taken_at: float | None
    note: str


class ConnectionStat(NamedTuple):
    category: str
    created_at: float
    status: str
    outcome: str | None


class ConsentRecord(TypedDict):
    consent: dict[str, Any]
    consent_text: str
    recorded_at: float


# -- moderation ---------------------------------------------------------------------------


class HistoryEntry(TypedDict):
    action: str
    reason: str
    created_at: float
    actor_name: str | None


class AuditEntry(TypedDict):
    id: int
    post_id: int | None
    actor_id: int | None
    actor_name: str
    actor_role: str
    action: str
    reason: str
    created_at: float


class ModerationNote(TypedDict):
    post_id: int
    post_title: str
    status: str
    action: str
    reason: str
    created_at: float


# -- the call list ------------------------------------------------------------------------


class CallPerson(TypedDict):
    id: int
    city_id: int
    name: str
    phone: str
    address: str
    lat: float
    lon: float
    needs: list[str]
    notes: str
    consent_on: str
    volunteer_id: int | None
    created_by: int | None
    created_at: float
    updated_at: float
    volunteer_name: str | None
    volunteer_phone: str | None
    volunteer_email: str | None
    last_called_at: float | None
    last_outcome: str | None


class ListedCallPerson(CallPerson):
    """A person as the call list pages them, with their place in its order."""

    assigned: int  # 0 while nobody was assigned: they come first
    last_key: float  # their last call's time, 0 if never called


class Call(TypedDict):
    id: int
    outcome: str
    notes: str
    called_at: float
    recorded_by: str | None  # the recorder's display name


class Volunteer(TypedDict):
    """An account that accepts missions, with its exact home point."""

    id: int
    display_name: str
    email: str
    home_lat: float
    home_lon: float
    precision: str


class CallVolunteer(Volunteer):
    """An account that accepts calls."""

    phone: str


class AccessLogEntry(TypedDict):
    id: int
    city_id: int
    account_id: int
    account_name: str | None
    action: str
    person_id: int | None
    at: float


# -- notifications and outbox -------------------------------------------------------------


class Notification(TypedDict):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: float
    read_at: float | None


class Mail(TypedDict):
    """An e-mail claimed from the outbox."""

    id: int
    to_address: str
    subject: str
    body: str
    headers: dict[str, str]


class DigestEntry(TypedDict):
    id: int
    account_id: int
    email: str
    title: str
    body: str
    link: str
    subscription_id: int | None


# -- missions -----------------------------------------------------------------------------


class Mission(TypedDict):
    id: int
    city_id: int
    account_id: int
    association_name: str
    title: str
    description: str
    starts_at: float
    address: str
    lat: float
    lon: float
    radius_m: float
    volunteers_needed: int
    notified: int
    created_at: float
    yes_count: int
    no_count: int


class MissionAnswer(TypedDict):
    answer: str  # "yes" or "no"
    share_contact: int
    answered_at: float
    account_id: int
    display_name: str
    email: str
    phone: str


# -- alerts -------------------------------------------------------------------------------


class Subscription(TypedDict):
    id: int
    city_id: int
    account_id: int
    kind: str | None
    categories: list[str] | None
    radius_m: float
    lat: float
    lon: float
    digest: int
    created_at: float


class SubscriptionChanges(NamedTuple):
    """Since a log position: changed subscriptions' rows, deleted ids, the new position."""

    changed: list[Subscription]
    deleted: set[int]
    seq: int


# -- addresses and rate limits ------------------------------------------------------------


class Address(TypedDict):
    ban_id: str
    label: str
    lat: float
    lon: float
    numero: str
    nom_voie: str
    code_postal: str
    nom_commune: str
    rank: float


class AddressPoint(TypedDict):
    nom_voie: str
    code_postal: str
    numero: str
    lat: float
    lon: float


class Hit(NamedTuple):
    hits: int  # in the window, this one included
    window_start: float


class SubscriptionsAt(NamedTuple):
    """A city's subscriptions, and a log position they reflect at least."""

    subscriptions: list[Subscription]
    seq: int


class PostsToAlert(NamedTuple):
    """Posts to match against alerts, and the log position reached."""

    posts: list[PostToAlert]
    seq: int


class InboxPurge(NamedTuple):
    """How many notifications and e-mails a purge deleted."""

    notifications: int
    mails: int


class StoredAnswer(TypedDict):
    """An Idempotency-Key's row: the request's fingerprint and, once answered, the answer
    (``status`` None while the first request runs)."""

    fingerprint: str
    status: int | None
    body: str | None
    headers: str
    created_at: float


# -- buildings (web.services.buildings) ---------------------------------------------------


class Invitation(TypedDict):
    id: int
    city_id: int
    ban_id: str
    street: str
    created_by: int | None
    created_at: float
    expires_at: float
    revoked_at: float | None


class Membership(TypedDict):
    city_id: int
    ban_id: str
    street: str
    joined_at: float
