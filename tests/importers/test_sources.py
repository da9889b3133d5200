"""The municipality's own publication of each year's table (fixtures/plans.toml's
[[plan.source]]): loaded with the plan, cited as the source of that year's statuses."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from reports.models import SourceDocument
from tests.importers.helpers import every_table
from tests.reports.html import main_of

PLAN = "saitama-dv-2"
TITLE = "第2次さいたま市配偶者等からの暴力の防止及び被害者の支援に関する基本計画"
MANIFEST = f"""
[[plan]]
slug = "{PLAN}"
title = "{TITLE}"
municipality = "さいたま市"
first_fiscal_year = 2016
last_fiscal_year = 2020
files = ["seed.txt"]
city_url = "https://city.example.jp/plan/"
"""


def _load(tmp_path: Path, seed_path: Path, sources: str) -> None:
    shutil.copy(seed_path, tmp_path / "seed.txt")
    (tmp_path / "plans.toml").write_text(MANIFEST + sources, encoding="utf-8")
    (tmp_path / "corrections.toml").write_text("", encoding="utf-8")
    call_command(
        "load_fixtures",
        manifest=tmp_path / "plans.toml",
        corrections=tmp_path / "corrections.toml",
        stdout=StringIO(),
    )
    cache.clear()


@pytest.mark.django_db
def test_a_years_statuses_cite_the_citys_document_with_its_address_and_date(
    client, tmp_path, seed_path
):
    _load(
        tmp_path,
        seed_path,
        """
[[plan.source]]
fiscal_year = 2017
title = "平成29年度実施状況"
url = "https://city.example.jp/plan/h29.pdf"
published = 2018-09-28
""",
    )
    project = main_of(client.get(f"/plans/{PLAN}/projects/1/"))
    provenance = project.one("p", cls="provenance")
    assert provenance.text == (
        "出典: さいたま市「平成29年度実施状況」（平成29年度（2017年度）分、2018年9月28日公表）。"
        "取り込んだファイル seed.txt の 10 行目"
    )
    assert provenance.links() == [
        ("さいたま市「平成29年度実施状況」", "https://city.example.jp/plan/h29.pdf")
    ]
    search = main_of(client.get(f"/plans/{PLAN}/statuses/?q=%E7%9B%B8%E8%AB%87"))
    assert search.all("p", cls="provenance")[0].text.startswith(
        "出典: さいたま市「平成29年度実施状況」"
    )
    about = main_of(client.get("/about/"))
    assert about.one("ul", cls="source-documents").texts("li") == [
        "平成29年度（2017年度）の実施状況: 「平成29年度実施状況」（2018年9月28日公表）"
    ]
    assert ("さいたま市の計画のページ", "https://city.example.jp/plan/") in about.links()
    assert ("さいたま市の計画のページ", "https://city.example.jp/plan/") in main_of(
        client.get(f"/plans/{PLAN}/")
    ).links()
    assert client.get(f"/api/v1/plans/{PLAN}/").json()["source_documents"] == [
        {
            "fiscal_year": 2017,
            "title": "平成29年度実施状況",
            "url": "https://city.example.jp/plan/h29.pdf",
            "published_on": "2018-09-28",
        }
    ]


@pytest.mark.django_db
def test_a_year_without_a_document_is_cited_by_the_imported_file(client, tmp_path, seed_path):
    _load(tmp_path, seed_path, "")
    provenance = main_of(client.get(f"/plans/{PLAN}/projects/1/")).one("p", cls="provenance")
    assert provenance.text == "出典: seed.txt の 10 行目"
    assert provenance.links() == []


@pytest.mark.django_db
def test_a_document_left_out_of_the_manifest_is_removed(tmp_path, seed_path):
    two = """
[[plan.source]]
fiscal_year = 2016
title = "平成28年度実施状況"

[[plan.source]]
fiscal_year = 2017
title = "平成29年度実施状況"
"""
    _load(tmp_path, seed_path, two)
    assert list(SourceDocument.objects.values_list("fiscal_year", "title")) == [
        (2016, "平成28年度実施状況"),
        (2017, "平成29年度実施状況"),
    ]
    _load(tmp_path, seed_path, two.split("\n\n")[1])
    assert list(SourceDocument.objects.values_list("fiscal_year", "title")) == [
        (2017, "平成29年度実施状況"),
    ]


@pytest.mark.django_db
def test_every_bad_entry_is_named_and_nothing_changes(tmp_path, seed_path):
    _load(tmp_path, seed_path, '[[plan.source]]\nfiscal_year = 2017\ntitle = "前の資料"\n')
    before = every_table()
    bad = """
[[plan.source]]
fiscal_year = 2025
title = "期間の外"

[[plan.source]]
title = "年度なし"
url = "city.example.jp/x.pdf"

[[plan.source]]
fiscal_year = 2017
title = ""
published = 2018-09-28T10:00:00

[[plan.source]]
fiscal_year = 2017
title = "二度目"
published = "2018年9月28日"
page = 3
"""
    with pytest.raises(CommandError) as refused:
        _load(tmp_path, seed_path, bad)
    place = "plans.toml: saitama-dv-2 の source"
    assert str(refused.value).splitlines() == [
        f"{place} 1 件目: 2025 年度は計画期間（2016〜2020）の外です",
        f"{place} 2 件目: fiscal_year（西暦の年度）がありません",
        f"{place} 2 件目: url は http:// か https:// で始まるアドレスにしてください",
        f"{place} 3 件目: title（資料名）がありません",
        f"{place} 3 件目: published は日付（例: 2024-04-01、引用符なし）にしてください",
        f"{place} 4 件目: 2017 年度が二度あります",
        f"{place} 4 件目: published は日付（例: 2024-04-01、引用符なし）にしてください",
        f"{place} 4 件目: 知らない項目 page",
    ]
    assert every_table() == before
