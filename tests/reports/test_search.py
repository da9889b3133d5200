"""Search: recall against a brute-force scan, ranking, snippets, bad queries,
and the index actually used."""

import random

import numpy as np
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.corrections import reading
from reports.filters import StatusFilter
from reports.models import (
    AnnualStatus,
    Plan,
    Project,
    SearchBlock,
    SearchPostings,
    StatusDepartment,
    StatusSearchDocument,
)
from reports.search import layout as search_index
from reports.search.documents import field_weight
from reports.search.engine import Conditions, KeywordMatches
from reports.search.layout import CHUNK_SIZE, POSTING, IndexedDocument, block_postings
from reports.search.snippets import highlight, highlight_snippets, snippet_segments
from reports.search.synonyms import SynonymsFileError, synonym_table
from reports.search.text import (
    QueryError,
    SearchQuery,
    grams,
    normalise,
    normalise_with_map,
    parse_query,
    text_matches,
)
from reports.search.writer import search_documents_rebuild
from reports.selectors import plan_statuses, status_filter_options
from tests.conftest import OLD_NAME_FOR_PROJECT_18
from tests.pages import PAGE_URLS
from tests.reports.html import main_of, parse
from tests.synthetic import synthetic_plan

URL = "/plans/saitama-dv-2/statuses/"


def folded_statuses() -> dict[int, str]:
    """Each status's texts, folded and joined, read once; a text with a reviewed
    correction under both readings."""
    folded = {}
    statuses = AnnualStatus.objects.select_related("project").prefetch_related(
        "departments", "project__corrections"
    )
    for status in statuses:
        corrections = list(status.project.corrections.all())
        texts = []
        for field, text in (
            ("name", status.project.name),
            ("content", status.project.content),
            ("status", status.status_text),
        ):
            found = [
                c
                for c in corrections
                if c.field == field and (field != "status" or c.fiscal_year == status.fiscal_year)
            ]
            texts += [text, reading(text, found).corrected]
        texts += [d.name for d in status.departments.all()]
        folded[status.pk] = "\n".join(normalise(t) for t in texts)
    return folded


def brute_force(query_text: str, folded: dict[int, str] | None = None) -> set[int]:
    """Every status whose folded texts contain the query, scanned in Python."""
    query = parse_query(query_text)
    folded = folded_statuses() if folded is None else folded
    return {pk for pk, text in folded.items() if text_matches(text, query)}


def searched(query_text: str) -> set[int]:
    """The statuses the search index finds, in every plan."""
    query = parse_query(query_text)
    return {pk for plan in Plan.objects.all() for pk in KeywordMatches(plan.pk, query).status_ids()}


SMALL_BLOCK = 64
"""Blocks this small spread the test corpora over many blocks."""


@pytest.fixture
def small_blocks(monkeypatch):
    """The index rewritten in blocks of ``SMALL_BLOCK`` documents."""
    monkeypatch.setattr(search_index, "BLOCK_SIZE", SMALL_BLOCK)
    search_documents_rebuild(status_ids=AnnualStatus.objects.values_list("pk", flat=True))


def full_width(text: str) -> str:
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text
    )


def random_queries(rng: random.Random, texts: list[str], count: int) -> list[str]:
    """Substrings of the data, 1 to 8 characters, and their full-width and
    upper-case forms; those with nothing to search for are left out."""
    queries: list[str] = []
    while len(queries) < count:
        text = rng.choice(texts)
        length = rng.randint(1, 8)
        start = rng.randrange(max(1, len(text) - length + 1))
        piece = text[start : start + length]
        for variant in (piece, full_width(piece), piece.upper()):
            try:
                parse_query(variant)
            except QueryError:
                continue
            queries.append(variant)
    return queries[:count]


def all_texts() -> list[str]:
    texts = []
    for status in AnnualStatus.objects.select_related("project").prefetch_related("departments"):
        texts += [status.project.name, status.project.content, status.status_text]
        texts += [d.name for d in status.departments.all()]
    return [t for t in texts if t]


@pytest.mark.django_db
def test_search_finds_exactly_what_a_brute_force_scan_finds(seeded, small_blocks):
    synthetic_plan(projects=150, years=4, seed=7)
    assert AnnualStatus.objects.count() == 57 + 600
    assert SearchBlock.objects.count() == 1 + 600 // SMALL_BLOCK + 1
    rng = random.Random(20261129)
    queries = random_queries(rng, all_texts(), 360)
    queries += ["相談", "DV", "ＤＶ", "ｄｖ", "デ-タ", "データ", "ﾃﾞｰﾀ", "相", "課", "全庁"]
    # What readers type for what the texts write: hiragana for katakana, long
    # vowels left out or doubled, small kana written full size.
    queries += ["でーとDV", "でーた", "デタ", "データー", "そうだん", "ちらし", "パンフレツト"]
    assert len(queries) == 377
    nonempty = 0
    folded = folded_statuses()
    for query in queries:
        expected = brute_force(query, folded)
        assert searched(query) == expected, query
        nonempty += bool(expected)
    # Substrings of the data: almost all find something.
    assert nonempty >= 360


@pytest.mark.django_db
def test_the_filter_queryset_holds_exactly_the_keyword_matches(seeded):
    plan = synthetic_plan(projects=50, years=2, seed=5)
    folded = folded_statuses()
    in_plan = set(AnnualStatus.objects.filter(project__plan=plan).values_list("pk", flat=True))
    in_2021 = set(
        AnnualStatus.objects.filter(project__plan=plan, fiscal_year=2021).values_list(
            "pk", flat=True
        )
    )
    found_any = 0
    for text in ("課", "課 相談", "相談 -課", "相談 -ヴ", "担当課", '"相談 事業"'):
        for data, among in (({"q": text}, in_plan), ({"q": text, "year": "2021"}, in_2021)):
            filterset = StatusFilter(
                data, queryset=plan_statuses(plan=plan), options=status_filter_options(plan=plan)
            )
            assert filterset.is_valid()
            found = set(filterset.qs.values_list("pk", flat=True))
            assert found == brute_force(text, folded) & among, data
            found_any += bool(found)
    assert found_any >= 5


@pytest.mark.django_db
def test_known_counts_on_the_seed(seeded):
    assert len(searched("相談")) == 33
    assert searched("ＤＶ") == searched("dv") == searched("DV")
    assert len(searched("DV")) == 29
    assert searched("相談 DV") == searched("相談") & searched("DV")
    assert searched("相談 -DV") == searched("相談") - searched("DV")
    assert searched('"DV相談"') <= searched("DV") & searched("相談")
    assert searched('"DV 相談"') == set()
    # Hiragana and a reader's long vowel find the katakana the city wrote.
    assert len(searched("デートDV")) == 4
    assert searched("でーとDV") == searched("でーとｄｖ") == searched("デートDV")


@pytest.mark.django_db
def test_a_loader_change_rewrites_the_documents(seeded, seed_path, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    later = tmp_path / "later.txt"
    text = seed_path.read_text(encoding="utf-8").replace("データDVの防止・啓発", "虹色の防止")
    later.write_text(text, encoding="utf-8")
    assert searched("虹色") == set()
    assert searched("防止") == brute_force("防止")  # the index's columns are now in memory
    call_command("import_status", str(later), plan_slug="saitama-dv-2", stdout=StringIO())
    project = Project.objects.get(name="虹色の防止")
    assert searched("虹色") == {project.statuses.get().pk}
    for text in ("防止", "データDV", "デートDV"):
        assert searched(text) == brute_force(text), text
    assert StatusSearchDocument.objects.count() == AnnualStatus.objects.count() == 57


def rank_plan():
    """Four statuses with the word in the name, 事業内容, 実施状況 and a department."""
    plan = synthetic_plan(projects=4, years=1, seed=1, slug="ranked")
    projects = list(Project.objects.filter(plan=plan).order_by("number"))
    texts = [
        ("虹色の事業", "内容", "状況"),
        ("事業", "虹色の内容", "状況"),
        ("事業", "内容", "虹色の状況、" + "とても長い説明" * 10),
        ("事業", "内容", "虹色"),
    ]
    for project, (name, content, status_text) in zip(projects, texts, strict=True):
        project.name, project.content = name, content
        project.save()
        project.statuses.update(status_text=status_text)
    search_documents_rebuild(status_ids=AnnualStatus.objects.values_list("pk", flat=True))
    return plan


@pytest.mark.django_db
def test_ranking_name_then_content_then_status_then_coverage(client, db):
    plan = rank_plan()
    main = main_of(client.get(f"/plans/{plan.slug}/statuses/", {"q": "虹色"}))
    numbers = [h3.links()[0][1].rstrip("/").rsplit("/", 1)[1] for h3 in main.all("h3")]
    # The word covers more of 4's texts than of 3's long ones.
    assert numbers == ["1", "2", "4", "3"]


@pytest.mark.django_db
def test_ties_are_ordered_newest_year_then_project_number(client, db):
    plan = synthetic_plan(projects=3, years=2, seed=2, slug="ties")
    Project.objects.filter(plan=plan).update(name="同じ名前", content="同じ")
    AnnualStatus.objects.filter(project__plan=plan).update(status_text="同じ")
    StatusDepartment.objects.filter(status__project__plan=plan).delete()
    search_documents_rebuild(status_ids=AnnualStatus.objects.values_list("pk", flat=True))
    main = main_of(client.get(f"/plans/{plan.slug}/statuses/", {"q": "同じ名前"}))
    assert [h3.links()[0][1] for h3 in main.all("h3")] == [
        f"/plans/ties/projects/{n}/" for n in (1, 2, 3, 1, 2, 3)
    ]
    assert [p.text[:4] for p in main.all("p", cls="result-meta")] == ["令和3年"] * 3 + [
        "令和2年"
    ] * 3


def test_normalisation_folds_width_case_kana_long_vowels_and_dashes():
    assert normalise("ＤＶ　Ｄｖ") == "dv dv"
    assert normalise("ﾃﾞｰﾀ") == normalise("データ") == normalise("でーた") == "デタ"
    assert normalise("でーとDV") == normalise("デートＤＶ") == normalise("デトdv") == "デトdv"
    assert normalise("コンピューター") == normalise("コンピュータ") == "コンピユタ"
    assert normalise("あいアイ") == "アイアイ"
    assert normalise("ぁっゃゎゕゖヶ") == "アツヤワカケケ"
    assert normalise("ゝゞ") == "ヽヾ"
    assert normalise("a－b−c‐d–e—f") == "a-b-c-d-e-f"
    # ー after anything but kana is a dash: a list marker, a range, a minus.
    assert normalise("ー項目　1ー3") == "-項目 1-3"
    assert normalise("國国") == "國国"
    assert normalise("a \t\n b") == "a b"


def test_parse_query_words_phrases_and_exclusions():
    query = parse_query('相談  "DV 防止" -データ －ＤＶ２')
    assert query.include == ("相談", "dv 防止")
    assert query.exclude == ("デタ", "dv2")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "探す語がありません。文字か数字を入れてください。"),
        ("　", "探す語がありません。文字か数字を入れてください。"),
        ("!?%", "記号だけでは探せません。文字か数字を含む語を入れてください。"),
        ('""', "探す語がありません。文字か数字を入れてください。"),
        ("-DV", "除く語（-で始まる語）だけでは探せません。探す語も入れてください。"),
        ("a b c d e f g h i j k", "語は10個までにしてください。"),
    ],
)
def test_queries_with_nothing_to_search_say_why(text, message):
    with pytest.raises(QueryError) as raised:
        parse_query(text)
    assert str(raised.value) == message


def test_snippets_mark_matches_and_escape_everything_else():
    query = parse_query("<script>")
    html = highlight_snippets('前<script>alert("x")</script>後', query)
    assert html == ["前<mark>&lt;script&gt;</mark>alert(&quot;x&quot;)&lt;/script&gt;後"]
    query = parse_query("ＤＶ")
    assert (
        highlight("<b>DV</b>とｄｖ", query)
        == "&lt;b&gt;<mark>DV</mark>&lt;/b&gt;と<mark>ｄｖ</mark>"
    )


def test_snippets_cut_long_text_around_each_match():
    text = "あ" * 100 + "相談" + "い" * 100 + "相談" + "う" * 10
    segments = snippet_segments(text, parse_query("相談"), context=5)
    assert segments == [
        [("…", False), ("あ" * 5, False), ("相談", True), ("い" * 5, False), ("…", False)],
        [("…", False), ("い" * 5, False), ("相談", True), ("う" * 5, False), ("…", False)],
    ]
    # A match in half-width kana marks the original characters.
    assert snippet_segments("ﾃﾞｰﾀDV", parse_query("データ")) == [[("ﾃﾞｰﾀ", True), ("DV", False)]]


@pytest.mark.django_db
def test_results_page_marks_matches(client, seeded):
    response = client.get(URL, {"q": "デートDV <script>"})
    assert response.status_code == 200
    assert b"<script>" not in response.content.split(b"</head>")[1]
    main = main_of(client.get(URL, {"q": "ワンストップ"}))
    assert [h3.text for h3 in main.all("h3")] == ["事業13 ワンストップサービスの実施"]
    marks = [m.text for m in main.all("mark")]
    assert marks[0] == "ワンストップ"
    assert set(marks) == {"ワンストップ"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "message"),
    [
        (
            "あ" * 10_000,
            "キーワード: この値は 100 文字以下でなければなりません( 10000 文字になっています)。",
        ),
        ("DV\x07", "キーワード: 制御文字（改行やタブなど）は使えません。"),
        ("  ", "キーワード: 探す語がありません。文字か数字を入れてください。"),
        ("・・・", "キーワード: 記号だけでは探せません。文字か数字を含む語を入れてください。"),
    ],
)
def test_bad_queries_get_a_400_with_the_reason(client, seeded, q, message):
    response = client.get(URL, {"q": q})
    assert response.status_code == 400
    assert main_of(response).one("div", cls="error-summary").texts("li") == [message]


@pytest.mark.django_db
def test_header_search_outside_a_plan_goes_to_the_first_plan(client, seeded):
    response = client.get("/search/", {"q": "相談"})
    assert response.status_code == 302
    assert response["Location"] == "/plans/saitama-dv-2/statuses/?q=%E7%9B%B8%E8%AB%87"
    form = parse(client.get("/about/")).one("header").one("form", cls="site-search")
    assert form.attrs["action"] == "/search/"
    form = parse(client.get("/plans/saitama-dv-2/")).one("header").one("form", cls="site-search")
    assert form.attrs["action"] == URL


@pytest.mark.django_db
def test_search_reads_the_index_not_every_status(db):
    plan = synthetic_plan(projects=5000, years=6, seed=3)
    assert AnnualStatus.objects.count() == 30_000
    sample = normalise(AnnualStatus.objects.order_by("pk").first().status_text)
    for text in (sample[0], sample[:2], sample[:5], f"{sample[:2]} -{sample[8:10]}"):
        with CaptureQueriesContext(connection) as captured:
            matches = KeywordMatches(plan.pk, parse_query(text))
        assert len(matches) > 0, text
        plans = []
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        explained = "\n".join(plans)
        assert "search_postings_gram" in explained, text
        for table in ("reports_annualstatus", "reports_statussearchdocument"):
            assert f"Seq Scan on {table}" not in explained, (text, explained)
        assert "Seq Scan on reports_searchpostings" not in explained, (text, explained)


@pytest.mark.django_db
def test_api_results_are_ranked_and_carry_marked_snippets(client, db):
    plan = rank_plan()
    body = client.get(f"/api/v1/plans/{plan.slug}/statuses/", {"q": "虹色"}).json()
    assert [r["project_number"] for r in body["results"]] == [1, 2, 4, 3]
    first = body["results"][0]["search"]
    assert first["project_html"] == "<mark>虹色</mark>の事業"
    assert first["content_html"] == []
    third = body["results"][2]["search"]
    assert third["status_html"] == ["<mark>虹色</mark>"]
    assert "search" not in client.get(f"/api/v1/plans/{plan.slug}/statuses/").json()["results"][0]


@pytest.mark.django_db
def test_api_snippets_escape_the_text(client, db):
    plan = rank_plan()
    status = AnnualStatus.objects.get(project__plan=plan, project__number=4)
    status.status_text = "<b>虹色</b> & co"
    status.save()
    search_documents_rebuild(status_ids=[status.pk])
    body = client.get(f"/api/v1/plans/{plan.slug}/statuses/", {"q": "虹色 <b>"}).json()
    assert [r["search"]["status_html"] for r in body["results"]] == [
        ["<mark>&lt;b&gt;虹色</mark>&lt;/b&gt; &amp; co"]
    ]


def test_the_whole_string_fold_agrees_with_the_character_by_character_fold():
    """``normalise`` folds most texts as a whole; highlighting folds character by
    character to keep positions. They must give the same text."""
    rng = random.Random(11)
    ranges = [(0x09, 0x0D), (0x20, 0x7E), (0x3000, 0x3011), (0x3041, 0x309F)]
    ranges += [(0x30A0, 0x30FF), (0x4E00, 0x4E80), (0xFF01, 0xFF9F), (0x2010, 0x2015)]
    alphabet = [chr(c) for low, high in ranges for c in range(low, high + 1)]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert normalise(text) == normalise_with_map(text)[0], text


@pytest.mark.django_db
def test_a_document_knows_where_each_field_ends(seeded):
    # Project 1 has no reviewed correction: each field is one reading.
    status = AnnualStatus.objects.select_related("project").get(project__number=1)
    assert status.departments.count() >= 1
    document = StatusSearchDocument.objects.get(status=status)
    assert document.name_text == normalise(status.project.name)
    assert document.content_text == normalise(status.project.content)
    assert document.status_text == normalise(status.status_text)
    assert document.departments_text == "\n".join(
        normalise(d.name) for d in status.departments.order_by("statusdepartment__position")
    )
    assert document.length == len(document.text)


@pytest.mark.django_db
def test_the_index_ranks_every_match_as_the_rule_in_python_says(seeded, small_blocks):
    """The order, weight and coverage of every match of 60 random queries,
    against ``field_weight``, a count of occurrences and a sort in Python."""
    synthetic_plan(projects=60, years=3, seed=13)
    rng = random.Random(5)
    documents = {
        d.status_id: d for d in StatusSearchDocument.objects.select_related("status__project")
    }
    checked = 0
    for text in random_queries(rng, all_texts(), 60):
        query = parse_query(text)
        for plan in Plan.objects.all():
            matches = KeywordMatches(plan.pk, query)
            ranked = matches.ranked(matches.mask(Conditions()))
            expected = []
            for pk, document in documents.items():
                if document.plan_id != plan.pk or not text_matches(document.text, query):
                    continue
                ends = (document.name_end, document.content_end, document.status_end)
                weight = sum(field_weight(document.text, *ends, t) for t in query.include)
                covered = sum(document.text.count(t) * len(t) for t in query.include)
                status = document.status
                key = (-weight, -covered / max(document.length, 1), -status.fiscal_year)
                expected.append((*key, status.project.number, pk))
            expected.sort()
            assert ranked[:] == [row[-1] for row in expected], text
            assert ranked.weights.tolist() == [-row[0] for row in expected], text
            assert ranked.coverage.tolist() == [-row[1] for row in expected], text
            checked += len(expected)
    assert checked > 1000


@pytest.mark.django_db
def test_ranked_results_page_through_every_match_once(client, seeded):
    """相談 is in 33 statuses: 20 on the first page, 13 on the second, in one
    ranked order, none twice, none left out; the API pages the same order."""
    found = []
    for page in ("1", "2"):
        main = main_of(client.get(URL, {"q": "相談", "page": page}))
        found += [h3.links()[0][1] for h3 in main.all("h3")]
    assert len(found) == 33
    assert len(set(found)) == 33
    assert client.get(URL, {"q": "相談", "page": "3"}).status_code == 400
    plan = Plan.objects.get(slug="saitama-dv-2")
    matches = KeywordMatches(plan.pk, parse_query("相談"))
    numbers = dict(AnnualStatus.objects.values_list("pk", "project__number"))
    ranked = [numbers[pk] for pk in matches.ranked(matches.mask(Conditions()))[:]]
    assert [int(link.rstrip("/").rsplit("/", 1)[1]) for link in found] == ranked
    api = client.get("/api/v1/plans/saitama-dv-2/statuses/", {"q": "相談"}).json()
    assert [r["project_number"] for r in api["results"]] == ranked


@pytest.mark.django_db
def test_keyword_facets_and_pages_count_as_the_database_does(seeded, import_seed_as):
    """The index's counts (results and every facet option, under every
    combination of the other filters) against the same counts made by the
    database from the filter's queryset, including a department whose
    predecessor is listed in a later year."""
    from reports.selectors import plan_get
    from reports.selectors.facets import _facet_counts, _keyword_facet_counts

    import_seed_as("平成30年度実施状況", OLD_NAME_FOR_PROJECT_18)
    plan = plan_get(slug="saitama-dv-2")
    options = status_filter_options(plan=plan)
    filters = [
        {},
        {"year": "2018"},
        {"goal": "2"},
        {"direction": "2-4"},
        {"department": "市民生活安全課"},
        {"department": "市民生活安全課", "year": "2017"},
        {"goal": "1", "department": "男女共同参画課", "year": "2018"},
    ]
    compared = 0
    for text in ("相談", "DV", "課", "相談 -DV", '"DV相談"', "支援", "ぴ"):
        for chosen in filters:
            filterset = StatusFilter(
                {"q": text, **chosen}, queryset=plan_statuses(plan=plan), options=options
            )
            assert filterset.is_valid(), filterset.errors
            matches = filterset.keyword_matches()
            assert len(matches.ranked(matches.mask(filterset.conditions()))) == (
                filterset.qs.count()
            ), (text, chosen)
            assert _keyword_facet_counts(filterset) == _facet_counts(filterset), (text, chosen)
            compared += 1
    assert compared == 49


@pytest.mark.django_db
def test_statuses_without_a_document_are_indexed_by_load_fixtures(seeded):
    """After a migration recreates the index's tables, ``load_fixtures`` (what
    ``make run`` calls) indexes every status again; so does ``rebuild_search_index``."""
    from io import StringIO

    from django.core.management import call_command

    expected = {text: brute_force(text) for text in ("相談", "デートDV", "データDV", "課")}
    StatusSearchDocument.objects.all().delete()
    SearchBlock.objects.all().delete()
    SearchPostings.objects.all().delete()
    assert searched("相談") == set()
    output = StringIO()
    call_command("load_fixtures", stdout=output)
    assert "文書のない状況 57 件を索引に追加" in output.getvalue()
    assert {text: searched(text) for text in expected} == expected
    output = StringIO()
    call_command("rebuild_search_index", "--all", stdout=output)
    assert "57 documents written" in output.getvalue()
    assert {text: searched(text) for text in expected} == expected
    assert sorted(StatusSearchDocument.objects.values_list("ordinal", flat=True)) == list(range(57))


def test_block_postings_count_and_place_every_gram_as_python_does():
    """The vectorised postings of a block against ``str.count`` and
    ``field_weight`` for every gram of every document: doubled characters
    (whose pairs overlap), characters outside the BMP, empty fields and
    documents, and more documents than one chunk."""
    rng = random.Random(17)
    alphabet = "ああaa\U0001f600-~ 課相談"
    documents = []
    for offset in range(0, 2 * CHUNK_SIZE + 100, 2):
        fields = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in "1234"]
        name_end = len(fields[0])
        content_end = name_end + 1 + len(fields[1])
        status_end = content_end + 1 + len(fields[2])
        documents.append(
            IndexedDocument(offset, "\n".join(fields), name_end, content_end, status_end)
        )
    expected: dict[str, list[tuple[int, int, int]]] = {}
    for d in documents:
        text = d.text
        for gram in sorted(grams(text)):
            weight = field_weight(text, d.name_end, d.content_end, d.status_end, gram)
            expected.setdefault(gram, []).append((d.offset, text.count(gram), weight))
    found = {
        gram: [tuple(int(v) for v in row) for row in np.frombuffer(packed, dtype=POSTING)]
        for gram, packed in block_postings(documents).items()
    }
    assert found == expected
    assert found["ああ"] != [] and any(count >= 2 for _, count, _ in found["ああ"])
    assert block_postings([IndexedDocument(0, "\n\n\n", 0, 1, 2)]) == {}


def searched_with(query: SearchQuery) -> set[int]:
    return {pk for plan in Plan.objects.all() for pk in KeywordMatches(plan.pk, query).status_ids()}


@pytest.mark.django_db
def test_a_reviewed_synonym_finds_what_the_tables_write_as_a_scan_does(seeded, small_blocks):
    synthetic_plan(projects=60, years=2, seed=3)
    table = synonym_table(settings.SYNONYMS_FILE)
    assert table[normalise("交際相手")] == (normalise("デートDV"),)
    folded = folded_statuses()
    for text in [
        "交際相手",
        "こうさいあいて",
        "恋人からの暴力",
        "配偶者暴力 相談",
        "子供",
        "交際相手 -啓発",
    ]:
        query = parse_query(text, synonyms=table)
        expected = {pk for pk, doc in folded.items() if text_matches(doc, query)}
        assert searched_with(query) == expected, text
    dating = parse_query("交際相手", synonyms=table)
    assert searched_with(dating) == searched("デートDV") | searched("交際相手")
    assert len(searched_with(dating)) >= 4
    # Without the file's entry, the word finds only itself.
    assert searched_with(parse_query("交際相手")) == searched("交際相手")


@pytest.mark.django_db
def test_the_filter_page_uses_the_synonyms_and_marks_what_they_found(client, seeded):
    response = client.get(PAGE_URLS["filter"], {"q": "交際相手"})
    main = main_of(response)
    assert main.one("span", cls="result-count").text == "4件"
    assert {m.text for m in main.all("mark")} == {"デートDV"}


def test_a_synonym_entry_without_a_reason_is_refused(tmp_path):
    path = tmp_path / "synonyms.toml"
    path.write_text('[[synonym]]\nwords = ["a"]\nfinds = ["b"]\n', encoding="utf-8")
    with pytest.raises(SynonymsFileError) as refused:
        synonym_table(path)
    assert str(refused.value) == (
        "synonyms.toml: 1 番目の項目に reason がありません / entry 1 has no reason"
    )
