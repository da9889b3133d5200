"""The filter page: combinable filters, facet counts, pagination, bad parameters.

Expectations are computed here by plain Python over every status, independently
of the FilterSet and the selectors."""

import dataclasses
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from reports.filters import canonical_filter_query
from reports.models import AnnualStatus, DepartmentSuccession
from reports.search.text import normalise, parse_query, text_matches
from tests.conftest import OLD_NAME_FOR_PROJECT_18
from tests.pages import PAGE_URLS
from tests.reports.html import main_of, parse

URL = "/plans/saitama-dv-2/statuses/"
FACETS = ("goal", "direction", "department", "year")


@dataclass(frozen=True)
class Row:
    pk: int
    project_number: int
    goal: str
    direction: str
    year: str
    departments: tuple[str, ...]
    texts: tuple[str, ...]
    folded: str = ""
    """The texts folded for search, joined by line breaks."""


def every_status() -> list[Row]:
    rows = []
    for status in AnnualStatus.objects.select_related("project__direction__goal").prefetch_related(
        "statusdepartment_set__department"
    ):
        direction = status.project.direction
        departments = tuple(
            link.department.name
            for link in sorted(status.statusdepartment_set.all(), key=lambda link: link.position)
        )
        rows.append(
            Row(
                pk=status.pk,
                project_number=status.project.number,
                goal=str(direction.goal.number),
                direction=f"{direction.goal.number}-{direction.number}",
                year=str(status.fiscal_year),
                departments=departments,
                texts=(
                    status.project.name,
                    status.project.content,
                    status.status_text,
                    *departments,
                ),
            )
        )
    return [
        dataclasses.replace(row, folded="\n".join(normalise(text) for text in row.texts))
        for row in rows
    ]


def predecessors() -> dict[str, list[tuple[str, int]]]:
    """Successor name → (predecessor name, takeover year) pairs."""
    found: dict[str, list[tuple[str, int]]] = {}
    for link in DepartmentSuccession.objects.select_related("successor", "predecessor"):
        found.setdefault(link.successor.name, []).append(
            (link.predecessor.name, link.effective_fiscal_year)
        )
    return found


def matches(row: Row, name: str, value: str, links: dict[str, list[tuple[str, int]]]) -> bool:
    if name == "q":
        return text_matches(row.folded, parse_query(value))
    if name == "department":
        return value in row.departments or any(
            predecessor in row.departments and int(row.year) >= year
            for predecessor, year in links.get(value, [])
        )
    return getattr(row, name) == value


def expected(rows: list[Row], params: dict[str, str], links=None) -> list[Row]:
    links = predecessors() if links is None else links
    return [
        row
        for row in rows
        if all(matches(row, name, value, links) for name, value in params.items())
    ]


def shown_facets(page) -> dict[str, dict[str, str]]:
    """Option value → option text, for each facet's select."""
    return {
        name: {
            option.attrs["value"]: option.text
            for option in page.one("select", name=name).all("option")
            if option.attrs["value"]
        }
        for name in FACETS
    }


def check_page(client, params: dict[str, str]) -> int:
    """The page's count, results and every facet count equal the expectations."""
    rows = every_status()
    links = predecessors()
    response = client.get(URL, params)
    assert response.status_code == 200
    main = main_of(response)
    hits = expected(rows, params)
    assert main.one("span", cls="result-count").text == f"{len(hits)}件"

    shown = []
    query = dict(params)
    page_number = 1
    while True:
        query["page"] = str(page_number)
        page = main_of(client.get(URL, query))
        shown += [li.one("h3").links()[0][1] for li in page.all("li", cls="result")]
        if not page.all("a", rel="next"):
            break
        page_number += 1
    ordered = sorted(hits, key=lambda row: (-int(row.year), row.project_number))
    expected_links = [f"/plans/saitama-dv-2/projects/{row.project_number}/" for row in ordered]
    if "q" in params:
        # Best match first: the order is proved in tests/reports/test_search.py.
        assert sorted(shown) == sorted(expected_links)
    else:
        assert shown == expected_links

    facets = shown_facets(main)
    for name in FACETS:
        for value, text in facets[name].items():
            count = len(expected(rows, {**params, name: value}, links))
            label = text.rsplit("（", 1)[0]
            assert text == f"{label}（{count}件）", (name, value)
        selected = [
            o.attrs["value"]
            for o in main.one("select", name=name).all("option")
            if "selected" in o.attrs
        ]
        assert selected == ([params[name]] if name in params else [])
    return len(hits)


COMBINATIONS = [
    {},
    {"goal": "2"},
    {"direction": "3-3"},
    {"department": "男女共同参画課"},
    {"year": "2017"},
    {"q": "相談"},
    {"q": "dv"},
    {"q": "全庁"},
    {"q": "ＤＶ"},
    {"q": "相談 -DV"},
    {"q": '"DV相談"'},
    {"goal": "2", "department": "男女共同参画課", "year": "2017", "q": "DV"},
    {"direction": "3-3", "q": "相談"},
    {"goal": "1", "direction": "2-1"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("params", COMBINATIONS, ids=lambda p: urlencode(p) or "none")
def test_results_and_facet_counts_match_an_independent_count(client, seeded, params):
    assert check_page(client, params) == len(expected(every_status(), params))


@pytest.mark.django_db
def test_known_counts_of_the_seed(client, seeded):
    """Counted by hand in the published table."""
    assert check_page(client, {}) == 57
    assert check_page(client, {"department": "男女共同参画課"}) == 27
    assert check_page(client, {"q": "全庁"}) == 2
    assert (
        check_page(client, {"goal": "2", "department": "男女共同参画課", "year": "2017", "q": "DV"})
        == 8
    )
    assert check_page(client, {"goal": "1", "direction": "2-1"}) == 0
    # Case and width are folded.
    assert check_page(client, {"q": "dv"}) == check_page(client, {"q": "DV"}) == 29
    assert check_page(client, {"q": "ＤＶ"}) == check_page(client, {"q": "ｄｖ"}) == 29
    assert check_page(client, {"q": "DV%"}) == 0
    assert check_page(client, {"q": "D_"}) == 0


@pytest.mark.django_db
def test_goal_facet_counts_ignore_the_goal_filter_itself(client, seeded):
    main = main_of(client.get(URL, {"goal": "2", "department": "男女共同参画課"}))
    assert list(shown_facets(main)["goal"].values()) == [
        "基本目標Ⅰ 教育・啓発の推進（3件）",
        "基本目標Ⅱ 被害者の早期発見と相談体制の充実（8件）",
        "基本目標Ⅲ 被害者の保護と自立支援の充実（6件）",
        "基本目標Ⅳ 子どもへの支援（1件）",
        "基本目標Ⅴ 関係機関等との連携協力（9件）",
    ]
    assert main.one("span", cls="result-count").text == "8件"


@pytest.mark.django_db
def test_department_filter_includes_a_predecessors_entries_from_the_takeover_year(
    client, seeded, import_seed_as
):
    import_seed_as("平成30年度実施状況", OLD_NAME_FOR_PROJECT_18)

    assert check_page(client, {"department": "市民生活安全課"}) == 4
    assert check_page(client, {"department": "市民総務課"}) == 1
    assert check_page(client, {"department": "市民生活安全課", "year": "2018"}) == 2
    facets = shown_facets(main_of(client.get(URL, {"year": "2018"})))
    assert facets["department"]["市民生活安全課"] == "市民生活安全課（旧 市民総務課を含む）（2件）"
    assert facets["department"]["市民総務課"] == "市民総務課（1件）"
    assert facets["year"] == {
        "2018": "平成30年度（2018年度）（57件）",
        "2017": "平成29年度（2017年度）（57件）",
    }


@pytest.mark.django_db
def test_pages_of_twenty_keep_the_other_parameters(client, seeded):
    main = main_of(client.get(URL, {"year": "2017", "page": "2"}))
    assert main.one("span", cls="result-count").text == "57件"
    assert main.one("p", cls="counts").text == "21〜40件目を表示"
    assert len(main.all("li", cls="result")) == 20
    nav = main.one("nav", cls="pagination")
    assert nav.links() == [("前のページ", "?year=2017&page=1"), ("次のページ", "?year=2017&page=3")]
    assert nav.one("li", aria_current="page").text == "2 / 3 ページ"
    last = main_of(client.get(URL, {"year": "2017", "page": "3"}))
    assert last.one("p", cls="counts").text == "41〜57件目を表示"
    assert last.one("nav", cls="pagination").links() == [("前のページ", "?year=2017&page=2")]


@pytest.mark.django_db
def test_no_results_say_so(client, seeded):
    main = main_of(client.get(URL, {"q": "該当しない語"}))
    assert main.one("span", cls="result-count").text == "0件"
    assert "条件に合う実施状況はありません。" in main.texts("p")


BAD_PARAMETERS = [
    ({"goal": "9"}, "基本目標: 「9」という基本目標はこの計画にありません。"),
    ({"goal": "abc"}, "基本目標: 「abc」という基本目標はこの計画にありません。"),
    ({"direction": "9-9"}, "施策の方向: 「9-9」という施策の方向はこの計画にありません。"),
    (
        {"department": "存在しない課"},
        "担当課: 「存在しない課」という担当課はこの計画にありません。",
    ),
    (
        {"year": "1999"},
        "年度: 「1999」という年度はこの計画にありません"
        "（計画期間: 平成28年度（2016年度）から令和2年度（2020年度）まで）。",
    ),
    # A year of the plan's period without statuses says so, and which years have them.
    (
        {"year": "2018"},
        "年度: 平成30年度（2018年度）の実施状況はまだ掲載していません。"
        "掲載している年度: 平成29年度（2017年度）。",
    ),
    (
        {"year": "2016"},
        "年度: 平成28年度（2016年度）の実施状況はまだ掲載していません。"
        "掲載している年度: 平成29年度（2017年度）。",
    ),
    (
        {"q": "あ" * 101},
        "キーワード: この値は 100 文字以下でなければなりません( 101 文字になっています)。",
    ),
    ({"q": "DV\x00"}, "キーワード: 制御文字（改行やタブなど）は使えません。"),
    ({"q": "%"}, "キーワード: 記号だけでは探せません。文字か数字を含む語を入れてください。"),
    ({"q": "_"}, "キーワード: 記号だけでは探せません。文字か数字を含む語を入れてください。"),
    ({"q": "   "}, "キーワード: 探す語がありません。文字か数字を入れてください。"),
    ({"q": "-DV"}, "キーワード: 除く語（-で始まる語）だけでは探せません。探す語も入れてください。"),
    ({"q": "DV\x1b[0m"}, "キーワード: 制御文字（改行やタブなど）は使えません。"),
    ({"page": "4"}, "ページ: 「4」というページはありません。"),
    ({"page": "0"}, "ページ: 「0」というページはありません。"),
    ({"page": "abc"}, "ページ: 「abc」というページはありません。"),
    ({"page": "２"}, "ページ: 「２」というページはありません。"),
    ({"goal": "1\x00"}, "基本目標: 「1」という基本目標はこの計画にありません。"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "message"), BAD_PARAMETERS, ids=lambda v: str(v)[:20])
def test_bad_parameters_get_a_400_with_a_clear_message(client, seeded, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    page = parse(response)
    summary = page.one("div", cls="error-summary")
    assert summary.texts("h2") == ["条件を読み取れませんでした"]
    assert summary.texts("li") == [message]
    assert summary.links() == [("条件をすべて解除して始めからやり直す", URL)]
    assert page.one("main").all("li", cls="result") == []
    assert "\x00" not in response.content.decode()


@pytest.mark.django_db
def test_unknown_parameters_are_ignored(client, seeded):
    response = client.get(URL, {"colour": "red", "goal": "2"})
    assert response.status_code == 200
    assert main_of(response).one("span", cls="result-count").text == "14件"


@pytest.mark.django_db
def test_active_filters_are_listed_each_with_a_link_that_drops_it(client, seeded):
    main = main_of(client.get(URL, {"q": "DV", "goal": "2", "year": "2017", "page": "1"}))
    active = main.one("ul", cls="active-filters")
    assert active.texts("li") == [
        "キーワード：DV （この条件を外す）",
        "基本目標：基本目標Ⅱ 被害者の早期発見と相談体制の充実 （この条件を外す）",
        "年度：平成29年度（2017年度） （この条件を外す）",
    ]
    assert [href for _, href in active.links()] == [
        "?goal=2&year=2017",
        "?q=DV&year=2017",
        "?q=DV&goal=2",
    ]
    assert main_of(client.get(URL)).all("ul", cls="active-filters") == []


@pytest.mark.django_db
def test_department_options_name_the_predecessors_they_include(client, seeded):
    departments = shown_facets(main_of(client.get(URL)))["department"]
    assert departments["住宅政策課"] == "住宅政策課（旧 住宅課を含む）（2件）"
    assert departments["子ども家庭総合センター総務課"] == (
        "子ども家庭総合センター総務課（旧 子育て支援政策課を含む）（1件）"
    )
    assert departments["男女共同参画課"] == "男女共同参画課（27件）"
    assert list(departments)[-1] == "全庁"


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("q=&goal=3&direction=&department=&year=2017", "goal=3&year=2017"),
        ("q=&goal=&direction=&department=&year=", ""),
        ("q=デートDV+2017", "q=デートDV&year=2017"),
        ("q=2017年度+デートDV", "q=デートDV&year=2017"),
        ("q=相談+平成29年度", "q=相談&year=2017"),
        ("q=相談+H29", "q=相談&year=2017"),
        ("q=相談+ｒ２", "q=相談&year=2020"),
        ("q=令和元年度", "year=2019"),
        # A year already chosen wins; the word stays a word to find.
        ("q=相談+2017&year=2018", "q=相談+2017&year=2018"),
        # A phrase is searched as written.
        ("q=%22DV+2017%22", "q=%22DV+2017%22"),
        # Not years: numbers in other forms, counts, era year 0.
        ("q=1050件", "q=1050件"),
        ("q=H0", "q=H0"),
        ("q=12", "q=12"),
    ],
)
def test_a_shared_filter_url_drops_empty_parameters_and_takes_a_year_from_the_keyword(
    query, canonical
):
    assert canonical_filter_query(QueryDict(query)).urlencode() == QueryDict(canonical).urlencode()


@pytest.mark.django_db
def test_the_filter_page_redirects_to_its_canonical_url(client, seeded):
    page = client.get(PAGE_URLS["filter"] + "?q=でーとDV+2017&goal=&department=", follow=True)
    # The empty parameters go first (the page cache), then the year in the words.
    assert page.redirect_chain == [
        (PAGE_URLS["filter"] + "?" + urlencode({"q": "でーとDV 2017"}), 302),
        (PAGE_URLS["filter"] + "?" + urlencode({"q": "でーとDV", "year": "2017"}), 302),
    ]
    assert page.status_code == 200
    assert main_of(page).one("span", cls="result-count").text == "4件"
    assert client.get(PAGE_URLS["filter"] + "?q=&year=").headers["Location"] == PAGE_URLS["filter"]
