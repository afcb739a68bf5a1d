"""Command line: ``flask --app web <command>`` or the ``voisinage`` console script.

init-db | city create | user create | token create | token revoke |
import-addresses | demo | copy-store"""

import json
import re
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from matcher import Region
from web import auth, geocode
from web import demo as demo_city
from web.store import Store
from web.store.copy import copy_store

ROLES = ("resident", "association", "moderator", "social_worker", "admin")
POSTER_TYPES = ("individual", "association", "company", "public_body")
SLUG_PATTERN = r"[a-z0-9][a-z0-9-]{0,39}"  # as the API's path parameter
CATEGORIES_FILE = Path(__file__).resolve().parent.parent / "data" / "categories.json"

city_group = AppGroup("city", help="Cities.")
user_group = AppGroup("user", help="Accounts.")
token_group = AppGroup("token", help="API tokens.")


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
    if not re.fullmatch(SLUG_PATTERN, slug) or slug in _reserved_words():
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
    account_id = store.create_account(
        city_id,
        email=email,
        password_hash=auth.hash_password(password),
        role=role,
        poster_type=poster_type,
        display_name=display_name or email.split("@")[0],
        verification="approved" if role == "association" else None,  # the operator made it
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
@click.option("--posts", default=3000, show_default=True, type=click.IntRange(0, 200_000))
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


def register(app: Flask) -> None:
    commands = (init_db, import_addresses, demo, copy_store_command)
    for command in (*commands, city_group, user_group, token_group):
        app.cli.add_command(command)


def main() -> None:
    """The ``voisinage`` console script."""
    from web import create_app

    FlaskGroup(create_app=create_app)()
