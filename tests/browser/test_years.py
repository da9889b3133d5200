"""A project with two published years, as a reader sees it: the years compared
side by side on a desktop, one above the other on a phone, and the page (and the
goal page showing the newest status) clean for axe-core and the Nu Html Checker."""

import pytest

from tests.browser.conftest import SCREENSHOTS, open_visit
from tests.browser.test_accessibility import AXE, RUN_AXE, WCAG_21_AA, _readable
from tests.browser.test_html import _html_errors, _served_html
from tests.pages import PAGE_URLS
from tests.reports.test_years import PROJECT_20_IN_2018

PROJECT = PAGE_URLS["project"]  # project 20
PAGES = {"project_two_years": PROJECT, "goal_two_years": PAGE_URLS["goal"]}


@pytest.fixture
def two_years(site, django_db_blocker, import_seed_as) -> str:
    """The seed and a 2018 table with project 20 reworded, committed for the
    live server; ``site`` writes the seed back afterwards."""
    with django_db_blocker.unblock():
        import_seed_as("平成30年度実施状況", PROJECT_20_IN_2018)
    return site


@pytest.mark.parametrize("width", [375, 1280])
def test_two_years_side_by_side_on_a_desktop_and_stacked_on_a_phone(chromium, two_years, width):
    visit = open_visit(chromium, viewport={"width": width, "height": 800})
    visit.context.add_init_script(path=AXE)  # as in test_accessibility
    page = visit.page
    try:
        for name, path in PAGES.items():
            assert page.goto(two_years + path).status == 200
            assert page.evaluate("document.documentElement.scrollWidth") == width
            results = page.evaluate(RUN_AXE, WCAG_21_AA)
            assert results["violations"] == [], _readable(results["violations"])
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)

        page.goto(two_years + PROJECT)
        before, after = (side.bounding_box() for side in page.locator(".diff-side").all())
        if width == 1280:
            assert before["y"] == after["y"] and before["x"] + before["width"] < after["x"]
        else:
            assert before["x"] == after["x"] and before["y"] + before["height"] < after["y"]
        # The marks are words too: struck-through and underlined text is named.
        assert (
            page.locator(".diff-side del.removed").first.text_content()
            == "［削除: 大宮区くらし応援室］"
        )
        assert (
            page.locator(".diff-side del.removed").first.evaluate(
                "(e) => getComputedStyle(e).textDecorationLine"
            )
            == "line-through"
        )
        assert (
            page.locator(".diff-side ins.added").first.evaluate(
                "(e) => getComputedStyle(e).textDecorationLine"
            )
            == "underline"
        )
        assert (
            page.locator(".diff-side ins.added")
            .first.locator("span.visually-hidden")
            .first.evaluate("(e) => e.getBoundingClientRect().width")
            <= 1
        )
    finally:
        visit.context.close()


def test_nu_html_checker_finds_no_errors_with_two_years(two_years, tmp_path):
    documents = {name: _served_html(two_years + path) for name, path in PAGES.items()}
    assert _html_errors(documents, tmp_path) == {name: [] for name in PAGES}
