"""What keeps a visit safe and the markup sound, on every page type."""

import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings

from reports.hotlines import Hotline, Hotlines, hotline_list
from reports.models import Plan, SourceDocument
from tests.pages import BAD_REQUEST_PAGES, PAGE_TITLES, PAGE_URLS, WORDS_NEVER_IN_TITLES
from tests.reports.html import parse

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
FOCUSABLE = {"a", "button", "input", "select", "textarea"}


def fetch(client, name):
    response = client.get(PAGE_URLS[name])
    assert response.status_code == (400 if name in BAD_REQUEST_PAGES else 200)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_URLS)
def test_headers_set_no_cookie_a_strict_csp_and_no_referrer(client, seeded, name):
    response = fetch(client, name)
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_URLS)
def test_quick_exit_is_first_in_tab_order_then_help_then_the_skip_link(client, seeded, name):
    page = parse(fetch(client, name))
    focusable = [
        e for e in page.iter() if (e.tag == "a" and "href" in e.attrs) or e.tag in FOCUSABLE - {"a"}
    ]
    assert [(e.text, e.attrs.get("href")) for e in focusable[:3]] == [
        ("このページからすぐ離れる", "https://www.google.com/"),
        ("相談窓口", "/help/"),
        ("本文へ移動", "#main"),
    ]
    assert "data-quick-exit" in focusable[0].attrs
    assert [
        e.attrs.get("tabindex") for e in page.iter() if e.attrs.get("tabindex") not in (None, "-1")
    ] == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_URLS)
def test_no_inline_script_or_style_and_only_same_origin_assets(client, seeded, name):
    html = fetch(client, name).content.decode()
    page = parse(fetch(client, name))
    # A JSON-LD block is data that no browser runs, so the CSP does not cover it.
    data_blocks = [s for s in page.all("script") if s.attrs.get("type") == "application/ld+json"]
    scripts = [s for s in page.all("script") if s not in data_blocks]
    assert len(data_blocks) == (1 if name == "data" else 0)
    own_scripts = ["/static/js/quick-exit.js"]
    if name.startswith("filter"):
        own_scripts.append("/static/js/filter-panel.js")
    assert [s.attrs.get("src") for s in scripts] == own_scripts
    assert all(not s.children for s in scripts)
    assert page.all("style") == []
    assert [e.tag for e in page.iter() if "style" in e.attrs] == []
    assert not re.search(r"\son[a-z]+=", html)
    assert [link.attrs["href"] for link in page.all("link")] == ["/static/css/site.css"]
    # Links (never assets) to other sites: the quick exit, the licence, and the
    # hotlines' chat and mail routes on the help page.
    # And the municipalities' own pages for their plans and documents.
    routes = [r.url for h in hotline_list(settings.HOTLINES_FILE).national for r in h.routes]
    cities = [url for url in Plan.objects.values_list("city_url", flat=True) if url]
    cities += SourceDocument.objects.exclude(url="").values_list("url", flat=True)
    for url in ["https://www.google.com/", settings.DATA_LICENCE["url"], *routes, *cities]:
        html = html.replace(f'href="{url}"', "")
    assert not re.search(r"(src|href)=\"(https?:)?//", html)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_URLS)
def test_one_h1_headings_in_order_lang_and_breadcrumbs(client, seeded, name):
    page = parse(fetch(client, name))
    assert page.one("html").attrs["lang"] == "ja"
    levels = [int(e.tag[1]) for e in page.iter() if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels.count(1) == 1
    assert levels[0] == 1
    assert all(after <= before + 1 for before, after in itertools.pairwise(levels))
    crumbs = page.one("nav", cls="breadcrumbs").all("li")
    assert crumbs[0].text == "ホーム"
    current = [li for li in crumbs if li.attrs.get("aria-current") == "page"]
    assert current == [crumbs[-1]]
    assert crumbs[-1].all("a") == []
    assert all(li.all("a") for li in crumbs[:-1])


@pytest.mark.django_db
def test_every_page_type_has_its_own_neutral_title(client, seeded):
    titles = {name: parse(fetch(client, name)).one("title").text for name in PAGE_URLS}
    assert titles == PAGE_TITLES
    # The home page of a one-plan site is that plan's overview.
    assert titles.pop("home") == titles["plan"]
    # Two states of the filter page with a refused parameter.
    assert titles.pop("filter_unpublished_year") == titles["filter_bad_parameter"]
    assert len(set(titles.values())) == len(titles)
    assert [t for t in titles.values() for word in WORDS_NEVER_IN_TITLES if word in t] == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_URLS)
def test_footer_lists_the_hotlines_from_the_data_file(client, seeded, name):
    footer = parse(fetch(client, name)).one("footer")
    assert footer.texts("h2") == ["ひとりで悩まず、相談してください"]
    assert footer.one("ul").texts("li") == [
        "DV相談ナビ #8008 お近くの配偶者暴力相談支援センターにつながります",
        "DV相談＋（プラス） 0120-279-889 24時間受付、メール・チャットでも相談できます",
        "警察（緊急のとき） 110 身の危険を感じたら、すぐに通報してください",
        "警察相談専用電話 #9110 緊急ではないけれど警察に相談したいとき。"
        "お住まいの地域の警察の相談窓口につながります",
    ]
    assert footer.one("ul").links() == [
        ("#8008", "tel:%238008"),
        ("0120-279-889", "tel:0120279889"),
        ("110", "tel:110"),
        ("#9110", "tel:%239110"),
    ]
    assert ("相談窓口をすべて見る（チャット・メールの窓口も）", "/help/") in footer.links()


def test_hotlines_come_from_the_file_named_in_settings(tmp_path):
    path = tmp_path / "hotlines.toml"
    path.write_text(
        '[[hotline]]\nname = "相談窓口"\nnumber = "0000"\ntel = "0000"\n', encoding="utf-8"
    )
    assert hotline_list(path) == Hotlines(
        national=(Hotline(name="相談窓口", number="0000", tel="0000", note=""),), local=()
    )
    assert hotline_list(Path(settings.HOTLINES_FILE)).national[0].name == "DV相談ナビ"


def test_quick_exit_script_replaces_history_and_listens_for_three_shifts():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "quick-exit.js").read_text(
        encoding="utf-8"
    )
    assert "window.location.replace(destination)" in script
    assert 'event.key !== "Shift"' in script
    assert "shiftPresses >= 3" in script
    assert "event.preventDefault()" in script


@pytest.mark.django_db
def test_the_site_sets_no_csrf_or_session_machinery():
    assert not any("csrf" in m.lower() or "session" in m.lower() for m in settings.MIDDLEWARE)
    assert "django.contrib.sessions" not in settings.INSTALLED_APPS
