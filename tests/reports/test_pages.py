"""Every page type, parsed as a reader sees it, on the seeded plan."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache

from importers.writer import department_readings_load
from reports.models import Department
from tests.conftest import OLD_NAME_FOR_PROJECT_18
from tests.pages import PAGE_URLS
from tests.reports.html import main_of, parse

PLAN_TITLE = "第2次さいたま市配偶者等からの暴力の防止及び被害者の支援に関する基本計画"
SITE = "計画の実施状況"


def crumbs(response) -> list[str]:
    return parse(response).one("nav", cls="breadcrumbs").texts("li")


@pytest.mark.django_db
def test_home_is_the_plan_overview_with_aim_counts_years_and_the_whole_tree(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    assert response.content == client.get(PAGE_URLS["plan"]).content
    main = main_of(response)
    assert main.texts("h1") == [PLAN_TITLE]
    assert main.texts("h2") == ["年度ごとの実施状況の表", "条件で探す", "計画の体系"]
    assert main.texts("h3") == [
        "基本目標Ⅰ 教育・啓発の推進",
        "基本目標Ⅱ 被害者の早期発見と相談体制の充実",
        "基本目標Ⅲ 被害者の保護と自立支援の充実",
        "基本目標Ⅳ 子どもへの支援",
        "基本目標Ⅴ 関係機関等との連携協力",
    ]
    assert len(main.all("h4")) == 15
    assert main.texts("h4")[7] == "1 安全な保護体制の整備（3 事業）"
    paragraphs = main.texts("p")
    assert "さいたま市 計画期間: 平成28年度（2016年度）〜令和2年度（2020年度）" in paragraphs
    assert "計画の目標 配偶者等からの暴力の根絶と被害者の自立支援をすすめるまちづくり" in paragraphs
    assert "基本目標 5・施策の方向 15・事業 57" in paragraphs
    assert main.one("ul", cls="year-list").links() == [
        ("平成29年度（2017年度）", "/plans/saitama-dv-2/years/2017/")
    ]
    assert main.one("p", cls="unpublished-years").text == (
        "未掲載 平成28年度（2016年度）、平成30年度（2018年度）、令和元年度（2019年度）、"
        "令和2年度（2020年度）"
    )
    goal_links = [a.links()[0] for a in main.all("h3")]
    assert goal_links[1] == (
        "基本目標Ⅱ 被害者の早期発見と相談体制の充実",
        "/plans/saitama-dv-2/goals/2/",
    )
    assert main.all("h4")[7].links() == [
        ("1 安全な保護体制の整備", "/plans/saitama-dv-2/goals/3/directions/1/")
    ]
    project_links = [link for ul in main.all("ul", cls="project-list") for link in ul.links()]
    assert len(project_links) == 57
    assert project_links[21] == (
        "22 被害者の緊急時における一時保護事業",
        "/plans/saitama-dv-2/projects/22/",
    )
    assert (
        "実施状況を絞り込む（基本目標・施策の方向・担当課・年度・キーワード）",
        "/plans/saitama-dv-2/statuses/",
    ) in main.links()
    assert crumbs(response) == ["ホーム", PLAN_TITLE]


@pytest.mark.django_db
def test_goal_page_lists_its_directions_and_projects_with_their_newest_status(client, seeded):
    response = client.get(PAGE_URLS["goal"])
    assert response.status_code == 200
    page = parse(response)
    assert page.texts("title") == [f"基本目標Ⅱ｜{SITE}"]
    main = page.one("main")
    assert main.texts("h1") == ["基本目標Ⅱ 被害者の早期発見と相談体制の充実"]
    assert main.texts("h2") == [
        "1 早期発見・通報体制の整備・充実",
        "2 配偶者暴力相談支援センター機能の充実",
        "3 相談体制の強化と周知",
        "4 多様な被害者への配慮",
    ]
    assert main.texts("p", cls="counts") == [
        "施策の方向 4・事業 14",
        "事業 4",
        "事業 2",
        "事業 5",
        "事業 3",
    ]
    # Each project's newest status inline, as the city's table shows it.
    table = main.all("table", cls="latest-table")[3]
    assert table.one("thead").texts("th") == [
        "事業名称",
        "実施状況（掲載している最新の年度）",
        "担当課",
    ]
    rows = table.one("tbody").all("tr")
    assert [row.one("th").text for row in rows] == [
        "19 多様な被害者への配慮",
        "20 外国人のための生活相談",
        "21 外国人のための情報提供",
    ]
    status = rows[1].one("td", cls="col-status")
    assert status.one("span", cls="year-label").text == "平成29年度（2017年度）"
    assert "大宮区くらし応援室において外国人相談を実施した（相談件数135件）" in status.text
    # One year published in a five-year plan: the link leads to the others.
    assert status.one("a", cls="other-years").text == "計画期間の各年度を見る"
    assert status.one("a", cls="other-years").attrs["href"] == (
        "/plans/saitama-dv-2/projects/20/#years"
    )
    assert rows[1].one("td", cls="col-departments").text == "市民生活安全課、観光国際課"
    assert "（実施状況: " not in main.text
    assert (
        "この基本目標の実施状況を絞り込む",
        "/plans/saitama-dv-2/statuses/?goal=2",
    ) in main.links()
    assert crumbs(response) == ["ホーム", PLAN_TITLE, "基本目標Ⅱ 被害者の早期発見と相談体制の充実"]


@pytest.mark.django_db
def test_direction_page_shows_each_projects_newest_status_in_a_table(client, seeded):
    response = client.get(PAGE_URLS["direction"])
    assert response.status_code == 200
    main = main_of(response)
    assert main.texts("h1") == ["施策の方向Ⅱ-4 多様な被害者への配慮"]
    table = main.one("table", cls="latest-table")
    assert table.one("thead").texts("th") == [
        "事業名称",
        "事業内容",
        "実施状況（掲載している最新の年度）",
        "担当課",
    ]
    rows = table.one("tbody").all("tr")
    assert [row.one("th").text for row in rows] == [
        "19 多様な被害者への配慮",
        "20 外国人のための生活相談",
        "21 外国人のための情報提供",
    ]
    assert [row.one("span", cls="year-label").text for row in rows] == [
        "平成29年度（2017年度）"
    ] * 3
    assert (
        rows[1]
        .one("td", cls="col-content")
        .text.startswith("市内在住の外国人の悩みや不安等を解消するため")
    )
    assert [row.one("td", cls="col-departments").text for row in rows] == [
        "男女共同参画課",
        "市民生活安全課、観光国際課",
        "観光国際課",
    ]
    assert crumbs(response) == [
        "ホーム",
        PLAN_TITLE,
        "基本目標Ⅱ 被害者の早期発見と相談体制の充実",
        "4 多様な被害者への配慮",
    ]


@pytest.mark.django_db
def test_project_page_shows_content_status_linked_departments_and_source(client, seeded):
    response = client.get(PAGE_URLS["project"])
    assert response.status_code == 200
    page = parse(response)
    assert page.texts("title") == [f"事業20｜{SITE}"]
    main = page.one("main")
    assert main.texts("h1") == ["事業20 外国人のための生活相談"]
    assert main.texts("h2") == ["事業内容", "年度ごとの実施状況"]
    # The plan's whole period, year by year: 「未掲載」 where nothing is published.
    assert main.one("ol", cls="year-overview").texts("li") == [
        "平成28年度（2016年度） 未掲載",
        "平成29年度（2017年度） 掲載",
        "平成30年度（2018年度） 未掲載",
        "令和元年度（2019年度） 未掲載",
        "令和2年度（2020年度） 未掲載",
    ]
    assert main.one("ol", cls="year-overview").links() == [
        ("平成29年度（2017年度）", "#status-2017")
    ]
    assert main.texts("h3") == [
        "平成28年度（2016年度） 未掲載",
        "平成29年度（2017年度）",
        "平成30年度（2018年度） 未掲載",
        "令和元年度（2019年度） 未掲載",
        "令和2年度（2020年度） 未掲載",
    ]
    assert main.texts("p").count("この年度の実施状況はまだ掲載していません。") == 4
    # One year only: nothing to compare.
    assert main.all("section", cls="changes") == []
    paragraphs = [p for p in main.texts("p") if p != "この年度の実施状況はまだ掲載していません。"]
    assert paragraphs[0].startswith("市内在住の外国人の悩みや不安等を解消するため")
    assert paragraphs[1].startswith(
        "大宮区くらし応援室において外国人相談を実施した（相談件数135件）"
    )
    departments = main.one("p", cls="departments")
    assert departments.text == "担当課 市民生活安全課、観光国際課"
    assert departments.links() == [
        (
            "市民生活安全課",
            "/m/saitama-city/departments/%E5%B8%82%E6%B0%91%E7%94%9F%E6%B4%BB%E5%AE%89%E5%85%A8%E8%AA%B2/",
        ),
        (
            "観光国際課",
            "/m/saitama-city/departments/%E8%A6%B3%E5%85%89%E5%9B%BD%E9%9A%9B%E8%AA%B2/",
        ),
    ]
    published = main.one("details", cls="as-published")
    assert published.texts("summary") == ["担当課の欄を公表されたとおりに見る"]
    assert published.texts("p") == [
        "市民生活安全課 (平成28年度より市民総務課から組織変更) 観光国際課"
    ]
    # The city's document for the year (fixtures/plans.toml), then the imported
    # file's row; the import's date is on the data page.
    assert main.one("p", cls="provenance").text == (
        f"出典: さいたま市「{PLAN_TITLE}の実施状況について」（平成29年度（2017年度）分）。"
        "取り込んだファイル saitama_dv2_H29_status.txt の 31 行目"
    )
    assert (
        "平成29年度（2017年度）の表全体を見る",
        "/plans/saitama-dv-2/years/2017/",
    ) in main.links()
    nav = page.one("nav", cls="breadcrumbs")
    assert nav.links() == [
        ("ホーム", "/"),
        (PLAN_TITLE, "/plans/saitama-dv-2/"),
        ("基本目標Ⅱ 被害者の早期発見と相談体制の充実", "/plans/saitama-dv-2/goals/2/"),
        ("4 多様な被害者への配慮", "/plans/saitama-dv-2/goals/2/directions/4/"),
    ]
    assert nav.one("li", aria_current="page").text == "事業20 外国人のための生活相談"


@pytest.mark.django_db
def test_fiscal_year_page_is_the_whole_table_as_the_city_printed_it(client, seeded):
    response = client.get(PAGE_URLS["fiscal_year"])
    assert response.status_code == 200
    page = parse(response)
    assert page.texts("title") == [f"平成29年度（2017年度）の実施状況｜{SITE}"]
    main = page.one("main")
    assert main.texts("h1") == ["平成29年度（2017年度）の実施状況"]
    assert main.texts("h2") == [
        "基本目標Ⅰ 教育・啓発の推進",
        "基本目標Ⅱ 被害者の早期発見と相談体制の充実",
        "基本目標Ⅲ 被害者の保護と自立支援の充実",
        "基本目標Ⅳ 子どもへの支援",
        "基本目標Ⅴ 関係機関等との連携協力",
    ]
    assert main.one("p", cls="plan-meta").text == f"{PLAN_TITLE} 57 事業"
    tables = main.all("table")
    assert len(tables) == 5
    assert tables[0].one("thead").texts("th") == [
        "施策の方向",
        "事業名称",
        "事業内容",
        "平成29年度（2017年度）実施状況",
        "担当課",
    ]
    assert sum(len(t.all("tbody")) for t in tables) == 15
    assert sum(len(t.all("th", scope="row")) for t in tables) == 57
    direction = tables[2].all("tbody")[2]
    assert direction.one("th", scope="rowgroup").text == "3 自立に向けた各種支援"
    assert direction.one("th", scope="rowgroup").attrs["rowspan"] == "9"
    first = direction.all("tr")[0]
    assert first.texts("th") == ["3 自立に向けた各種支援", "27 子育て相談の実施"]
    cells = first.texts("td")
    assert cells[0].startswith("各区役所内に家庭児童相談室を設置し")
    assert cells[1] == "家庭内の児童福祉に関する相談指導業務を実施した（相談件数10,613件）。"
    assert cells[2] == "子育て支援政策課"
    whole = tables[2].all("tbody")[1].all("tr")[1]
    assert whole.texts("td")[2] == "男女共同参画課、全庁"
    assert whole.one("a", cls="whole-government").text == "全庁"
    assert crumbs(response) == ["ホーム", PLAN_TITLE, "平成29年度（2017年度）の実施状況"]


@pytest.mark.django_db
def test_department_index_lists_counts_and_reorganisations(client, seeded):
    response = client.get(PAGE_URLS["department_index"])
    assert response.status_code == 200
    main = main_of(response)
    assert main.texts("h1") == ["担当課の一覧"]
    # The sections, then the whole government's entries apart.
    assert main.texts("h3") == ["課・室", "市全体（全庁）の記載"]
    sections, whole = main.all("tbody")
    rows = {row.one("th").one("a").text: row.texts("td") for row in sections.all("tr")}
    assert rows["男女共同参画課"] == ["27", "27", ""]
    assert rows["市民生活安全課"] == ["2", "2", "旧 市民総務課（平成28年度（2016年度）から）"]
    assert rows["市民総務課"] == ["0", "0", "新 市民生活安全課（平成28年度（2016年度）から）"]
    assert len(rows) == 25
    assert [(row.one("th").text, row.texts("td")) for row in whole.all("tr")] == [
        ("全庁（市全体） （ぜんちょう）", ["2", "2", ""])
    ]
    assert crumbs(response) == ["ホーム", "担当課の一覧"]


@pytest.mark.django_db
def test_department_index_sorts_by_reading_or_by_entries(client, seeded):
    def names(url: str) -> list[str]:
        sections = main_of(client.get(url)).all("tbody")[0]
        return [row.one("th").one("a").text for row in sections.all("tr")]

    # Without readings, by the name's code points: 男女共同参画課 comes late.
    Department.objects.update(reading="")
    assert names("/departments/").index("男女共同参画課") == 19
    assert (
        department_readings_load(path=settings.BASE_DIR / "fixtures" / "department_readings.toml")
        == 26
    )
    cache.clear()  # the new data version, which load_fixtures publishes when it commits
    by_reading = names("/departments/")
    assert by_reading[:4] == ["安心安全課", "学事課", "観光国際課", "危機管理課"]
    assert by_reading.index("男女共同参画課") == 22
    page = main_of(client.get("/departments/"))
    assert page.one("nav", cls="sort-nav").texts("li") == ["名前の順（五十音）", "記載の多い順"]
    by_entries = names("/departments/?sort=entries")
    assert by_entries[0] == "男女共同参画課"
    assert main_of(client.get("/departments/?sort=entries")).one("nav", cls="sort-nav").links() == [
        ("名前の順（五十音）", "?sort=reading")
    ]
    # Anything else is the default order.
    assert names("/departments/?sort=x") == by_reading


@pytest.mark.django_db
def test_department_page_lists_its_statuses_by_year(client, seeded):
    response = client.get(PAGE_URLS["department"])
    assert response.status_code == 200
    page = parse(response)
    assert page.texts("title") == [f"担当課のページ｜{SITE}"]
    main = page.one("main")
    assert main.texts("h1") == ["市民生活安全課"]
    assert main.texts("h2") == [PLAN_TITLE]
    # The plan's whole period, newest first.
    assert main.texts("h3") == [
        "令和2年度（2020年度） 未掲載",
        "令和元年度（2019年度） 未掲載",
        "平成30年度（2018年度） 未掲載",
        "平成29年度（2017年度）（2件）",
        "平成28年度（2016年度） 未掲載",
    ]
    assert main.texts("p").count("この年度の実施状況はまだ掲載していません。") == 4
    assert main.one("p", cls="succession-note").text == (
        "平成28年度（2016年度）から 市民総務課 の業務を引き継いでいます"
        "（原文: (平成28年度より市民総務課から組織変更)）。"
        "平成28年度（2016年度）以降に旧課名で記載された実施状況も、"
        "「旧 市民総務課 の記載」と示して載せています。"
    )
    # Grouped by goal and direction, as the city's table is: 18 and 20 are in
    # different directions of goal Ⅱ.
    bodies = main.all("tbody")
    assert [body.one("th", scope="rowgroup").links() for body in bodies] == [
        [
            ("基本目標Ⅱ 被害者の早期発見と相談体制の充実", "/plans/saitama-dv-2/goals/2/"),
            ("3 相談体制の強化と周知", "/plans/saitama-dv-2/goals/2/directions/3/"),
        ],
        [
            ("基本目標Ⅱ 被害者の早期発見と相談体制の充実", "/plans/saitama-dv-2/goals/2/"),
            ("4 多様な被害者への配慮", "/plans/saitama-dv-2/goals/2/directions/4/"),
        ],
    ]
    rows = [row for body in bodies for row in body.all("tr")]
    assert [row.one("th", scope="row").text for row in rows] == [
        "18 住民相談事業",
        "20 外国人のための生活相談",
    ]
    # Project 20 is shared with 観光国際課 (共管).
    assert rows[1].texts("td")[1] == "共管 市民生活安全課、観光国際課"
    assert main.all("span", cls="listed-as") == []
    assert crumbs(response) == ["ホーム", "担当課の一覧", "さいたま市", "市民生活安全課"]


@pytest.mark.django_db
def test_department_page_includes_a_predecessors_later_entries_marked_as_such(
    client, seeded, import_seed_as
):
    import_seed_as("平成30年度実施状況", OLD_NAME_FOR_PROJECT_18)

    main = main_of(client.get(PAGE_URLS["department"]))
    assert main.texts("h3") == [
        "令和2年度（2020年度） 未掲載",
        "令和元年度（2019年度） 未掲載",
        "平成30年度（2018年度）（2件）",
        "平成29年度（2017年度）（2件）",
        "平成28年度（2016年度） 未掲載",
    ]
    newest = [row for body in main.all("table")[0].all("tbody") for row in body.all("tr")]
    assert [row.one("th", scope="row").text for row in newest] == [
        "18 住民相談事業 旧 市民総務課 の記載",
        "20 外国人のための生活相談",
    ]
    assert newest[0].texts("td")[1] == "市民総務課"
    assert main.texts("span", cls="listed-as") == ["旧 市民総務課 の記載"]


@pytest.mark.django_db
def test_department_page_leaves_out_a_predecessors_entries_before_the_takeover(client, seeded):
    # 子ども家庭総合センター総務課 takes over 子育て支援政策課 only from 2018;
    # 子育て支援政策課's own 2017 entries stay on its own page.
    main = main_of(client.get("/m/saitama-city/departments/子ども家庭総合センター総務課/"))
    assert main.texts("h3")[3] == "平成29年度（2017年度）（1件）"
    assert [row.one("th", scope="row").text for row in main.one("tbody").all("tr")] == [
        "46 (仮称)さいたま市子ども総合センター整備事業"
    ]
    predecessor = main_of(client.get("/m/saitama-city/departments/子育て支援政策課/"))
    assert predecessor.texts("h3")[3] == "平成29年度（2017年度）（7件）"
    assert predecessor.one("p", cls="succession-note").text == (
        "平成30年度（2018年度）から 子ども家庭総合センター総務課 に組織変更されています"
        "（原文: (平成30年度より子育て支援政策課から組織変更)）。"
    )


@pytest.mark.django_db
def test_about_page_names_sources_licence_reading_import_and_private_browsing(client, seeded):
    response = client.get(PAGE_URLS["about"])
    assert response.status_code == 200
    main = main_of(response)
    assert main.texts("h1") == ["このサイトについて"]
    assert main.texts("h2") == [
        "安全にご覧いただくために",
        "出典",
        "ライセンス",
        "実施状況の読み方",
        "データの取り込み方",
    ]
    # The file list and its hashes are for researchers, on the data page.
    assert main.all("table") == []
    assert ("オープンデータのページの「更新の記録」", "/data/#history") in main.links()
    assert "ただし、このボタンは閲覧履歴を消しません。" in main.text
    assert "Google Chrome: 右上のメニューから「新しいシークレット ウィンドウ」" in main.text
    assert (
        "クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）",
        "https://creativecommons.org/licenses/by/4.0/deed.ja",
    ) in main.links()


@pytest.mark.django_db
def test_unknown_plan_goal_direction_project_year_and_department_are_404(client, seeded):
    for url in [
        "/plans/no-such-plan/",
        "/plans/saitama-dv-2/goals/6/",
        "/plans/saitama-dv-2/goals/2/directions/5/",
        "/plans/saitama-dv-2/projects/58/",
        "/plans/saitama-dv-2/years/2015/",
        "/plans/saitama-dv-2/years/2021/",
        "/plans/no-such-plan/statuses/",
        "/departments/存在しない課/",
        "/departments/%00/",
        "/departments/%E3%81%82%01/",
        "/plans/saitama-dv-2/projects/99999999999999999999/",
        "/plans/saitama-dv-2/years/99999999999/",
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_home_lists_plans_when_there_are_several(client, seeded):
    from reports.models import Municipality, Plan

    Plan.objects.create(
        slug="another-plan", title="別の計画", municipality=Municipality.objects.get()
    )
    main = main_of(client.get("/"))
    assert main.texts("h1") == ["計画の一覧"]
    assert main.texts("li") == ["別の計画（0 事業）", f"{PLAN_TITLE}（57 事業）"]


@pytest.mark.django_db
def test_any_project_department_and_year_is_within_three_clicks_of_home(client, seeded):
    """Breadth-first over links from the home page, three clicks deep."""
    from reports.models import AnnualStatus, Department, Project

    seen = {"/": 0}
    frontier = ["/"]
    for depth in (1, 2, 3):
        following = []
        for url in frontier:
            for _, href in parse(client.get(url)).links():
                # Pages end in "/"; downloads (statuses.csv …) are files, not pages.
                path = href.split("?")[0].split("#")[0]
                if href.startswith("/") and not href.startswith("/static/") and path.endswith("/"):
                    target = href.split("#")[0]
                    if target not in seen:
                        seen[target] = depth
                        following.append(target)
        frontier = following
    from django.urls import reverse

    for project in Project.objects.all():
        assert reverse("reports:project", args=["saitama-dv-2", project.number]) in seen
    for department in Department.objects.select_related("municipality"):
        assert (
            reverse("reports:department", args=[department.municipality.slug, department.name])
            in seen
        )
    for year in AnnualStatus.objects.values_list("fiscal_year", flat=True).distinct():
        assert seen[reverse("reports:year", args=["saitama-dv-2", year])] == 1


@pytest.mark.django_db
def test_not_found_page_keeps_the_quick_exit_and_hotlines(client, seeded):
    response = client.get("/plans/saitama-dv-2/projects/999/")
    assert response.status_code == 404
    page = parse(response)
    assert page.one("main").texts("h1") == ["ページが見つかりません"]
    assert page.one("a", cls="quick-exit").attrs["href"] == "https://www.google.com/"
    assert len(page.one("footer").one("ul").all("li")) == 4
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self';")


@pytest.mark.django_db
def test_server_error_page_keeps_the_quick_exit_and_hotlines(rf):
    from reports.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    page = parse(response)
    assert page.one("main").texts("h1") == ["表示できませんでした"]
    assert page.one("a", cls="quick-exit").attrs["href"] == "https://www.google.com/"
    assert len(page.one("footer").one("ul").all("li")) == 4


@pytest.mark.django_db
def test_fiscal_year_page_links_to_the_other_years(client, seeded, import_seed_as):
    assert main_of(client.get(PAGE_URLS["fiscal_year"])).all("nav", cls="year-nav") == []
    import_seed_as("平成30年度実施状況")
    nav = main_of(client.get(PAGE_URLS["fiscal_year"])).one("nav", cls="year-nav")
    assert nav.texts("li") == ["平成30年度（2018年度）", "平成29年度（2017年度）"]
    assert nav.links() == [("平成30年度（2018年度）", "/plans/saitama-dv-2/years/2018/")]
    assert nav.one("span", aria_current="page").text == "平成29年度（2017年度）"


@pytest.mark.django_db
def test_a_departments_shared_entries_name_the_other_sections_and_can_be_shown_alone(
    client, seeded
):
    base = "/m/saitama-city/departments/"
    rights = main_of(client.get(base + "人権教育推進室/"))
    row = next(
        row
        for row in rights.all("tr")
        if row.all("th", scope="row") and row.one("th", scope="row").one("a").text.startswith("7 ")
    )
    cell = row.one("td", cls="col-departments")
    assert cell.one("span", cls="shared-label").text == "共管"
    assert ("男女共同参画課", base + quote("男女共同参画課") + "/") in cell.links()

    everything = main_of(client.get(base + "男女共同参画課/"))
    only_shared = main_of(client.get(base + "男女共同参画課/?shared=1"))
    rows = [row for body in everything.all("tbody") for row in body.all("tr")]
    shared_rows = [row for row in rows if row.all("span", cls="shared-label")]
    kept = [row for body in only_shared.all("tbody") for row in body.all("tr")]
    assert [row.one("th", scope="row").one("a").text for row in kept] == [
        row.one("th", scope="row").one("a").text for row in shared_rows
    ]
    assert 0 < len(kept) < len(rows)
    assert only_shared.one("p", cls="shared-toggle").links() == [("すべての記載を見る", "?")]
    assert everything.one("p", cls="shared-toggle").links() == [
        ("共管（ほかの課と一緒に担当する）記載だけを見る", "?shared=1")
    ]
