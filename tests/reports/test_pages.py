"""The first pages, parsed as a reader sees them."""

from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command


class _Text(HTMLParser):
    """Collects text per tag of interest: h1/h2/h3, links, title."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag in {"h1", "h2", "h3", "a", "title", "li", "p"}:
            self.found.setdefault(tag, []).append("")

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        for tag in set(self.stack) & {"h1", "h2", "h3", "a", "title", "li", "p"}:
            self.found[tag][-1] += data


def read(response) -> dict[str, list[str]]:
    parser = _Text()
    parser.feed(response.content.decode())
    return {tag: [" ".join(t.split()) for t in texts] for tag, texts in parser.found.items()}


@pytest.mark.django_db
def test_home_shows_the_plan_overview_with_goals_directions_and_projects(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    page = read(response)
    assert page["h1"] == ["第2次さいたま市配偶者等からの暴力の防止及び被害者の支援に関する基本計画"]
    assert page["h2"] == [
        "基本目標Ⅰ 教育・啓発の推進",
        "基本目標Ⅱ 被害者の早期発見と相談体制の充実",
        "基本目標Ⅲ 被害者の保護と自立支援の充実",
        "基本目標Ⅳ 子どもへの支援",
        "基本目標Ⅴ 関係機関等との連携協力",
    ]
    assert len(page["h3"]) == 15
    assert page["h3"][7] == "1 安全な保護体制の整備（3 事業）"
    assert "基本目標 5・施策の方向 15・事業 57" in page["p"]
    assert "実施状況のある年度: 平成29年度（2017年度）" in page["p"]
    project_links = [a for a in page["a"] if a[0].isdigit()]
    assert len(project_links) == 57
    assert project_links[21] == "22 被害者の緊急時における一時保護事業"


@pytest.mark.django_db
def test_plan_page_has_its_own_url(client, seeded):
    assert client.get("/plans/saitama-dv-2/").content == client.get("/").content


@pytest.mark.django_db
def test_project_page_shows_content_status_departments_and_source(client, seeded):
    response = client.get("/plans/saitama-dv-2/projects/20/")
    assert response.status_code == 200
    page = read(response)
    assert page["title"] == ["20 外国人のための生活相談｜計画の実施状況"]
    assert page["h1"] == ["事業20 外国人のための生活相談"]
    assert page["h2"] == ["事業内容", "年度ごとの実施状況"]
    assert page["h3"] == ["平成29年度（2017年度）"]
    assert page["li"][1:] == [
        "基本目標Ⅱ 被害者の早期発見と相談体制の充実",
        "4 多様な被害者への配慮",
    ]
    paragraphs = page["p"]
    assert any(p.startswith("市内在住の外国人の悩みや不安等を解消するため") for p in paragraphs)
    assert any(
        p.startswith("大宮区くらし応援室において外国人相談を実施した（相談件数135件）")
        for p in paragraphs
    )
    assert "担当課 市民生活安全課、観光国際課" in paragraphs
    assert "出典: saitama_dv2_H29_status.txt の 31 行目" in paragraphs


@pytest.mark.django_db
def test_unknown_plan_and_project_are_404(client, seeded):
    assert client.get("/plans/no-such-plan/").status_code == 404
    assert client.get("/plans/saitama-dv-2/projects/58/").status_code == 404


@pytest.mark.django_db
def test_pages_set_no_cookie_and_no_referrer(client, seeded):
    response = client.get("/plans/saitama-dv-2/projects/1/")
    assert response.cookies == {}
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.django_db
def test_overview_query_count_does_not_grow_with_a_second_year(
    client, seeded, seed_path, tmp_path, django_assert_num_queries
):
    with django_assert_num_queries(5):
        client.get("/plans/saitama-dv-2/")
    later = tmp_path / "later.txt"
    later.write_text(
        seed_path.read_text(encoding="utf-8").replace("平成29年度実施状況", "平成30年度実施状況"),
        encoding="utf-8",
    )
    call_command("import_status", str(later), plan_slug="saitama-dv-2", stdout=StringIO())
    with django_assert_num_queries(5):
        client.get("/plans/saitama-dv-2/")
    with django_assert_num_queries(4):
        response = client.get("/plans/saitama-dv-2/projects/1/")
    assert read(response)["h3"] == ["平成30年度（2018年度）", "平成29年度（2017年度）"]


@pytest.mark.django_db
def test_home_lists_plans_when_there_are_several(client, seeded):
    from reports.models import Plan

    Plan.objects.create(slug="another-plan", title="別の計画")
    page = read(client.get("/"))
    assert page["h1"] == ["計画の一覧"]
    assert "別の計画（0 事業）" in page["li"]
