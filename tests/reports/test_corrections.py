"""Reviewed corrections as a reader meets them: the corrected reading with a
marker, the published text on demand, search under either reading, and the
published text in downloads and the API."""

import csv
import io
from dataclasses import dataclass

import pytest

from reports.corrections import reading
from reports.models import AnnualStatus
from tests.conftest import ROOT
from tests.reports.html import main_of, parse

PLAN = "/plans/saitama-dv-2"
NAME_NOTE = (
    "公表時の表記「データDV」を「デートDV」と補正。"
    "理由: 「デートDV」（交際相手からの暴力）の読み違い（ト→タ）。"
    "「データDV」という語はなく、若年層への予防啓発の事業名"
)


@dataclass(frozen=True)
class Entry:
    published: str
    corrected: str
    reason: str = "読み違い"


def test_a_reading_takes_the_longest_published_text_first_whatever_the_order():
    inner, outer = Entry("府内", "庁内"), Entry("府内外", "庁内外")
    for corrections in ([inner, outer], [outer, inner]):
        corrected = reading("府内外の情報と府内の連携", corrections)
        assert corrected.corrected == "庁内外の情報と庁内の連携"
        assert corrected.pieces == (
            ("府内外", outer),
            ("の情報と", None),
            ("府内", inner),
            ("の連携", None),
        )
        assert [(a.published, a.count) for a in corrected.applied] == [("府内外", 1), ("府内", 1)]


def test_a_reading_without_a_match_is_the_published_text_unmarked():
    corrected = reading("DVの防止", [Entry("データDV", "デートDV")])
    assert not corrected.is_corrected
    assert corrected.corrected == corrected.published == "DVの防止"
    assert corrected.html() == "DVの防止"


def test_a_readings_html_is_escaped_and_marks_each_corrected_piece():
    corrected = reading("<Y ou & Me>とY ou & Me", [Entry("Y ou & Me", "You & Me")])
    assert corrected.html() == (
        '&lt;<ins class="corrected">You &amp; Me</ins>&gt;と<ins class="corrected">You &amp; Me</ins>'
    )
    assert [a.count for a in corrected.applied] == [2]


@pytest.mark.django_db
def test_project_page_shows_the_corrected_reading_marked_and_the_published_text_on_demand(
    client, seeded
):
    response = client.get(f"{PLAN}/projects/7/")
    page = parse(response)
    # The title is neutral: neither the corrected nor the published name.
    assert page.texts("title") == ["事業7｜計画の実施状況"]
    assert page.one("nav", cls="breadcrumbs").texts("li")[-1] == "事業7 デートDVの防止・啓発"
    main = page.one("main")
    assert main.texts("h1") == ["事業7 デートDVの防止・啓発"]
    assert main.one("h1").texts("ins", cls="corrected") == ["デートDV"]
    # One note per section: the heading section (name and content), then the year's status.
    notes = main.all("details", cls="correction")
    assert [n.one("summary").text for n in notes] == [
        "補正 公表時の表記（2件）",
        "補正 公表時の表記（1件）",
    ]
    heading_note = notes[0].texts("li")
    assert heading_note[0] == f"事業名称: {NAME_NOTE}"
    assert heading_note[1].startswith(
        "事業内容: 公表時の表記「データDV」を「デートDV」と補正（3か所）。"
    )
    assert (
        notes[1]
        .one("li")
        .text.startswith("実施状況: 公表時の表記「データDV」を「デートDV」と補正（4か所）。")
    )
    content, status = main.all("p", cls="source-text")
    assert "データDV" not in content.text and content.text.count("デートDV") == 3
    assert content.texts("ins", cls="corrected") == ["デートDV"] * 3
    assert status.texts("ins", cls="corrected") == ["デートDV"] * 4


@pytest.mark.django_db
def test_a_project_without_corrections_has_no_marker(client, seeded):
    main = main_of(client.get(f"{PLAN}/projects/20/"))
    assert main.all("details", cls="correction") == []
    assert main.all("ins") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [f"{PLAN}/", f"{PLAN}/goals/1/", f"{PLAN}/goals/1/directions/3/", f"{PLAN}/years/2017/"],
)
def test_lists_show_the_corrected_project_name_with_its_marker(client, seeded, url):
    main = main_of(client.get(url))
    link = next(a for a in main.all("a") if a.attrs["href"] == f"{PLAN}/projects/7/")
    assert link.text.endswith("7 デートDVの防止・啓発")
    assert link.texts("ins", cls="corrected") == ["デートDV"]
    notes = [li.text for n in main.all("details", cls="correction") for li in n.all("li")]
    assert any(note.endswith(f"事業名称: {NAME_NOTE}") for note in notes), notes
    assert not any("データDVの防止" in a.text for a in main.all("a"))


@pytest.mark.django_db
def test_fiscal_year_table_marks_corrected_contents_and_statuses(client, seeded):
    main = main_of(client.get(f"{PLAN}/years/2017/"))
    row = next(
        tr for tr in main.all("tr") if any("9 通報体制の整備" in th.text for th in tr.all("th"))
    )
    status = row.one("td", cls="col-status")
    assert status.text.startswith("庁内ドメスティック・バイオレンス防止対策関係機関連携会議を年2回")
    # One note for the whole row (name, content and status), in the status cell.
    assert [n.one("summary").text for n in row.all("details", cls="correction")] == [
        "補正 公表時の表記（1件）"
    ]
    assert status.one("li").text.startswith(
        "実施状況: 公表時の表記「府内」を「庁内」と補正。理由: 「庁内」"
    )
    # 35: 府内外 is corrected whole, in 事業内容 and in 実施状況.
    row = next(
        tr
        for tr in main.all("tr")
        if any("35 DV被害者への情報提供" in th.text for th in tr.all("th"))
    )
    assert row.one("td", cls="col-content").texts("ins", cls="corrected") == ["庁内外"]
    assert row.one("td", cls="col-status").texts("ins", cls="corrected") == ["庁内外"]
    # Corrected on this page: 2 names, 12 事業内容 and 11 実施状況 (2's has two
    # corrections), in one note for each of the 16 projects corrected.
    notes = main.all("details", cls="correction")
    items = [li.text.split(":", 1)[0] for n in notes for li in n.all("li")]
    assert (items.count("事業名称"), items.count("事業内容"), items.count("実施状況")) == (
        2,
        12,
        12,
    )
    assert len(notes) == 16
    assert all(len(tr.all("details", cls="correction")) <= 1 for tr in main.all("tr"))


@pytest.mark.django_db
def test_department_page_marks_corrected_names_and_statuses(client, seeded):
    main = main_of(client.get("/m/saitama-city/departments/男女共同参画課/"))
    row = next(tr for tr in main.all("tr") if "7 デートDVの防止・啓発" in tr.text)
    status = row.one("td", cls="col-status")
    assert status.texts("ins", cls="corrected") == ["デートDV"] * 4
    note = status.one("details", cls="correction")
    assert note.one("summary").text == "補正 公表時の表記（2件）"
    assert note.texts("li")[0] == f"事業名称: {NAME_NOTE}"
    assert row.all("th")[0].all("details") == []


@pytest.mark.django_db
def test_search_finds_project_7_under_either_reading(client, seeded):
    for query in ("デートDV", "データDV", "ﾃﾞｰﾄDV"):
        main = main_of(client.get(f"{PLAN}/statuses/", {"q": query}))
        links = [h3.links()[0][1] for h3 in main.all("h3")]
        assert f"{PLAN}/projects/7/" in links, query
    # The same four statuses, under either reading: 2, 7, 15 and 56 (テートDV in 56's content).
    main = main_of(client.get(f"{PLAN}/statuses/", {"q": "デートDV"}))
    assert sorted(int(h3.links()[0][1].rstrip("/").rsplit("/", 1)[1]) for h3 in main.all("h3")) == [
        2,
        7,
        15,
        56,
    ]
    main = main_of(client.get(f"{PLAN}/statuses/", {"q": "データDV"}))
    assert len(main.all("h3")) == 4
    assert AnnualStatus.objects.filter(project__number=7).count() == 1


@pytest.mark.django_db
def test_search_snippets_show_the_corrected_reading_or_say_they_are_the_published_one(
    client, seeded
):
    result = main_of(client.get(f"{PLAN}/statuses/", {"q": "デートDV"})).all("li", cls="result")
    first = next(r for r in result if r.one("h3").text == "事業7 デートDVの防止・啓発")
    assert first.one("h3").texts("mark") == ["デートDV"]
    snippets = first.one("dl", cls="snippets")
    assert snippets.texts("dt") == ["事業内容", "実施状況"]
    assert snippets.texts("mark") == ["デートDV"] * 7
    # One note for the result: the name, the content and the status.
    assert [s.text for s in first.all("summary")] == ["補正 公表時の表記（3件）"]
    assert [li.text.split(":", 1)[0] for li in first.all("li")] == [
        "事業名称",
        "事業内容",
        "実施状況",
    ]

    result = main_of(client.get(f"{PLAN}/statuses/", {"q": "データDV"})).all("li", cls="result")
    first = next(r for r in result if r.one("h3").text == "事業7 デートDVの防止・啓発")
    assert first.one("h3").texts("mark") == []
    snippets = first.one("dl", cls="snippets")
    assert snippets.texts("dt") == ["事業内容（公表時の表記）", "実施状況（公表時の表記）"]
    assert snippets.texts("mark") == ["データDV"] * 7


@pytest.mark.django_db
def test_the_filter_page_without_a_keyword_marks_corrected_statuses(client, seeded):
    main = main_of(client.get(f"{PLAN}/statuses/", {"goal": "1"}))
    result = next(r for r in main.all("li", cls="result") if "事業7 " in r.one("h3").text)
    assert result.one("h3").text == "事業7 デートDVの防止・啓発"
    assert [s.text for s in result.all("summary")] == ["補正 公表時の表記（2件）"]
    assert [li.text.split(":", 1)[0] for li in result.all("li")] == ["事業名称", "実施状況"]


@pytest.mark.django_db
def test_downloads_and_the_api_keep_the_published_text(client, seeded):
    response = client.get(f"{PLAN}/statuses.csv", {"q": "データDV"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(r for r in rows if r["事業番号"] == "7")
    assert row["事業名称"] == "データDVの防止・啓発"
    assert "デートDV" not in row["事業内容"] + row["実施状況"]
    api = client.get("/api/v1/plans/saitama-dv-2/projects/").json()
    names = {p["number"]: p["name"] for p in api["results"] if p["number"] in (7, 44)}
    assert names == {7: "データDVの防止・啓発", 44: "志春期の精神保健相談の実施"}
    data_page = main_of(client.get("/data/"))
    assert (
        "事業名称・事業内容・実施状況は公表されたとおりの表記です。ページで「補正」の印を付けて示している読み違いの補正は、ダウンロードと API には含めていません。"
        in data_page.texts("li")
    )


def test_docs_describe_the_corrections_file_and_its_columns():
    importing = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    section = importing.split("## Corrections of misreadings", 1)[1].split("\n## ", 1)[0]
    words = " ".join(section.split())
    assert "`fixtures/corrections.toml`" in section
    for column in ("plan", "fiscal_year", "project", "field", "published", "corrected", "reason"):
        assert f"`{column}`" in section, column
    assert "never corrected automatically" in words
    assert "One entry corrects every occurrence of `published` in that field" in words
    assert "The search finds both" in words
