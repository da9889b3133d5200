"""Every page type at a phone's and a desktop's width, screenshotted for review."""

import struct

import pytest

from tests.browser.conftest import SCREENSHOTS, open_visit
from tests.browser.pages import each_page_type

WIDTHS = [375, 1280]


def _png_width(png: bytes) -> int:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", png[16:20])[0]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_type", **each_page_type())
def test_page_fits_the_width_with_its_styles_and_is_screenshotted(chromium, site, page_type, width):
    visit = open_visit(chromium, viewport={"width": width, "height": 800})
    page = visit.page
    loaded = []
    page.on("response", lambda response: loaded.append((response.url, response.status)))
    try:
        # goto waits for the load event: the stylesheet and the script are in.
        assert page.goto(site + page_type.path).status == page_type.status

        # Stylesheet and script arrived and the stylesheet was parsed.
        assert [(url, status) for url, status in loaded[1:] if status != 200] == []
        fetched = page.evaluate(
            "performance.getEntriesByType('resource').map((entry) => entry.initiatorType)"
        )
        assert {"link", "script"} <= set(fetched)
        assert page.evaluate(
            "Array.from(document.styleSheets).every((sheet) => sheet.cssRules.length > 0)"
        )
        # Nothing scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") == width

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        png = page.screenshot(path=SCREENSHOTS / f"{page_type.name}-{width}.png", full_page=True)
        assert _png_width(png) == width
    finally:
        visit.context.close()
