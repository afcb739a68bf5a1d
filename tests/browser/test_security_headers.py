"""Pages forbid inline scripts and styles, framing and sniffing; their HTML needs none."""

import re
import urllib.request

import pytest

from tests.browser.conftest import CITY

PAGES = ["/", "/login", "/register", "/new", "/me", "/posts/1"]


def fetch(url: str) -> tuple[dict, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return dict(response.headers), response.read().decode()


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_strict_content_security_policy(server, path):
    headers, _ = fetch(server.url(f"/{CITY}{path}"))
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", PAGES)
def test_pages_hold_no_inline_script_style_or_handler(server, path):
    _, html = fetch(server.url(f"/{CITY}{path}"))
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script
    assert not re.search(r"<style\b", html)
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_the_language_choice_is_remembered_in_a_cookie(server):
    with urllib.request.urlopen(server.url(f"/{CITY}/?lang=en"), timeout=10) as response:
        cookie = response.headers["Set-Cookie"]
        html = response.read().decode()
    assert cookie.startswith("lang=en;") and "SameSite=Lax" in cookie
    assert '<html lang="en">' in html
    request = urllib.request.Request(server.url(f"/{CITY}/login"), headers={"Cookie": "lang=en"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert '<html lang="en">' in response.read().decode()
    _, html = fetch(server.url(f"/{CITY}/login"))
    assert '<html lang="fr">' in html


def test_the_home_page_leads_to_the_default_city(server):
    with urllib.request.urlopen(server.url("/"), timeout=10) as response:
        assert response.url == server.url(f"/{CITY}/")


@pytest.mark.parametrize("path", ["/Not-A-Slug/", "/static/", "/marseille/", "/marseille/login"])
def test_unknown_cities_are_not_found(server, path):
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(server.url(path), timeout=10)
    page = raised.value.read().decode()
    raised.value.close()
    assert raised.value.code == 404
    assert "<h1>Page introuvable</h1>" in page
    assert f'href="/{CITY}/"' in page


@pytest.mark.parametrize("path", ["/api/", "/api/v1/marseille"])
def test_the_api_keeps_its_problem_answers(server, path):
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(server.url(path), timeout=10)
    body = raised.value.read().decode()
    raised.value.close()
    assert raised.value.code == 404
    assert raised.value.headers["Content-Type"] == "application/problem+json"
    assert '"status": 404' in body
