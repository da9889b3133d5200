"""Two cities' plans side by side: the same department names, never mixed.

Both files name their plan (and so their city) in their title and are imported
without --plan; both cities have a 男女共同参画課 and a 人権政策課. Each page,
filter, facet, search, download and API answer shows only its own city's entries.
"""

import csv
import hashlib
import io
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command

from reports.models import Department, DepartmentSuccession, Municipality, Plan
from tests.importers.helpers import write_csv
from tests.reports.html import main_of, parse

HEADER = ["基本目標", "施策の方向", "事業名称", "事業内容", "令和2年度実施状況", "担当課"]
MITO_TITLE = "第3次水戸市配偶者暴力防止基本計画　令和2年度 取組状況"
MITO_ROWS = [
    ["Ⅰ 啓発", "1 意識啓発", "1 講座の開催", "講座", "水戸の講座を3回", "男女共同参画課"],
    ["", "", "2 相談窓口の周知", "周知", "水戸の相談カード", "男女共同参画課 人権政策課"],
    ["", "2 教育", "3 人権教育", "教育", "水戸の研修", "人権政策課"],
]
KOFU_TITLE = "甲府市DV対策基本計画 令和2年度 実施状況"
KOFU_ROWS = [
    ["Ⅰ 啓発", "1 意識啓発", "1 パネル展", "展示", "甲府のパネル展", "男女共同参画課"],
    [
        "",
        "",
        "2 相談",
        "相談",
        "甲府の相談",
        "人権政策課（令和2年度より人権啓発課から組織変更）",
    ],
]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


# The rule (docs/importing.md): m-<hash of the city's name>, then the plan's
# ordinal (第3次) and a hash of its name without the year and report words.
MITO = f"m-{_hash('水戸市')}"
KOFU = f"m-{_hash('甲府市')}"
MITO_PLAN = f"{MITO}-3-{_hash('第3次水戸市配偶者暴力防止基本計画')}"
KOFU_PLAN = f"{KOFU}-{_hash('甲府市DV対策基本計画')}"


@pytest.fixture
def two_cities(db, tmp_path: Path) -> None:
    mito = write_csv(tmp_path / "mito.csv", [[MITO_TITLE], HEADER, *MITO_ROWS])
    kofu = write_csv(tmp_path / "kofu.csv", [[KOFU_TITLE], HEADER, *KOFU_ROWS])
    out = io.StringIO()
    call_command("import_status", str(mito), str(kofu), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        f"自治体を追加: {MITO} 水戸市",
        f"計画を追加: {MITO_PLAN} 第3次水戸市配偶者暴力防止基本計画"
        f"（表題から作成。識別子 {MITO_PLAN}、自治体 水戸市）",
    ]
    assert f"自治体を追加: {KOFU} 甲府市" in lines
    assert (
        f"計画を追加: {KOFU_PLAN} 甲府市DV対策基本計画（表題から作成。識別子 {KOFU_PLAN}、自治体 甲府市）"
    ) in lines


def test_each_city_has_its_own_departments(two_cities):
    assert sorted(Department.objects.values_list("municipality__name", "name", "kind")) == [
        ("水戸市", "人権政策課", "section"),
        ("水戸市", "男女共同参画課", "section"),
        ("甲府市", "人権啓発課", "section"),
        ("甲府市", "人権政策課", "section"),
        ("甲府市", "男女共同参画課", "section"),
    ]
    assert list(
        DepartmentSuccession.objects.values_list(
            "successor__municipality__name", "successor__name", "predecessor__name"
        )
    ) == [("甲府市", "人権政策課", "人権啓発課")]
    assert sorted(Plan.objects.values_list("slug", "title", "municipality__name")) == [
        (MITO_PLAN, "第3次水戸市配偶者暴力防止基本計画", "水戸市"),
        (KOFU_PLAN, "甲府市DV対策基本計画", "甲府市"),
    ]


def test_a_department_page_shows_only_its_own_citys_entries(client, two_cities):
    mito = main_of(client.get(f"/m/{MITO}/departments/{quote('男女共同参画課')}/"))
    kofu = main_of(client.get(f"/m/{KOFU}/departments/{quote('男女共同参画課')}/"))

    assert mito.texts("h2") == ["第3次水戸市配偶者暴力防止基本計画"]
    assert [row.one("th", scope="row").text for row in mito.all("tr") if row.all("td")] == [
        "1 講座の開催",
        "2 相談窓口の周知",
    ]
    assert kofu.texts("h2") == ["甲府市DV対策基本計画"]
    assert [row.one("th", scope="row").text for row in kofu.all("tr") if row.all("td")] == [
        "1 パネル展"
    ]
    # 甲府市's 人権政策課 counts its predecessor's entries; 水戸市's has none.
    kofu_rights = main_of(client.get(f"/m/{KOFU}/departments/{quote('人権政策課')}/"))
    assert kofu_rights.texts("p", cls="succession-note") == [
        "令和2年度（2020年度）から 人権啓発課 の業務を引き継いでいます"
        "（原文: （令和2年度より人権啓発課から組織変更））。"
        "令和2年度（2020年度）以降に旧課名で記載された実施状況も、"
        "「旧 人権啓発課 の記載」と示して載せています。"
    ]
    mito_rights = main_of(client.get(f"/m/{MITO}/departments/{quote('人権政策課')}/"))
    assert mito_rights.all("p", cls="succession-note") == []


def test_the_department_index_groups_by_city(client, two_cities):
    main = main_of(client.get("/departments/"))
    assert main.texts("h2") == ["水戸市", "甲府市"]
    sections = main.all("section")
    assert [[a.text for a in s.all("a", cls="department")] for s in sections] == [
        ["人権政策課", "男女共同参画課"],
        ["人権啓発課", "人権政策課", "男女共同参画課"],
    ]
    assert sections[1].texts("span", cls="succession") == [
        "新 人権政策課（令和2年度（2020年度）から）",
        "旧 人権啓発課（令和2年度（2020年度）から）",
    ]
    assert [a.attrs["href"] for a in sections[0].all("a", cls="department")] == [
        f"/m/{MITO}/departments/{quote('人権政策課')}/",
        f"/m/{MITO}/departments/{quote('男女共同参画課')}/",
    ]
    one_city = main_of(client.get(f"/m/{KOFU}/departments/"))
    assert one_city.texts("h1") == ["甲府市の担当課の一覧"]
    assert one_city.texts("h2") == ["甲府市"]


def test_an_old_department_url_redirects_when_one_city_has_the_name(client, two_cities):
    response = client.get(f"/departments/{quote('人権啓発課')}/")
    assert response.status_code == 301
    assert response["Location"] == f"/m/{KOFU}/departments/{quote('人権啓発課')}/"

    shared = client.get(f"/departments/{quote('男女共同参画課')}/")
    assert shared.status_code == 200
    main = main_of(shared)
    assert (
        main.texts("p")[0]
        == "「男女共同参画課」という担当課は複数の自治体にあります。自治体を選んでください。"
    )
    assert [a.attrs["href"] for a in main.all("a", cls="department")] == [
        f"/m/{MITO}/departments/{quote('男女共同参画課')}/",
        f"/m/{KOFU}/departments/{quote('男女共同参画課')}/",
    ]
    assert client.get(f"/departments/{quote('存在しない課')}/").status_code == 404
    assert client.get(f"/m/{MITO}/departments/{quote('人権啓発課')}/").status_code == 404
    assert client.get(f"/m/no-such-city/departments/{quote('人権政策課')}/").status_code == 404


def _facet_options(page, name: str) -> list[str]:
    return [option.text for option in page.one("select", name=name).all("option")]


@pytest.mark.parametrize("keyword", ["", "相談"])
def test_the_filter_and_its_facets_are_per_plan(client, two_cities, keyword):
    query = f"&q={quote(keyword)}" if keyword else ""
    mito = parse(client.get(f"/plans/{MITO_PLAN}/statuses/?department=男女共同参画課{query}"))
    kofu = parse(client.get(f"/plans/{KOFU_PLAN}/statuses/?department=男女共同参画課{query}"))

    if keyword:
        assert _facet_options(mito, "department") == [
            "すべて",
            "人権政策課（1件）",
            "男女共同参画課（1件）",
        ]
        assert mito.one("span", cls="result-count").text == "1件"
        assert _facet_options(kofu, "department") == [
            "すべて",
            "人権政策課（旧 人権啓発課を含む）（1件）",
            "男女共同参画課（0件）",
        ]
        assert kofu.one("span", cls="result-count").text == "0件"
    else:
        # Each option counted under the other filters (none here): the plan's own rows.
        assert _facet_options(mito, "department") == [
            "すべて",
            "人権政策課（2件）",
            "男女共同参画課（2件）",
        ]
        assert mito.one("span", cls="result-count").text == "2件"
        assert _facet_options(kofu, "department") == [
            "すべて",
            "人権政策課（旧 人権啓発課を含む）（1件）",
            "男女共同参画課（1件）",
        ]
        assert kofu.one("span", cls="result-count").text == "1件"


def test_the_api_and_downloads_carry_the_city(client, two_cities):
    departments = client.get("/api/v1/departments/").json()["results"]
    assert [(d["municipality"], d["municipality_slug"], d["name"]) for d in departments] == [
        ("水戸市", MITO, "人権政策課"),
        ("水戸市", MITO, "男女共同参画課"),
        ("甲府市", KOFU, "人権啓発課"),
        ("甲府市", KOFU, "人権政策課"),
        ("甲府市", KOFU, "男女共同参画課"),
    ]
    plans = client.get("/api/v1/plans/").json()["results"]
    assert [(p["slug"], p["municipality"], p["municipality_slug"]) for p in plans] == [
        (MITO_PLAN, "水戸市", MITO),
        (KOFU_PLAN, "甲府市", KOFU),
    ]
    statuses = client.get(f"/api/v1/plans/{KOFU_PLAN}/statuses/?department=男女共同参画課").json()[
        "results"
    ]
    assert [s["status"] for s in statuses] == ["甲府のパネル展"]

    rows = list(csv.DictReader(io.StringIO(client.get("/data/statuses.csv").getvalue().decode())))
    assert sorted((r["自治体"], r["実施状況"], r["担当課一覧"]) for r in rows) == [
        ("水戸市", "水戸の相談カード", "男女共同参画課、人権政策課"),
        ("水戸市", "水戸の研修", "人権政策課"),
        ("水戸市", "水戸の講座を3回", "男女共同参画課"),
        ("甲府市", "甲府のパネル展", "男女共同参画課"),
        ("甲府市", "甲府の相談", "人権政策課"),
    ]
    assert Municipality.objects.count() == 2
