"""My data on the account page: download everything held about me; delete my account
with my password typed again, and my posts leave the search at once."""

import json

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect
from tests.browser.test_moderation import SPOT, create_post, found_ids
from tests.web.conftest import PASSWORD


@needs_chromium
def test_download_my_data_then_delete_my_account(community, logged_in):  # noqa: F811
    community.account("partante@example.org", *SPOT)
    page = logged_in("partante@example.org")
    post_id = create_post(page, "Je prête ma perceuse")
    page.goto("/grenoble/me")
    with page.expect_download() as download:
        page.click("#export-data")
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["email"] == "partante@example.org"
    assert [post["title"] for post in data["posts"]] == ["Je prête ma perceuse"]
    assert "password_hash" not in data["account"]

    page.on("dialog", lambda dialog: dialog.accept())
    page.fill("#f-password", "not my password")
    page.click("#delete-account")
    expect(page.locator("#f-password-error")).not_to_be_empty()
    assert post_id in found_ids(community.base_url)

    page.fill("#f-password", PASSWORD)
    page.click("#delete-account")
    expect(page).to_have_url(f"{community.base_url}/grenoble/")
    assert post_id not in found_ids(community.base_url)
