"""The account pages reached from mails: confirm, forgot, reset."""

from flask import Blueprint, render_template

from web.http import html

bp = Blueprint("accounts", __name__)


@bp.get("/<city>/confirm")
def confirm_page(city: str) -> str:
    return render_template("confirm.html", city=html.city_or_404(city))


@bp.get("/<city>/forgot")
def forgot_page(city: str) -> str:
    return render_template("forgot.html", city=html.city_or_404(city))


@bp.get("/<city>/reset")
def reset_page(city: str) -> str:
    return render_template("reset.html", city=html.city_or_404(city))
