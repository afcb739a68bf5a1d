"""Text contrast of at least 4.5:1 (3:1 for large text), measured in the rendered pages."""

import pytest

from tests.browser.conftest import CITY, needs_chromium
from tests.browser.test_map_page import assert_page_shows

pytestmark = needs_chromium

# For every visible element with its own text: its colour against the first opaque
# background behind it (WCAG 2 relative luminance). The map's inside is Leaflet's.
LOW_CONTRAST = """() => {
  const rgb = (colour) => colour.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      const parts = rgb(colour);
      if (parts.length === 3 || parts[3] === 1) return parts.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const found = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.closest(".leaflet-container, .visually-hidden, .skip-link")) continue;
    const ownText = [...element.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent.trim())
      .join("");
    if (!ownText || !element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden") continue;
    const [a, b] = [luminance(rgb(style.color)), luminance(background(element))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) found.push(`${ownText.slice(0, 30)}: ${ratio.toFixed(2)}`);
  }
  return found;
}"""


def test_map_page_text_contrast(page, server, spot):
    answer = server.match(lat=spot["lat"], lon=spot["lon"], scale="district", limit=20)
    page.goto(f"/{CITY}/?lat={spot['lat']}&lon={spot['lon']}&scale=district")
    assert_page_shows(page, answer)
    page.locator("#categories summary").click()
    page.locator("#results > li .post-meta").first.click()
    assert page.evaluate(LOW_CONTRAST) == []


@pytest.mark.parametrize("path", ["/register", "/new", "/login"])
def test_form_pages_text_contrast(page, path):
    page.goto(f"/{CITY}{path}")
    page.locator("h1").wait_for()
    assert page.evaluate(LOW_CONTRAST) == []
