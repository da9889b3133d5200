"""What a reader on a phone meets: stacked cards instead of wide tables, the
filter form folded away, the way to help beside the way out, neutral titles."""

import pytest

from tests.browser.conftest import open_visit
from tests.browser.pages import each_page_type
from tests.pages import PAGE_TITLES, PAGE_URLS, WORDS_NEVER_IN_TITLES

PHONE = {"viewport": {"width": 375, "height": 800}}
TOUCH_PHONE = {**PHONE, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}

# Every cell of every stacked table: its box, and whether it lies inside the page.
CELL_BOXES = """(table) => Array.from(table.querySelectorAll('tbody th, tbody td')).map((cell) => {
  const box = cell.getBoundingClientRect();
  return {left: box.left, right: box.right, width: box.width, height: box.height};
})"""


def test_every_page_type_has_a_neutral_title_in_the_tab_bar(chromium, site):
    visit = open_visit(chromium, **DESKTOP)
    try:
        titles = {}
        for page_type in each_page_type()["argvalues"]:
            visit.page.goto(site + page_type.path)
            titles[page_type.name] = visit.page.title()
    finally:
        visit.context.close()
    assert titles == {**PAGE_TITLES, "not_found": "ページが見つかりません｜計画の実施状況"}
    assert [t for t in titles.values() for word in WORDS_NEVER_IN_TITLES if word in t] == []


@pytest.mark.parametrize("name", ["fiscal_year", "department", "data"])
def test_on_a_phone_wide_tables_become_cards_with_every_cell_in_sight(chromium, site, name):
    visit = open_visit(chromium, **PHONE)
    try:
        page = visit.page
        page.goto(site + PAGE_URLS[name])
        tables = page.locator("table.stack-table")
        assert tables.count() >= 1
        for index in range(tables.count()):
            table = tables.nth(index)
            assert table.locator("thead").bounding_box()["width"] <= 1
            boxes = table.evaluate(CELL_BOXES)
            assert boxes
            assert [b for b in boxes if b["left"] < 0 or b["right"] > 375] == []
            assert [b for b in boxes if b["width"] == 0 or b["height"] == 0] == []
        assert page.evaluate("document.documentElement.scrollWidth") == 375
        labels = page.evaluate(
            """Array.from(document.querySelectorAll('table.stack-table tbody td[data-label]'))
              .slice(0, 3).map((cell) => getComputedStyle(cell, '::before').content)"""
        )
        assert labels and all(label not in ("none", "normal", "") for label in labels)
    finally:
        visit.context.close()


def test_on_a_phone_the_card_puts_the_status_before_the_projects_description(chromium, site):
    visit = open_visit(chromium, **PHONE)
    try:
        page = visit.page
        page.goto(site + PAGE_URLS["fiscal_year"])
        row = page.locator("table.year-table tbody tr").first
        tops = {
            cell: row.locator(f".{cell}").bounding_box()["y"]
            for cell in ["col-project", "col-status", "col-departments", "col-content"]
        }
        assert sorted(tops, key=tops.get) == [
            "col-project",
            "col-status",
            "col-departments",
            "col-content",
        ]
    finally:
        visit.context.close()


def test_at_desktop_width_the_tables_keep_their_table_form(chromium, site):
    visit = open_visit(chromium, **DESKTOP)
    try:
        visit.page.goto(site + PAGE_URLS["fiscal_year"])
        table = visit.page.locator("table.year-table").first
        assert table.evaluate("(t) => getComputedStyle(t).display") == "table"
        assert table.locator("thead").bounding_box()["height"] > 20
    finally:
        visit.context.close()


def test_on_a_phone_the_filter_form_folds_away_and_results_start_near_the_top(chromium, site):
    visit = open_visit(chromium, **PHONE)
    try:
        page = visit.page
        page.goto(site + PAGE_URLS["filter_combined"])
        assert page.locator("details.filter-panel").evaluate("(d) => d.open") is False
        assert page.locator("#id_q").is_visible() is False
        assert page.locator("#results-heading").bounding_box()["y"] < 800
        page.locator("details.filter-panel > summary").click()
        assert page.locator("#id_q").is_visible()
    finally:
        visit.context.close()
    visit = open_visit(chromium, **DESKTOP)
    try:
        visit.page.goto(site + PAGE_URLS["filter_combined"])
        assert visit.page.locator("#id_q").is_visible()
    finally:
        visit.context.close()


def test_the_shift_hint_shows_only_where_there_is_a_keyboard(chromium, site):
    shown = {}
    for device, options in {"touch": TOUCH_PHONE, "desktop": DESKTOP}.items():
        visit = open_visit(chromium, **options)
        try:
            visit.page.goto(site + PAGE_URLS["project"])
            shown[device] = visit.page.locator("[data-quick-exit-hint]").is_visible()
        finally:
            visit.context.close()
    assert shown == {"touch": False, "desktop": True}


def test_on_a_phone_help_is_beside_the_exit_and_every_tap_target_is_44px(chromium, site):
    visit = open_visit(chromium, **TOUCH_PHONE)
    try:
        page = visit.page
        page.goto(site + PAGE_URLS["project"])
        exit_box = page.locator("a.quick-exit").bounding_box()
        help_box = page.locator("a.help-link").bounding_box()
        assert abs(exit_box["y"] - help_box["y"]) < 1 and help_box["x"] < exit_box["x"]
        page.locator("a.help-link").click()
        page.wait_for_url(site + PAGE_URLS["help"])
        assert page.locator("h1").inner_text() == "相談窓口"
        # The first number is in sight without scrolling.
        assert page.locator("main a.hotline-number").first.bounding_box()["y"] < 800
        targets = page.locator(
            "a.quick-exit, a.help-link, .site-nav a, main a.hotline-number, main .hotline-routes a"
        )
        heights = [targets.nth(i).bounding_box()["height"] for i in range(targets.count())]
        assert len(heights) >= 10
        assert [h for h in heights if h < 44] == []
    finally:
        visit.context.close()
