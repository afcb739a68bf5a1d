"""A social worker reads the city's dashboard: the map of posts by neighbourhood, the
tables week by week, and the CSV."""

from pathlib import Path

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect
from tests.browser.test_moderation import SPOT, create_post


@needs_chromium
def test_a_social_worker_reads_the_dashboard(
    community,  # noqa: F811
    logged_in,  # noqa: F811
):
    community.account("poste-tableau@example.org", *SPOT)
    community.account("as-tableau@ville.example", *SPOT, role="social_worker")
    resident = logged_in("poste-tableau@example.org")
    for number in range(5):
        create_post(resident, f"Courses du quartier {number}", "request")
    worker = logged_in("as-tableau@ville.example")
    worker.goto("/grenoble/me")
    worker.get_by_role("link", name="Le tableau de bord de la ville").click()
    expect(worker).to_have_url(f"{community.base_url}/grenoble/dashboard")
    expect(worker.locator("#dashboard")).to_be_visible()
    cells = worker.locator("#dashboard-map path.leaflet-interactive")
    expect(cells.first).to_be_visible()
    this_week = worker.locator("#by-week tr").last
    requests = int(this_week.locator("td").nth(1).inner_text())
    assert requests >= 5
    expect(worker.locator("#by-category")).to_contain_text("Courses essentielles")
    expect(worker.locator("#unanswered")).to_contain_text("Moins d'un jour")

    worker.select_option("#f-weeks", "4")
    expect(worker.locator("#by-week tr")).to_have_count(4)
    expect(worker.locator("#dashboard-csv")).to_have_attribute(
        "href", "/api/v1/grenoble/dashboard.csv?weeks=4"
    )
    with worker.expect_download() as download:
        worker.click("#dashboard-csv")
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert content.startswith("measure,week,category,kind,outcome,cell,count")

    resident.goto("/grenoble/dashboard")
    expect(resident.locator("#dashboard-status")).to_contain_text(
        "Seuls les modérateurs, travailleurs sociaux et administrateurs"
    )
    expect(resident.locator("#dashboard")).to_be_hidden()
