"""Safe to visit: the quick exit leaves no way Back, nothing leaves the machine, no cookies."""

from http import HTTPStatus

import pytest

from tests.browser.conftest import is_local, open_visit
from tests.browser.pages import each_page_type

NEUTRAL_PAGE = "<!DOCTYPE html><html lang='en'><title>Neutral</title><p>Neutral page</p></html>"


def _stub_neutral_site(visit, exit_url: str) -> None:
    """Answer the quick exit's target here, so that no request leaves the machine."""
    visit.page.route(
        exit_url,
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE),
    )


def _open_with_quick_exit(visit, url: str, status: int) -> str:
    response = visit.page.goto(url)
    assert response.status == status
    exit_url = visit.page.locator("a.quick-exit").get_attribute("href")
    assert not is_local(exit_url)
    _stub_neutral_site(visit, exit_url)
    return exit_url


@pytest.mark.parametrize("page_type", **each_page_type())
def test_quick_exit_link_replaces_the_page_in_history(site, visit, page_type):
    page = visit.page
    exit_url = _open_with_quick_exit(visit, site + page_type.path, page_type.status)

    page.locator("a.quick-exit").click()
    page.wait_for_url(exit_url)
    assert page.locator("p").inner_text() == "Neutral page"

    page.go_back()
    assert page.url == "about:blank"


@pytest.mark.parametrize("page_type", **each_page_type())
def test_quick_exit_is_a_plain_link_that_works_without_javascript(chromium, site, page_type):
    visit = open_visit(chromium, java_script_enabled=False)
    try:
        exit_url = _open_with_quick_exit(visit, site + page_type.path, page_type.status)
        visit.page.locator("a.quick-exit").click()
        visit.page.wait_for_url(exit_url)
        assert visit.page.locator("p").inner_text() == "Neutral page"
    finally:
        visit.context.close()


@pytest.mark.parametrize("page_type", **each_page_type())
def test_shift_three_times_in_a_row_exits_and_replaces_the_page(site, visit, page_type):
    page = visit.page
    url = site + page_type.path
    exit_url = _open_with_quick_exit(visit, url, page_type.status)

    # Another key in between starts the count again.
    for key in ["Shift", "Shift", "a", "Shift"]:
        page.keyboard.press(key)
    assert page.url == url

    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_url(exit_url)
    page.go_back()
    assert page.url == "about:blank"


@pytest.mark.parametrize("page_type", **each_page_type())
def test_page_asks_nothing_of_other_hosts_and_sets_no_cookie(site, visit, page_type):
    messages = []
    visit.page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    visit.page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))

    response = visit.page.goto(site + page_type.path)
    visit.page.wait_for_load_state("networkidle")

    assert response.status == page_type.status
    assert visit.outside_requests() == []
    assert visit.requests[0] == site + page_type.path
    assert visit.context.cookies() == []
    assert visit.page.evaluate("document.cookie") == ""
    # Chromium reports an error status of the page itself, as it would any other.
    expected_messages = []
    if page_type.status != 200:
        status = HTTPStatus(page_type.status)
        expected_messages.append(
            "error: Failed to load resource: the server responded with a status of "
            f"{status.value} ({status.phrase})"
        )
    assert messages == expected_messages
