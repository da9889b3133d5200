"""The loader against real PostgreSQL: one transaction, upserts, provenance."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from importers.loader import status_import
from importers.problems import ImportProblems
from reports.models import (
    AnnualStatus,
    BasicGoal,
    Department,
    DepartmentSuccession,
    ImportRun,
    Plan,
    PolicyDirection,
    Project,
    StatusDepartment,
)
from tests.importers.helpers import snapshot

PLAN = "saitama-dv-2"


def corrected_copy(seed_path, tmp_path, old: str, new: str):
    text = seed_path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "corrected.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_seed_loads_the_whole_plan(seed_path):
    report = status_import(path=seed_path, plan_slug=PLAN)

    plan = Plan.objects.get(slug=PLAN)
    assert plan.title == "第2次さいたま市配偶者等からの暴力の防止及び被害者の支援に関する基本計画"
    assert plan.aim == "配偶者等からの暴力の根絶と被害者の自立支援をすすめるまちづくり"
    assert BasicGoal.objects.filter(plan=plan).count() == 5
    assert PolicyDirection.objects.filter(goal__plan=plan).count() == 15
    assert Project.objects.filter(plan=plan).count() == 57
    assert AnnualStatus.objects.filter(fiscal_year=2017).count() == 57
    assert report.count("status", "added") == 57
    assert report.count("department", "added") == Department.objects.count() == 26


@pytest.mark.django_db
def test_departments_keep_their_order_and_predecessors(seed_path):
    status_import(path=seed_path, plan_slug=PLAN)

    status = AnnualStatus.objects.get(project__number=20, fiscal_year=2017)
    assert list(
        StatusDepartment.objects.filter(status=status).values_list("department__name", flat=True)
    ) == ["市民生活安全課", "観光国際課"]
    assert (
        status.departments_text
        == "市民生活安全課 (平成28年度より市民総務課から組織変更) 観光国際課"
    )
    links = sorted(
        DepartmentSuccession.objects.values_list(
            "predecessor__name", "successor__name", "effective_fiscal_year", "note"
        )
    )
    assert links == [
        ("住宅課", "住宅政策課", 2016, "(平成28年度より住宅課から組織変更)"),
        (
            "子育て支援政策課",
            "子ども家庭総合センター総務課",
            2018,
            "(平成30年度より子育て支援政策課から組織変更)",
        ),
        ("安心安全課", "危機管理課", 2018, "(平成30年度より安心安全課から組織変更)"),
        ("市民総務課", "市民生活安全課", 2016, "(平成28年度より市民総務課から組織変更)"),
        ("指導2課", "総合教育相談室", 2017, "(平成29年度より指導2課から組織変更)"),
    ]
    assert Department.objects.get(name="全庁").kind == Department.Kind.WHOLE_GOVERNMENT
    assert Department.objects.get(name="男女共同参画課").kind == Department.Kind.SECTION


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing_and_says_so(seed_path):
    status_import(path=seed_path, plan_slug=PLAN)
    before = snapshot()

    report = status_import(path=seed_path, plan_slug=PLAN)

    after = snapshot()
    runs = after.pop("ImportRun")
    before.pop("ImportRun")
    assert after == before
    assert report.unchanged
    assert len(runs) == 2
    run = report.import_run
    assert run.outcome == ImportRun.Outcome.UNCHANGED
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 0, 57)


@pytest.mark.django_db
def test_corrected_file_updates_in_place_and_lists_what_changed(seed_path, tmp_path):
    first = status_import(path=seed_path, plan_slug=PLAN).import_run
    status_id = AnnualStatus.objects.get(project__number=11).pk
    corrected = corrected_copy(
        seed_path, tmp_path, "（代表者会議1回、区会議12回）", "（代表者会議1回、区会議10回）"
    )

    report = status_import(path=corrected, plan_slug=PLAN)

    assert [(c.kind, c.action, c.label) for c in report.changes] == [
        ("status", "changed", "11 要保護児童対策地域協議会の開催（2017年度）")
    ]
    assert report.changes[0].diff == (
        "-要保護児童対策地域協議会を開催した（代表者会議1回、区会議12回）。\n"
        "+要保護児童対策地域協議会を開催した（代表者会議1回、区会議10回）。"
    )
    status = AnnualStatus.objects.get(project__number=11)
    assert status.pk == status_id
    assert status.status_text == "要保護児童対策地域協議会を開催した（代表者会議1回、区会議10回）。"
    assert status.import_run == report.import_run
    assert AnnualStatus.objects.get(project__number=12).import_run == first
    assert report.import_run.outcome == ImportRun.Outcome.LOADED
    assert report.import_run.updated_count == 1
    assert report.import_run.file_name == "corrected.txt"


@pytest.mark.django_db
def test_import_run_records_the_file(seed_path):
    import hashlib

    run = status_import(path=seed_path, plan_slug=PLAN).import_run
    assert run.file_name == "saitama_dv2_H29_status.txt"
    assert run.sha256 == hashlib.sha256(seed_path.read_bytes()).hexdigest()
    assert run.file_format == "tsv (utf-8)"
    assert run.fiscal_year == 2017
    assert run.row_count == 57
    # municipality, plan, goals, directions, departments, successions, projects, statuses
    assert run.created_count == 1 + 1 + 5 + 15 + 26 + 5 + 57 + 57
    assert run.started_at <= run.finished_at
    assert AnnualStatus.objects.get(project__number=1).source_row == 10


@pytest.mark.django_db
def test_dry_run_writes_nothing(seed_path):
    before = snapshot()
    report = status_import(path=seed_path, plan_slug=PLAN, dry_run=True)
    assert snapshot() == before
    assert report.count("project", "added") == 57
    assert report.import_run is None


@pytest.mark.django_db
def test_a_file_with_errors_changes_nothing(seed_path, tmp_path):
    status_import(path=seed_path, plan_slug=PLAN)
    before = snapshot()
    broken = corrected_copy(
        seed_path,
        tmp_path,
        "\t2 女性に対する暴力をなくす運動の周知",
        "\t1 女性に対する暴力をなくす運動の周知",
    )

    with pytest.raises(ImportProblems) as raised:
        status_import(path=broken, plan_slug=PLAN)

    assert [str(p) for p in raised.value.errors] == [
        "corrected.txt:-:11:-: エラー 事業番号 1 が重複しています（10 行目にもあります） / "
        "project number 1 appears twice (also on row 10)「女性に対する暴力をなくす運動の周知」",
        "corrected.txt:-:12:-: エラー 事業 2 がありません（事業 3 の前）。計画の事業をすべて載せるか、"
        "一部の事業だけの表なら --partial を付けてください / project(s) 2 missing (before project 3); "
        "a file holds every project of the plan; for a table of only some projects, use --partial"
        "「人権教育の推進」",
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_project_moved_to_another_direction_is_refused(seed_path, tmp_path):
    status_import(path=seed_path, plan_slug=PLAN)
    before = snapshot()
    # Project 3 starts direction 2 of goal I; shifting the label down a row
    # moves project 3 into direction 1.
    text = seed_path.read_text(encoding="utf-8")
    text = text.replace(
        "\t2 学校等における人権教育の推進\t3 人権教育の推進", "\t\t3 人権教育の推進"
    )
    text = text.replace(
        "\t\t4 学校人権教育研修会の支援",
        "\t2 学校等における人権教育の推進\t4 学校人権教育研修会の支援",
    )
    moved = tmp_path / "moved.txt"
    moved.write_text(text, encoding="utf-8")

    with pytest.raises(ImportProblems) as raised:
        status_import(path=moved, plan_slug=PLAN)

    assert [p.message_ja for p in raised.value.errors] == [
        "事業 3 は計画では 1-2 にありますが、このファイルでは 1-1 にあります"
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_command_reports_counts_and_fails_loudly(seed_path, tmp_path, capsys):
    call_command("import_status", str(seed_path), plan_slug=PLAN)
    out = capsys.readouterr().out
    assert (
        out.splitlines()[-1]
        == "saitama_dv2_H29_status.txt: 2017年度 57 事業、追加 167 件、変更 0 件"
    )

    call_command("import_status", str(seed_path))
    assert capsys.readouterr().out == (
        "saitama_dv2_H29_status.txt: 変更はありません（2017年度、57 事業） / no changes\n"
    )

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(CommandError, match="1 件のファイルを取り込めませんでした"):
        call_command("import_status", str(empty), plan_slug=PLAN)
    assert "empty.txt:-:-:-: エラー ファイルが空です / the file is empty" in capsys.readouterr().err


@pytest.mark.django_db
def test_fiscal_year_option_must_agree_with_the_file(seed_path):
    with pytest.raises(ImportProblems) as raised:
        status_import(path=seed_path, plan_slug=PLAN, fiscal_year=2018)
    assert [p.message_ja for p in raised.value.errors] == [
        "指定された年度 2018 とファイルの年度 2017 が違います"
    ]
    assert not Plan.objects.exists()
