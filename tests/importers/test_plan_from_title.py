"""The plan read from the file: its title row names the plan (and its municipality).

With no --plan, a file whose title names an existing plan goes into it; a
title naming no existing plan creates one with a slug made from the title; a
file with no title goes into the only plan or asks for --plan.
"""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from importers.loader import status_import
from importers.problems import ImportProblems
from importers.titles import municipality_name, municipality_slug, plan_name, plan_slug
from reports.models import AnnualStatus, Municipality, Plan
from tests.importers.helpers import HEADER, ROWS, snapshot, write_csv

SEED_PLAN_TITLE = "第2次さいたま市配偶者等からの暴力の防止及び被害者の支援に関する基本計画"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


@pytest.mark.parametrize(
    ("title", "name", "municipality"),
    [
        (
            "第2次さいたま市配偶者等からの暴力の防止及び被害者支援基本計画　令和2年度 取組状況",
            "第2次さいたま市配偶者等からの暴力の防止及び被害者支援基本計画",
            "さいたま市",
        ),
        (f"{SEED_PLAN_TITLE}の実施状況について", SEED_PLAN_TITLE, "さいたま市"),
        ("横浜市ＤＶ対策基本計画 平成29年度実施状況一覧", "横浜市ＤＶ対策基本計画", "横浜市"),
        (
            "東京都港区DV防止基本計画（令和３年度）の進捗状況",
            "東京都港区DV防止基本計画",
            "東京都港区",
        ),
        (
            "第２次四日市市男女共同参画プラン R2年度 実施状況",
            "第２次四日市市男女共同参画プラン",
            "四日市市",
        ),
        (
            "さいたま市市民活動推進計画 2020年度 取組状況",
            "さいたま市市民活動推進計画",
            "さいたま市",
        ),
        (
            "埼玉県配偶者暴力防止基本計画 令和元年度版 実施状況",
            "埼玉県配偶者暴力防止基本計画",
            "埼玉県",
        ),
        ("第3次配偶者暴力防止基本計画 2020年度 実施状況", "第3次配偶者暴力防止基本計画", None),
        (
            "京都市DV対策基本計画（平成28年度～令和2年度）令和2年度 取組状況",
            "京都市DV対策基本計画",
            "京都市",
        ),
        (
            "神奈川県横浜市男女共同参画行動計画 実施状況",
            "神奈川県横浜市男女共同参画行動計画",
            "神奈川県横浜市",
        ),
    ],
)
def test_the_plan_and_municipality_in_a_title(title, name, municipality):
    assert plan_name(title) == name
    assert municipality_name(name) == municipality


@pytest.mark.parametrize("title", ["", "（単位：件）", "資料2 令和2年度 取組状況"])
def test_a_title_without_a_plan_word_names_no_plan(title):
    assert plan_name(title) is None


def test_slugs_are_ascii_made_from_the_names():
    assert municipality_slug("さいたま市") == f"m-{_hash('さいたま市')}"
    assert municipality_slug("") == "unnamed"
    # 第２次 and 第2次 are the same ordinal; the hash is of the folded name.
    assert plan_slug("第２次さいたま市DV計画", "saitama-city") == (
        f"saitama-city-2-{_hash('第2次さいたま市DV計画')}"
    )
    assert plan_slug("DV計画", "unnamed") == f"unnamed-{_hash('DV計画')}"


@pytest.mark.django_db
def test_into_an_empty_database_the_title_makes_the_plan(seed_path):
    out = io.StringIO()

    call_command("import_status", str(seed_path), stdout=out)

    city = f"m-{_hash('さいたま市')}"
    slug = f"{city}-2-{_hash(SEED_PLAN_TITLE)}"
    assert out.getvalue().splitlines()[:2] == [
        f"自治体を追加: {city} さいたま市",
        f"計画を追加: {slug} {SEED_PLAN_TITLE}（表題から作成。識別子 {slug}、自治体 さいたま市）",
    ]
    assert list(Plan.objects.values_list("slug", "title", "municipality__name")) == [
        (slug, SEED_PLAN_TITLE, "さいたま市")
    ]
    assert AnnualStatus.objects.filter(project__plan__slug=slug, fiscal_year=2017).count() == 57


@pytest.mark.django_db
def test_a_title_naming_an_existing_plan_imports_into_it(seeded, tmp_path):
    """Another plan exists, so only the title can say which plan; its year and
    report words (令和2年度 取組状況) are not part of the plan's name."""
    Plan.objects.create(slug="other", title="別の計画", municipality=Municipality.objects.get())
    path = write_csv(
        tmp_path / "r2.csv",
        [
            [f"{SEED_PLAN_TITLE}　令和2年度 取組状況"],
            [*HEADER[:4], "令和2年度実施状況", HEADER[5]],
            *ROWS,
        ],
    )

    # ROWS are the first projects only: a partial table of the plan.
    report = status_import(path=path, allow_new_projects=True, partial=True)

    assert (report.plan_slug, report.fiscal_year) == ("saitama-dv-2", 2020)
    assert sorted(
        AnnualStatus.objects.filter(fiscal_year=2020).values_list(
            "project__plan__slug", "project__number", "status_text"
        )
    ) == [("saitama-dv-2", 1, "状況1"), ("saitama-dv-2", 2, "状況2"), ("saitama-dv-2", 3, "状況3")]
    assert Plan.objects.count() == 2


@pytest.mark.django_db
def test_a_title_naming_a_new_plan_creates_it_beside_the_others(seeded, tmp_path):
    path = write_csv(
        tmp_path / "kawaguchi.csv",
        [
            ["第3次川口市DV防止基本計画 令和2年度 実施状況"],
            [*HEADER[:4], "令和2年度実施状況", HEADER[5]],
            *ROWS,
        ],
    )

    report = status_import(path=path)

    slug = f"m-{_hash('川口市')}-3-{_hash('第3次川口市DV防止基本計画')}"
    assert report.plan_slug == slug
    assert sorted(Plan.objects.values_list("slug", "municipality__name")) == sorted(
        [("saitama-dv-2", "さいたま市"), (slug, "川口市")]
    )
    # 川口市's 男女共同参画課 is its own, not さいたま市's.
    assert sorted(
        AnnualStatus.objects.filter(project__plan__slug=slug).values_list(
            "statusdepartment__department__municipality__name", "statusdepartment__department__name"
        )
    ) == [("川口市", "人権教育推進室"), ("川口市", "男女共同参画課"), ("川口市", "男女共同参画課")]


@pytest.mark.django_db
def test_a_derived_slug_taken_by_another_plan_is_refused(seeded, tmp_path):
    name = "第3次川口市DV防止基本計画"
    slug = f"m-{_hash('川口市')}-3-{_hash(name)}"
    Plan.objects.create(slug=slug, title="別の計画", municipality=Municipality.objects.get())
    path = write_csv(tmp_path / "clash.csv", [[f"{name} 令和2年度 実施状況"], HEADER, *ROWS])
    before = snapshot()

    with pytest.raises(ImportProblems) as raised:
        status_import(path=path)

    assert [str(p) for p in raised.value.errors] == [
        f"clash.csv:-:-:-: エラー 表題の計画「{name}」から作った識別子 {slug} は別の計画「別の計画」が"
        f"使っています。--plan で新しい識別子を指定してください / the slug {slug} made from the "
        f"title's plan is taken by another plan; name a new slug with --plan「{name}」"
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_file_without_a_title_still_asks_for_the_plan(seeded, tmp_path):
    Plan.objects.create(slug="other", title="別の計画", municipality=Municipality.objects.get())
    path = write_csv(tmp_path / "untitled.csv", [HEADER, *ROWS])
    before = snapshot()
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_status", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines()[0] == (
        "untitled.csv:-:-:-: エラー ファイルの表題に計画名がありません。どの計画に取り込むか "
        "--plan で指定してください / the file's title names no plan; name the plan to import "
        "into with --plan SLUG「other, saitama-dv-2」"
    )
    assert snapshot() == before
