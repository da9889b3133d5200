"""The plan's whole period on the pages: years published and not, a year page
without statuses, and what changed in a project between two published years."""

import pytest

from tests.pages import PAGE_URLS
from tests.reports.html import main_of, parse

PLAN = "/plans/saitama-dv-2"

# Project 20 in a second year: its status reworded, 観光国際課 no longer listed.
PROJECT_20_IN_2018 = {
    "大宮区くらし応援室において外国人相談を実施した（相談件数135件）。": (
        "区役所において外国人のための生活相談を行った（相談件数142件）。"
    ),
    "\t市民生活安全課 (平成28年度より市民総務課から組織変更) 観光国際課\n": (
        "\t市民生活安全課 (平成28年度より市民総務課から組織変更)\n"
    ),
}


@pytest.mark.django_db
def test_a_year_of_the_plan_without_statuses_says_so_and_links_the_published_years(client, seeded):
    response = client.get(PAGE_URLS["fiscal_year_unpublished"])
    assert response.status_code == 200
    page = parse(response)
    assert page.texts("title") == ["平成28年度（2016年度）の実施状況｜計画の実施状況"]
    main = page.one("main")
    assert main.texts("h1") == ["平成28年度（2016年度）の実施状況"]
    assert main.one("p", cls="notice").text == (
        "この年度の実施状況はまだ掲載していません。市が公表したら取り込みます。"
    )
    assert main.one("ul", cls="year-list").links() == [
        ("平成29年度（2017年度）", f"{PLAN}/years/2017/")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["2015", "2021", "1999"])
def test_a_year_outside_the_plan_is_a_404_in_the_sites_words(client, seeded, year):
    response = client.get(f"{PLAN}/years/{year}/")
    assert response.status_code == 404
    page = parse(response)
    assert page.texts("title") == ["ページが見つかりません｜計画の実施状況"]
    main = page.one("main")
    assert main.texts("h1") == ["この年度はこの計画の期間外です"]
    assert main.one("p", cls="notice").text == (
        f"{year}年度は、この計画の期間（平成28年度（2016年度）から令和2年度（2020年度）まで）"
        "に含まれません。"
    )
    assert main.one("ul", cls="year-list").links() == [
        ("平成29年度（2017年度）", f"{PLAN}/years/2017/")
    ]


@pytest.mark.django_db
def test_a_project_with_two_years_shows_what_changed_side_by_side(client, seeded, import_seed_as):
    import_seed_as("平成30年度実施状況", PROJECT_20_IN_2018)
    main = main_of(client.get(f"{PLAN}/projects/20/"))
    assert main.one("ol", cls="year-overview").texts("li") == [
        "平成28年度（2016年度） 未掲載",
        "平成29年度（2017年度） 掲載",
        "平成30年度（2018年度） 掲載",
        "令和元年度（2019年度） 未掲載",
        "令和2年度（2020年度） 未掲載",
    ]
    changes = main.one("section", cls="changes")
    assert changes.texts("h3") == ["平成29年度（2017年度） → 平成30年度（2018年度）"]
    before, after = changes.all("div", cls="diff-side")
    assert before.texts("h4") == ["平成29年度（2017年度）"]
    assert after.texts("h4") == ["平成30年度（2018年度）"]
    # Removed words struck through, added words underlined, each named in words.
    assert before.texts("del", cls="removed") == [
        "［削除: 大宮区くらし応援室］",
        "［削除: 相談を実施し］",
        "［削除: 135］",
    ]
    assert after.texts("ins", cls="added") == [
        "［追加: 区役所］",
        "［追加: のための生活相談を行っ］",
        "［追加: 142］",
    ]
    assert before.one("p").text.startswith(
        "［削除: 大宮区くらし応援室］において外国人［削除: 相談を実施し］た（相談件数［削除: 135］件）。"
    )
    assert after.one("p").text.startswith(
        "［追加: 区役所］において外国人［追加: のための生活相談を行っ］た（相談件数［追加: 142］件）。"
    )
    assert changes.one("ul", cls="department-changes").texts("li") == [
        "担当課から外れた 観光国際課"
    ]
    assert changes.one("ul", cls="department-changes").links() == [
        ("観光国際課", "/m/saitama-city/departments/%E8%A6%B3%E5%85%89%E5%9B%BD%E9%9A%9B%E8%AA%B2/")
    ]


@pytest.mark.django_db
def test_an_unchanged_project_says_its_text_and_departments_are_the_same(
    client, seeded, import_seed_as
):
    import_seed_as("平成30年度実施状況", PROJECT_20_IN_2018)
    changes = main_of(client.get(f"{PLAN}/projects/19/")).one("section", cls="changes")
    assert changes.all("div", cls="diff-pair") == []
    assert changes.texts("p")[1:] == ["実施状況の文言は同じです。", "担当課は同じです。"]


@pytest.mark.django_db
def test_goal_and_direction_pages_show_the_newest_status_and_link_the_other_years(
    client, seeded, import_seed_as
):
    import_seed_as("平成30年度実施状況", PROJECT_20_IN_2018)
    for url in (PAGE_URLS["goal"], PAGE_URLS["direction"]):
        row = next(
            tr
            for tr in main_of(client.get(url)).all("tr")
            if tr.all("th", scope="row") and tr.one("th").text == "20 外国人のための生活相談"
        )
        status = row.one("td", cls="col-status")
        assert status.one("span", cls="year-label").text == "平成30年度（2018年度）"
        assert "区役所において外国人のための生活相談を行った（相談件数142件）。" in status.text
        link = status.one("a", cls="other-years")
        assert link.text == "ほかの年度（全2年度）と変化を見る"
        assert link.attrs["href"] == f"{PLAN}/projects/20/#years"
        assert row.one("td", cls="col-departments").text == "市民生活安全課"


@pytest.mark.django_db
def test_department_page_tells_a_published_year_without_entries_from_an_unpublished_one(
    client, seeded, import_seed_as
):
    import_seed_as("平成30年度実施状況", PROJECT_20_IN_2018)
    main = main_of(client.get("/m/saitama-city/departments/観光国際課/"))
    assert main.texts("h3")[2:4] == [
        "平成30年度（2018年度）（1件）",
        "平成29年度（2017年度）（2件）",
    ]
    import_seed_as("令和元年度実施状況", {"\t観光国際課\n": "\t男女共同参画課\n"})
    main = main_of(client.get("/m/saitama-city/departments/観光国際課/"))
    assert main.texts("h3") == [
        "令和2年度（2020年度） 未掲載",
        "令和元年度（2019年度）（1件）",
        "平成30年度（2018年度）（1件）",
        "平成29年度（2017年度）（2件）",
        "平成28年度（2016年度） 未掲載",
    ]


@pytest.mark.django_db
def test_department_page_counts_the_sections_projects_each_year_and_lists_the_missing(
    client, seeded, import_seed_as
):
    import_seed_as("平成30年度実施状況", PROJECT_20_IN_2018)
    import_seed_as("令和元年度実施状況", {"\t観光国際課\n": "\t男女共同参画課\n"})
    main = main_of(client.get("/m/saitama-city/departments/観光国際課/"))
    # Newest first: 2019 (project 21 moved to 男女共同参画課), 2018 (project 20
    # without 観光国際課), 2017 (both); the unpublished years have no count.
    assert main.texts("p", cls="worklist") == [
        "この課が担当する事業 2 件のうち、この年度に記載があるのは 1 件です。"
        "記載のない事業: 21 外国人のための情報提供",
        "この課が担当する事業 2 件のうち、この年度に記載があるのは 1 件です。"
        "記載のない事業: 20 外国人のための生活相談",
        "この課が担当する事業 2 件のうち、この年度に記載があるのは 2 件です。",
    ]
    missing = main.all("p", cls="worklist")[0].links()
    assert missing == [("21 外国人のための情報提供", "/plans/saitama-dv-2/projects/21/")]
