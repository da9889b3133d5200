"""Real Chromium (Debian's, installed by `make test`) against the live site with the seed loaded."""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections
from playwright.sync_api import Browser, BrowserContext, Page, Request, sync_playwright

from tests.database import SavedTables, data_fingerprint

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def is_local(url: str) -> bool:
    return urlsplit(url).hostname in LOCAL_HOSTS


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    """One Chromium for the browser tests; each test opens its own context.

    Playwright's sync API keeps an event loop running in this thread while it
    is open, so Django's guard against database calls from async code would
    stop the tests' own database work (writing the seed back). Nothing here
    is async: the site is served from the live server's thread, which has no
    event loop. So the guard is lifted for this package only, while Chromium
    is open.
    """
    with (
        pytest.MonkeyPatch.context() as patch,
        tempfile.TemporaryDirectory(prefix="chromium-") as downloads,
    ):
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # Every launch gets a fresh temporary profile (user-data dir).
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, downloads_path=downloads
            )
            yield browser
            browser.close()
            # While Playwright is open, Django keeps this thread's database
            # connections apart from the others (they follow the event loop's
            # context): closed here, or they would outlive the test database.
            connections.close_all()


@dataclass
class SeededSite:
    """The live server with the seed committed, for every browser test."""

    url: str
    saved_seed: SavedTables
    fingerprint: list[tuple[str, int, int]]

    def restore_if_changed(self) -> None:
        if data_fingerprint() != self.fingerprint:
            self.saved_seed.restore()
            self.fingerprint = data_fingerprint()


@pytest.fixture(scope="package")
def seeded_site(live_site, saved_seed, saved_empty, django_db_blocker) -> Iterator[SeededSite]:
    """The seed written once for the browser tests, committed so that the live
    server's threads read it; the tables are emptied again after the last one."""
    live_site._live_server_modified_settings.enable()
    with django_db_blocker.unblock():
        saved_seed.restore()
        seeded = SeededSite(live_site.url, saved_seed, data_fingerprint())
    yield seeded
    with django_db_blocker.unblock():
        saved_empty.restore()
    live_site._live_server_modified_settings.disable()


@pytest.fixture
def site(seeded_site, django_db_blocker) -> Iterator[str]:
    """The base URL of the live site, with the data `make run` loads.

    The data is loaded once for all the browser tests; a test that changed it
    leaves the seed written back for the next one."""
    with django_db_blocker.unblock():
        yield seeded_site.url
        seeded_site.restore_if_changed()


@dataclass
class Visit:
    """A browser tab and everything it asked for."""

    context: BrowserContext
    page: Page
    requests: list[str] = field(default_factory=list)

    def outside_requests(self) -> list[str]:
        return [url for url in self.requests if not is_local(url)]


def open_visit(chromium: Browser, **context_options) -> Visit:
    context = chromium.new_context(locale="ja-JP", **context_options)
    # A broken page fails in seconds, not after Playwright's default 30.
    context.set_default_timeout(10_000)
    visit = Visit(context=context, page=context.new_page())
    context.on("request", lambda request: visit.requests.append(request.url))

    # Nothing may leave the machine, even if a page asked for it: such
    # requests are recorded above and then refused here.
    def refuse(route, request: Request) -> None:
        route.abort("blockedbyclient")

    context.route(lambda url: not is_local(url), refuse)
    return visit


@pytest.fixture
def visit(chromium) -> Iterator[Visit]:
    opened = open_visit(chromium, viewport={"width": 1280, "height": 800})
    yield opened
    opened.context.close()
