"""The reminder's link: renews a post without logging in."""

import time

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature

from web.http import html
from web.services import settings
from web.services.expiry import renew_serializer
from web.store import current as store

bp = Blueprint("expiry", __name__)


@bp.route("/<city>/posts/<int:post_id>/renew/<token>", methods=["GET", "POST"])
def renew_link(city: str, post_id: int, token: str) -> ResponseReturnValue:
    """The reminder's link: renews the post for another period, without logging in."""
    html.city_or_404(city)
    index_city = store().city(city)
    try:
        signed_id, signed_expiry = renew_serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return render_template("renewed.html", city=city, state="invalid"), 404
    post = store().post(index_city["id"], post_id) if index_city else None
    if index_city is None or post is None or signed_id != post_id or post["status"] != "published":
        return render_template("renewed.html", city=city, state="invalid"), 404
    if post["expires_at"] != signed_expiry:  # renewed since: the link is spent
        return render_template("renewed.html", city=city, state="spent", post=post), 409
    expires_at = time.time() + settings.of(index_city).post_ttl_s
    store().update_post(index_city["id"], post_id, expires_at=expires_at)
    if request.method == "POST":
        return Response(status=204)
    return render_template("renewed.html", city=city, state="renewed", post=post)
