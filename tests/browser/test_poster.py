"""The stairwell poster in chromium: its QR code, photographed from the screen, decodes
(zxing-cpp) to the map page's search around the address, and that page finds the post."""

import io
from urllib.parse import parse_qs, urlsplit

from tests.browser.community import (  # noqa: F401 (fixtures)
    community,
    logged_in,
    publish_from_the_form,
)
from tests.browser.conftest import needs_chromium

SPOT = (45.18867, 5.72443)


@needs_chromium
def test_the_poster_qr_code_leads_to_the_search_around_the_address(community, logged_in):  # noqa: F811
    import zxingcpp
    from PIL import Image

    community.account("affiche@example.org", *SPOT)
    page = logged_in("affiche@example.org")
    publish_from_the_form(page, "Courses pour la voisine du 3e")

    page.goto("/grenoble/poster?address=1+rue+Félix+Poulat")
    assert "Courses pour la voisine du 3e" in page.locator("#poster-posts").inner_text()
    png = page.locator("#poster-qr svg").screenshot()
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    url = urlsplit(code.text)
    assert f"{url.scheme}://{url.netloc}" == community.base_url
    assert url.path == "/grenoble/"
    query = parse_qs(url.query)
    assert query["address"][0].startswith("1 Rue Félix Poulat")
    assert query["scale"] == ["neighbourhood"]
    assert page.locator(".poster-url").inner_text() == code.text

    page.goto(code.text)  # what a phone would open
    page.locator("text=Courses pour la voisine du 3e").first.wait_for()

    page.emulate_media(media="print")
    page.goto("/grenoble/poster?address=1+rue+Félix+Poulat")
    assert page.locator(".no-print").is_hidden()
