"""API tokens of the calling account: list, create, revoke."""

from flask import Blueprint, Response

from web.http import auth, schemas
from web.http.answers import iso, json_answer
from web.http.problems import Problem
from web.http.ratelimit import write_limit
from web.store import current as store

bp = Blueprint("tokens", __name__)


@bp.get("/me/tokens")
def my_tokens() -> Response:
    account = auth.require_account()
    tokens = [
        {"id": t["id"], "created_at": iso(t["created_at"]), "revoked_at": iso(t["revoked_at"])}
        for t in store().tokens(account["id"])
    ]
    return json_answer({"tokens": tokens})


@bp.post("/me/tokens")
def create_my_token() -> Response:
    """A new API token, shown this once. Not ``idempotent``: replaying the answer would keep
    the token in clear for a day; a client that lost it revokes the unseen one (listed)."""
    account = auth.require_account(write=True)
    write_limit(account)
    token, digest = auth.new_token()
    token_id = store().create_token(account["id"], digest)
    return json_answer({"id": token_id, "token": token}, 201)


@bp.delete("/me/tokens/<int:token_id>")
def revoke_my_token(token_id: int) -> Response:
    account = auth.require_account(write=True)
    if token_id > schemas.INT64_MAX or not store().revoke_token(token_id, account["id"]):
        raise Problem(
            404, "Not found", f"no live token {token_id} of yours", [("token_id", "unknown")]
        )
    return Response(status=204)
