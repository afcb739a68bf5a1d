"""The city admin changes a lifetime and a category on the running server; residents see
it at once. (The server is shared by the session: what the test changes, it puts back.)"""

import json
import urllib.request

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect
from tests.browser.test_moderation import SPOT

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)


def categories(base_url: str) -> dict[str, dict]:
    with urllib.request.urlopen(f"{base_url}/api/v1/grenoble/categories", timeout=10) as answer:
        return {c["slug"]: c for c in json.load(answer)["categories"]}


@needs_chromium
def test_the_admin_changes_a_lifetime_and_a_category(
    community,  # noqa: F811
    logged_in,  # noqa: F811
):
    community.account("maire-admin@ville.example", *SPOT, role="admin")
    admin = logged_in("maire-admin@ville.example")
    admin.goto("/grenoble/me")
    admin.get_by_role("link", name="Gérer la ville").click()
    expect(admin).to_have_url(f"{community.base_url}/grenoble/admin")
    expect(admin.locator("#f-post_ttl_days")).to_have_value("60")

    admin.fill("#f-colour", "vert")  # refused, said next to the field
    admin.click("#settings-form button[type=submit]")
    expect(admin.locator("#f-colour-error")).not_to_be_empty()
    admin.fill("#f-colour", "#2a6f4e")
    admin.fill("#f-post_ttl_days", "30")
    admin.click("#settings-form button[type=submit]")
    expect(admin.locator("#admin-status")).to_have_text("Enregistré.")
    expect(admin.locator("#f-colour-error")).to_be_empty()

    admin.fill("#f-slug", "jardinage")
    admin.fill("#f-fr", "Jardinage")
    admin.fill("#f-en", "Gardening")
    admin.fill("#f-icon", "🌱")
    admin.click("#category-form button[type=submit]")
    row = admin.locator('tr[data-slug="jardinage"]')
    expect(row).to_be_visible()
    assert categories(community.base_url)["jardinage"]["fr"] == "Jardinage"
    row.locator('input[name="fr"]').fill("Jardins partagés")
    row.get_by_role("button").click()
    expect(admin.locator("#admin-status")).to_have_text("jardinage: Enregistré.")
    assert categories(community.base_url)["jardinage"]["fr"] == "Jardins partagés"
    resident_page = logged_in(community.account("voisin-admin@ville.example", *SPOT)["email"])
    resident_page.goto("/grenoble/new")
    expect(resident_page.locator('#f-category option[value="jardinage"]')).to_have_text(
        "Jardins partagés"
    )

    row.locator('input[name="retired"]').check()  # put back: the category retired...
    row.get_by_role("button").click()
    expect(admin.locator("#admin-status")).to_have_text("jardinage: Enregistré.")
    assert "jardinage" not in categories(community.base_url)
    admin.reload()
    expect(admin.locator('tr[data-slug="jardinage"] input[name="retired"]')).to_be_checked()
    admin.fill("#f-post_ttl_days", "60")  # ... and the lifetime as it was
    admin.fill("#f-colour", "")
    admin.click("#settings-form button[type=submit]")
    expect(admin.locator("#admin-status")).to_have_text("Enregistré.")

    resident_page.goto("/grenoble/admin")
    expect(resident_page.locator("#admin-status")).to_have_text(
        "Seuls les administrateurs de la ville voient cette page."
    )
    expect(resident_page.locator("#admin-sections")).to_be_hidden()


@needs_chromium
def test_the_admin_writes_the_charter_and_sends_a_logo(
    community,  # noqa: F811
    logged_in,  # noqa: F811
    tmp_path,
):
    community.account("maire-textes@ville.example", *SPOT, role="admin")
    admin = logged_in("maire-textes@ville.example")
    admin.goto("/grenoble/admin")
    admin.fill("#f-charter", "Ici, l'entraide est gratuite.\n\nPas de vente, pas de publicité.")
    admin.click("#settings-form button[type=submit]")
    expect(admin.locator("#admin-status")).to_have_text("Enregistré.")

    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    admin.set_input_files("#f-body", str(logo))
    admin.click("#logo-form button[type=submit]")
    expect(admin.locator("#admin-status")).to_have_text("Enregistré.")
    bad = tmp_path / "logo.webp"
    bad.write_bytes(b"not an image at all")
    admin.set_input_files("#f-body", str(bad))
    admin.click("#logo-form button[type=submit]")
    expect(admin.locator("#f-body-error")).not_to_be_empty()

    resident = logged_in(community.account("lecteur@ville.example", *SPOT)["email"])
    resident.goto("/grenoble/")
    resident.locator(".site-footer").get_by_role("link", name="Charte").click()
    expect(resident).to_have_url(f"{community.base_url}/grenoble/charter")
    expect(resident.locator("h1")).to_have_text("Charte")
    expect(resident.locator(".city-text p")).to_have_text(
        ["Ici, l'entraide est gratuite.", "Pas de vente, pas de publicité."]
    )
    before = resident.evaluate(
        "getComputedStyle(document.querySelector('.brand'), '::before').backgroundImage"
    )
    assert "/grenoble/logo" in before

    admin.fill("#f-charter", "")  # put back: the charter made from the settings, no logo
    admin.click("#settings-form button[type=submit]")
    expect(admin.locator("#admin-status")).to_have_text("Enregistré.")
    admin.click("#remove-logo")
    resident.goto("/grenoble/charter")
    expect(resident.locator(".city-text")).to_contain_text("aucune offre commerciale")
