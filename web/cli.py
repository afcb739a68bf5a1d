"""Command line: ``flask --app web <command>`` or the ``voisinage`` console script.

init-db | city create | user create | token create | token revoke |
import-addresses | demo | copy-store"""

import json
import os
import re
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from flask_babel import gettext as _

from matcher import Region
from web.http import auth, schemas
from web.http.problems import Problem
from web.indexes import city_index
from web.roles import ROLES
from web.services import alerts, escalation, geocode, notify, retention, settings, verification
from web.services import demo as demo_city
from web.services import register as register_file
from web.services.alerts import digest_text, dispatch
from web.services.expiry import DAY_S, reminder_notice
from web.services.moderation import CLI_ACTOR
from web.services.notify import command_store, send_outbox
from web.services.opendata import FILES
from web.services.retention import purge
from web.store import Store
from web.store import current as current_store
from web.store.copy import copy_store
from web.store.rows import DigestEntry

POSTER_TYPES = ("individual", "association", "company", "public_body")
CATEGORIES_FILE = Path(__file__).resolve().parent.parent / "data" / "categories.json"

city_group = AppGroup("city", help="Cities.")
user_group = AppGroup("user", help="Accounts.")
token_group = AppGroup("token", help="API tokens.")
calls_group = AppGroup("calls", help="The social service's call list.")


def _reserved_words() -> set[str]:
    """Path words a city slug would shadow: /api/v1/me, /api/v1/health, /static, ..."""
    words = set()
    for rule in current_app.url_map.iter_rules():
        path = rule.rule.removeprefix("/api/v1")
        first = path.strip("/").split("/")[0]
        if first and not first.startswith("<"):
            words.add(first)
    return words


def _store() -> Store:
    return Store(current_app.config["DATABASE"])


def _city_id(store: Store, slug: str) -> int:
    city = store.city(slug)
    if city is None:
        raise click.ClickException(f"no city {slug!r}; create it with 'city create'")
    return int(city["id"])


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database or apply pending migrations (create_app already does)."""
    click.echo(
        f"database {current_app.config['DATABASE']} at schema version {_store().schema_version()}"
    )


@city_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Display name, e.g. Grenoble.")
@click.option(
    "--boundary",
    "boundary_file",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="GeoJSON Polygon/MultiPolygon (or Feature, collection).",
)
@click.option("--premoderation/--no-premoderation", default=False)
def create_city(slug: str, name: str, boundary_file: str, premoderation: bool) -> None:
    """Create a city with the default categories."""
    if not re.fullmatch(schemas.SLUG_PATTERN, slug) or slug in _reserved_words():
        raise click.ClickException(
            f"{slug!r} cannot be a city slug: use lowercase letters, digits and dashes, "
            f"and none of {', '.join(sorted(_reserved_words()))}"
        )
    try:
        boundary = json.loads(Path(boundary_file).read_text(encoding="utf-8"))
        Region.from_geojson(boundary)
    except ValueError as error:  # bad JSON, bad UTF-8 or a bad polygon (InvalidQuery)
        raise click.ClickException(f"{boundary_file}: {error}") from None
    store = _store()
    if store.city(slug) is not None:
        raise click.ClickException(f"city {slug!r} exists")
    categories = json.loads(CATEGORIES_FILE.read_text(encoding="utf-8"))
    store.create_city(slug, name, boundary, categories, premoderation=premoderation)
    click.echo(f"created city {slug}")


@user_group.command("create")
@click.argument("email")
@click.option("--city", "slug", required=True)
@click.option("--role", type=click.Choice(ROLES), default="resident", show_default=True)
@click.option("--poster-type", type=click.Choice(POSTER_TYPES), default="individual")
@click.option("--display-name", default=None, help="Default: the part of EMAIL before @.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def create_user(
    email: str,
    slug: str,
    role: str,
    poster_type: str,
    display_name: str | None,
    password_stdin: bool,
) -> None:
    """Create an account (moderators, social workers, admins are made this way)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        raise click.ClickException("the password needs at least 10 characters")
    store = _store()
    city_id = _city_id(store, slug)
    if store.account_by_email(email) is not None:
        raise click.ClickException(f"an account {email} exists")
    approved = verification.APPROVED if role == "association" else {}  # the operator made it
    account_id = store.create_account(
        city_id,
        email=email,
        password_hash=auth.hash_password(password),
        poster_type=poster_type,
        display_name=display_name or email.split("@")[0],
        **{"role": role, **approved},
    )
    click.echo(f"created account {account_id} ({email}, {role})")


@token_group.command("create")
@click.argument("email")
def create_token(email: str) -> None:
    """Print a new API token for EMAIL (alone on stdout; it is not shown again)."""
    store = _store()
    account = store.account_by_email(email)
    if account is None:
        raise click.ClickException(f"no account {email}")
    token, digest = auth.new_token()
    token_id = store.create_token(account["id"], digest)
    store.update_account(account["id"], confirmed=1)  # the operator vouches for it
    click.echo(f"token id {token_id}", err=True)
    click.echo(token)


@token_group.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id: int) -> None:
    """Revoke the token TOKEN_ID (its id, as 'token create' reports it)."""
    if not _store().revoke_token(token_id):
        raise click.ClickException(f"no live token {token_id}")
    click.echo(f"revoked token {token_id}")


@click.command("import-addresses")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--city", "slug", required=True)
def import_addresses(path: str, slug: str) -> None:
    """Import a BAN address file (CSV, optionally .gz) into the city's geocoder."""
    store = _store()
    try:
        count = geocode.import_ban(store, _city_id(store, slug), path)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"imported {count} addresses into {slug}")


@click.command("demo")
@with_appcontext
@click.option(
    "--posts",
    default=3000,
    show_default=True,
    type=click.IntRange(0, 5_000_000),
    help="Synthetic posts, inserted in one transaction as they are made: "
    "1 M takes a few minutes (and the server a few seconds to index them at start-up).",
)
@click.option("--seed", default=0, show_default=True)
@click.option("--if-absent", is_flag=True, help="Do nothing if the city exists.")
def demo(posts: int, seed: int, if_absent: bool) -> None:
    """The demo city grenoble: addresses, associations, residents and synthetic posts."""
    store = _store()
    if store.city(demo_city.SLUG) is not None:
        if if_absent:
            click.echo(f"demo city {demo_city.SLUG} exists")
            return
        raise click.ClickException(f"city {demo_city.SLUG!r} exists (use --if-absent)")
    summary = demo_city.build(store, posts=posts, seed=seed)
    click.echo(
        f"demo city {demo_city.SLUG}: {summary}; log in as {demo_city.DEMO_EMAIL} / "
        f"{demo_city.DEMO_PASSWORD}"
    )


@click.command("export-open-data")
@click.argument("slug")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(slug: str, directory: Path) -> None:
    """Write the city's open data (the files /open-data/ serves) into DIRECTORY."""
    db = Store(current_app.config["DATABASE"])
    try:
        city = db.city(slug)
        if city is None:
            raise click.ClickException(f"no city {slug!r}")
        directory.mkdir(parents=True, exist_ok=True)
        for name, (_, render) in FILES.items():
            (directory / name).write_text(render(db, city), encoding="utf-8")
    finally:
        db.close()
    click.echo(f"wrote {', '.join(FILES)} to {directory}")


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete what is past its retention period in every city (run daily)."""
    with notify.command_store() as db:
        done = purge(db, time.time())
        sent, failed = notify.send_outbox(db, current_app.config)
    summary = ", ".join(f"{n} {name}" for name, n in sorted(done.items()) if n) or "nothing"
    click.echo(f"purged: {summary}; sent {sent} e-mails, {failed} failed")


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Remind posters whose posts expire within their city's reminder delay (run daily)."""
    now = time.time()
    posts = []
    with notify.command_store() as db:
        for slug in db.city_slugs():
            city = db.city(slug)
            if city is None:  # deleted meanwhile
                continue
            own = settings.of(city)
            with db.write():
                taken = db.take_expiring_posts(
                    city["id"], now, now + own.reminder_days_before * DAY_S
                )
                db.add_notifications(
                    reminder_notice(post, now, own.post_ttl_days) for post in taken
                )
            posts += taken
        sent, failed = notify.send_outbox(db, current_app.config)
    click.echo(f"reminded {len(posts)} posts; sent {sent} e-mails, {failed} failed")


@click.command("send-notifications")
@with_appcontext
def send_notifications_command() -> None:
    """Send the e-mails waiting in the outbox (run it from cron; failures are retried)."""

    with command_store() as db:
        alerts.dispatch(db)
        escalated = escalation.notify_social_workers(db, time.time())
        sent, failed = send_outbox(db, current_app.config)
    if escalated:
        click.echo(f"told the social workers of {escalated} unanswered requests")
    click.echo(f"sent {sent} e-mails, {failed} failed (kept for a retry)")


@click.command("send-digest")
@with_appcontext
def send_digest_command() -> None:
    """E-mail each subscriber the day's alerts that chose a daily digest."""
    with notify.command_store() as db:
        dispatch(db)
        with db.write():
            rows = db.take_digests()
            by_account: dict[int, list[DigestEntry]] = {}
            for row in rows:
                by_account.setdefault(row["account_id"], []).append(row)
            for account_id, notes in by_account.items():
                mail = notify.mail(
                    {"email": notes[0]["email"]},
                    _("Your alerts of the day"),
                    digest_text(db, notes),
                )
                if mail:
                    db.queue_mail(account_id, mail)
        sent, failed = notify.send_outbox(db, current_app.config)
    click.echo(f"{len(by_account)} digests; sent {sent} e-mails, {failed} failed")


@city_group.command("set")
@click.argument("slug")
@click.option(
    "--premoderation",
    type=click.Choice(["on", "off"]),
    help="on: new posts wait for a moderator.",
)
@click.option(
    "--retention",
    "periods",
    multiple=True,
    metavar="NAME=DAYS",
    help="A retention period (web.retention lists the names and their defaults).",
)
@click.option("--licence", help="Open-data licence: etalab-2.0 (default), ODbL-1.0, CC-BY-4.0.")
@with_appcontext
def set_city(
    slug: str, premoderation: str | None, periods: tuple[str, ...], licence: str | None
) -> None:
    """Change a city's settings (pre-moderation is audited); print its retention periods
    and open-data licence."""

    store_ = _store()
    try:
        city_id = _city_id(store_, slug)
        if premoderation is not None:
            store_.set_premoderation(city_id, premoderation == "on", CLI_ACTOR)
            click.echo(f"{slug}: pre-moderation {premoderation}")
        click.echo(f"{slug}: {retention.configure(store_, slug, periods, licence)}")
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store_.close()


@click.command("copy-store")
@click.argument("source_url")
@click.argument("target_url")
@click.option("--city", "slug", help="Only this city (default: every city).")
def copy_store_command(source_url: str, target_url: str, slug: str | None) -> None:
    """Copy cities between stores (SQLite and PostgreSQL URLs), every row, same ids."""
    try:
        copied = copy_store(source_url, target_url, slug)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"copied {sum(copied.values())} rows: {copied}")


@calls_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--city", "slug", required=True)
@with_appcontext
def import_register(path: Path, slug: str) -> None:
    """Import the social service's register (name;phone;address;consent;notes), whole
    or not at all: every refused row is listed with why."""
    try:
        index = city_index(slug)
    except Problem:
        raise click.ClickException(f"no city {slug!r}") from None
    report = register_file.read(path.read_bytes(), index)
    if report.refused:
        for row, reason in report.refused:
            click.echo(f"row {row}: {reason}", err=True)
        raise click.ClickException(f"{len(report.refused)} rows refused: nothing was imported")
    count = current_store().import_call_people(index.city["id"], 0, report.people)
    click.echo(f"{slug}: imported {count} people into the call list")


COMMANDS = (
    init_db,
    import_addresses,
    demo,
    copy_store_command,
    city_group,
    user_group,
    token_group,
    calls_group,
    export_command,
    purge_command,
    send_reminders_command,
    send_notifications_command,
    send_digest_command,
)


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def main() -> None:
    """The ``voisinage`` console script: the commands of ``flask --app web``."""
    os.environ.setdefault("FLASK_APP", "web")
    FlaskGroup()()
