"""The whole-dataset downloads, imported into an empty database, give back the same database.

Compared table by table on everything but surrogate ids and the import's
bookkeeping (ImportRun rows, and each status's import run and source row,
which name the file it was last imported from). Plans are compared on every
field the downloads carry: slug, title, municipality, aim and period (the city's
page for the plan and its source documents come from fixtures/plans.toml).
"""

import csv
import io
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.test import Client

from importers.exported import split_exported
from importers.loader import exported_import, status_import_years
from importers.problems import ImportProblems
from importers.readers import SourceRow, SourceTable
from reports.cells import neutralise, unneutralise
from reports.models import (
    AnnualStatus,
    BasicGoal,
    Department,
    DepartmentSuccession,
    ImportRun,
    Municipality,
    Plan,
    PolicyDirection,
    Project,
    StatusDepartment,
)
from tests.importers.helpers import snapshot


def database_contents() -> dict[str, list[tuple]]:
    return {
        # Every field but the city's page for the plan, which comes from the
        # manifest (fixtures/plans.toml) with the plan's source documents, not
        # from a status table.
        "plans": sorted(
            Plan.objects.values_list(
                *(f.name for f in Plan._meta.concrete_fields if f.name not in ("id", "city_url"))
            )
        ),
        "goals": sorted(BasicGoal.objects.values_list("plan__slug", "number", "title")),
        "directions": sorted(
            PolicyDirection.objects.values_list(
                "goal__plan__slug", "goal__number", "number", "title"
            )
        ),
        "projects": sorted(
            Project.objects.values_list(
                "plan__slug",
                "number",
                "name",
                "content",
                "direction__goal__number",
                "direction__number",
            )
        ),
        "statuses": sorted(
            AnnualStatus.objects.values_list(
                "project__plan__slug",
                "project__number",
                "fiscal_year",
                "status_text",
                "departments_text",
            )
        ),
        "status_departments": sorted(
            StatusDepartment.objects.values_list(
                "status__project__plan__slug",
                "status__project__number",
                "status__fiscal_year",
                "position",
                "department__name",
            )
        ),
        "departments": sorted(Department.objects.values_list("name", "kind")),
        "successions": sorted(
            DepartmentSuccession.objects.values_list(
                "successor__name", "predecessor__name", "effective_fiscal_year", "note"
            )
        ),
    }


def empty_database() -> None:
    for model in (
        StatusDepartment,
        AnnualStatus,
        ImportRun,
        Project,
        PolicyDirection,
        BasicGoal,
        Plan,
        DepartmentSuccession,
        Department,
    ):
        model.objects.all().delete()
    assert all(not rows for rows in database_contents().values())


@pytest.fixture
def two_years_with_formulas(seeded, seed_path, tmp_path):
    """The seed, a second year in which a status begins with "=" and another with "'",
    so the round trip covers several years and the formula neutralisation; the
    plan has a municipality, an aim and a period, which the downloads carry."""
    text = seed_path.read_text(encoding="utf-8").replace("平成29年度実施状況", "平成30年度実施状況")
    later = tmp_path / "status_2018.txt"
    later.write_text(text, encoding="utf-8")
    from django.core.management import call_command

    call_command("import_status", str(later), plan_slug="saitama-dv-2", stdout=io.StringIO())
    AnnualStatus.objects.filter(project__number=1, fiscal_year=2018).update(
        status_text="=1+1 と書かれた実施状況"
    )
    AnnualStatus.objects.filter(project__number=2, fiscal_year=2018).update(
        status_text="'引用符で始まる実施状況"
    )
    Plan.objects.filter(slug="saitama-dv-2").update(
        aim="=男女が互いに尊重し合い、\n暴力のない社会の実現",
        first_fiscal_year=2016,
        last_fiscal_year=2020,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".csv", "-excel.csv", ".xlsx", ".json"])
def test_whole_dataset_download_imports_back_to_the_same_database(
    two_years_with_formulas, tmp_path, suffix
):
    before = database_contents()
    assert len(before["statuses"]) == 114
    assert len(before["successions"]) == 5
    path = tmp_path / f"all_statuses{suffix}"
    path.write_bytes(Client().get(f"/data/statuses{suffix}").getvalue())

    empty_database()
    # Recognised by its header: no --plan, no --exported.
    reports = status_import_years(path=Path(path))

    assert [(r.plan_slug, r.fiscal_year, r.row_count) for r in reports] == [
        ("saitama-dv-2", 2018, 57),
        ("saitama-dv-2", 2017, 57),
    ]
    assert database_contents() == before


def test_split_takes_the_neutralising_apostrophe_off_every_cell():
    header = ("計画ID", "計画名", "年度", "実施状況")
    source = SourceTable(
        "x.csv",
        "csv (utf-8)",
        [
            SourceRow(None, 1, header),
            SourceRow(None, 2, ("p", "計画", "2018", neutralise("=A1"))),
            SourceRow(None, 3, ("p", "計画", "2017", neutralise("'a"))),
            SourceRow(None, 4, ("p", "計画", "2018", neutralise("b"))),
        ],
    )
    parts = split_exported(source)
    assert [(p.plan_slug, p.fiscal_year, [r.cells for r in p.source.rows]) for p in parts] == [
        ("p", 2018, [("計画",), header, ("p", "計画", "2018", "=A1"), ("p", "計画", "2018", "b")]),
        ("p", 2017, [("計画",), header, ("p", "計画", "2017", "'a")]),
    ]
    assert unneutralise("''a") == "'a"


def test_a_file_that_is_not_a_download_is_not_split():
    source = SourceTable("x.csv", "csv (utf-8)", [SourceRow(None, 1, ("事業名称", "実施状況"))])
    assert split_exported(source) is None


@pytest.mark.django_db
def test_importing_a_city_table_as_a_download_is_refused(seed_path):
    with pytest.raises(ImportProblems) as raised:
        exported_import(path=seed_path)
    assert [str(p) for p in raised.value.problems] == [
        "saitama_dv2_H29_status.txt:-:-:-: エラー このサイトからダウンロードした形式ではありません"
        "（1行目に計画ID・計画名・年度の列がありません） / not one of this site's downloads: "
        "the first row has no 計画ID, 計画名 and 年度 columns"
    ]


@pytest.mark.django_db
def test_import_status_exported_reads_a_download_back(two_years_with_formulas, tmp_path):
    from django.core.management import call_command

    before = database_contents()
    path = tmp_path / "all_statuses.csv"
    path.write_bytes(Client().get("/data/statuses.csv").getvalue())
    empty_database()
    out = io.StringIO()
    call_command("import_status", str(path), stdout=out)
    assert database_contents() == before
    assert [line for line in out.getvalue().splitlines() if line.startswith("all_statuses")] == [
        # plan 1, goals 5, directions 15, projects 57, statuses 57, departments 26,
        # reorganisations 5 (the municipality is kept by empty_database)
        "all_statuses.csv: 2018年度 57 事業、追加 166 件、変更 0 件",
        "all_statuses.csv: 2017年度 57 事業、追加 57 件、変更 0 件",
    ]
    # --exported is accepted and changes nothing; a dry run writes nothing.
    call_command("import_status", str(path), "--exported", "--dry-run", stdout=io.StringIO())
    assert database_contents() == before
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_status", str(path), plan_slug="other", stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        "all_statuses.csv:-:-:-: エラー このサイトからダウンロードしたファイルは計画と年度を自分で示すので、"
        "--plan・--fiscal-year は使えません / this file is one of this site's downloads and "
        "names its plans and years; --plan and --fiscal-year do not apply",
        "all_statuses.csv: 1 件のエラー。何も取り込んでいません / 1 error(s); nothing was imported",
    ]
    assert database_contents() == before


@pytest.mark.django_db
def test_a_download_sets_the_plan_fields_of_an_existing_plan(seeded, tmp_path):
    """An empty period is an empty cell, read back as no year; a plan already in
    the database takes its municipality, aim and period from the file."""
    Plan.objects.update(first_fiscal_year=None, last_fiscal_year=None)
    before = database_contents()
    path = tmp_path / "all_statuses.csv"
    path.write_bytes(Client().get("/data/statuses.csv").getvalue())
    header, first = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[:2]
    assert dict(zip(header, first, strict=True))["計画期間（初年度）"] == ""
    assert dict(zip(header, first, strict=True))["計画期間（最終年度）"] == ""

    elsewhere = Municipality.objects.create(name="別の市", slug="elsewhere")
    Plan.objects.update(municipality=elsewhere, aim="別の目標", first_fiscal_year=2000)
    reports = exported_import(path=Path(path))

    assert database_contents() == before
    assert [str(c) for c in reports[0].changes if c.kind == "plan"] == [
        "計画を変更: saitama-dv-2 自治体\n-別の市\n+さいたま市",
        "計画を変更: saitama-dv-2 計画の目標\n-別の目標\n"
        "+配偶者等からの暴力の根絶と被害者の自立支援をすすめるまちづくり",
        "計画を変更: saitama-dv-2 計画期間（初年度）\n-2000",
    ]


@pytest.mark.django_db
def test_a_download_with_a_municipality_name_too_long_is_refused(seeded, tmp_path):
    rows = list(csv.reader(io.StringIO(Client().get("/data/statuses.csv").getvalue().decode())))
    at = rows[0].index("自治体")
    name = "長" * 80 + "市"
    for row in rows[1:]:
        row[at] = name
    path = tmp_path / "all_statuses.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    before = snapshot()

    with pytest.raises(ImportProblems) as raised:
        status_import_years(path=path)

    assert [str(p) for p in raised.value.errors] == [
        "all_statuses.csv:-:-:-: エラー 自治体の名称が長すぎます（81 字、上限 80 字） / "
        f"the municipality's name is too long (81 characters, at most 80)「{'長' * 57}…」"
    ]
    assert snapshot() == before
