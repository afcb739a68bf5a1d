"""Contact between neighbours: who may read a connection's thread, and the notices that
tell the other side at once (contacted, answered, written to), in the inbox and by mail.

The notices are built here and written by the store in the transaction of the change
that causes them, so a contact is never recorded without its poster being told."""

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from web.http import schemas
from web.http.problems import Problem
from web.services import notify
from web.store import current as store
from web.store.rows import Account, Connection

ALREADY_REQUESTED = "already requested"
NOT_ACCEPTED = "not accepted yet"


def thread_link(account: Mapping[str, Any], connection: Mapping[str, Any]) -> str:
    """Where a side reads the thread: the post's page, which shows it under the post."""
    return f"/{account['city']}/posts/{connection['post_id']}?connection={connection['id']}#thread"


def side_of(account: Mapping[str, Any], connection_id: int) -> Connection:
    """The connection if ``account`` is one of its two sides; 404 for anyone else
    (moderators and agents included: a thread is private until a side reports it)."""
    row = store().connection(connection_id) if connection_id <= schemas.INT64_MAX else None
    if row is None or account["id"] not in (row["poster_id"], row["requester_id"]):
        raise Problem(
            404,
            "Not found",
            f"no connection {connection_id} of yours",
            [("connection_id", "unknown")],
        )
    return row


def open_thread(account: Mapping[str, Any], connection_id: int) -> Connection:
    """The connection whose thread ``account`` may read and write: 409 until accepted."""
    row = side_of(account, connection_id)
    if row["status"] not in ("accepted", "done"):
        raise Problem(
            409,
            "Conflict",
            "the thread opens once the contact is accepted",
            [("connection_id", NOT_ACCEPTED)],
        )
    return row


def other_side(account: Mapping[str, Any], connection: Connection) -> Account:
    other_id = (
        connection["requester_id"]
        if account["id"] == connection["poster_id"]
        else connection["poster_id"]
    )
    other = store().account(other_id)
    assert other is not None  # deleting an account deletes its connections
    return other


def _notice(recipient: Account, kind: str, title: str, body: str, link: str) -> dict[str, Any]:
    mail = notify.mail(recipient, title, f"{body}\n\n{notify.base_url()}{link}\n")
    if mail:
        notify.queued()
    return {
        "account_id": recipient["id"],
        "kind": kind,
        "title": title,
        "body": body,
        "link": link,
        "mail": mail,
    }


def contacted(
    poster: Account, requester: Mapping[str, Any], post_title: str, message: str
) -> dict[str, Any]:
    """To the poster: someone wrote about their post; they answer on their account page."""
    title = _("{name} contacted you about “{title}”").format(
        name=requester["display_name"], title=post_title
    )
    return _notice(poster, "contact", title, message, f"/{poster['city']}/me#incoming")


def answered(connection: Connection, status: str) -> dict[str, Any]:
    """To the requester: the poster accepted (the thread opens) or declined."""
    requester = store().account(connection["requester_id"])
    assert requester is not None
    if status == "accepted":
        title = _("Your contact about “{title}” was accepted").format(
            title=connection["post_title"]
        )
        body = _("You can now write to each other in the thread under the post.")
    else:
        title = _("Your contact about “{title}” was declined").format(
            title=connection["post_title"]
        )
        body = _("The author will not follow up. Other neighbours may help: search again.")
    return _notice(requester, "contact", title, body, thread_link(requester, connection))


def written(
    recipient: Account, author: Mapping[str, Any], connection: Connection
) -> dict[str, Any]:
    """To the other side of a thread: new messages (one notice until it is read)."""
    title = _("New message from {name}").format(name=author["display_name"])
    body = _("Open the thread to read it and answer.")
    return _notice(recipient, "message", title, body, thread_link(recipient, connection))
