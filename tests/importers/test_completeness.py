"""A file must hold every project of its plan, or say it is partial; a cell
cut short is refused; departments no status lists any more are removed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from importers.loader import status_import
from importers.problems import ImportProblems
from reports.models import Department, DepartmentSuccession, ImportRun
from tests.conftest import SEED_PLAN
from tests.importers.helpers import every_table, plan_contents
from tests.reports.html import main_of

PLAN = SEED_PLAN


def seed_lines(seed_path) -> list[str]:
    return seed_path.read_text(encoding="utf-8").split("\n")


def written(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path, **options) -> list[str]:
    """The errors importing ``path`` gives; asserts that no table changed."""
    before = every_table()
    with pytest.raises(ImportProblems) as raised:
        status_import(path=path, plan_slug=PLAN, **options)
    assert every_table() == before
    return [str(problem) for problem in raised.value.errors]


def the_seed_cut_in_project_29s_department_cell(seed_path, tmp_path):
    text = seed_path.read_text(encoding="utf-8")
    return written(
        tmp_path, "cut.txt", text[: text.index("消費生活総合センター") + len("消費生活総")]
    )


CUT_29 = (
    "cut.txt:-:40:-: エラー 事業 30〜57 がありません（ファイルは事業 29 で終わっています）。"
    "ファイルが途中で切れていないか確かめてください。一部の事業だけの表なら --partial を付けてください"
    " / project(s) 30–57 missing (the file ends at project 29): check that the file is not cut "
    "short; for a table of only some projects, use --partial「さいたま市多重債務者生活再建安心プログラムの実施」"
)
PREFIX_29 = (
    "cut.txt:-:40:-: エラー 担当課「消費生活総」は既にある担当課「消費生活総合センター」の途中までです。"
    "セルが途中で切れているか、読み違いではありませんか / the department '消費生活総' is the "
    "beginning of the known department '消費生活総合センター': is the cell cut short or misread?"
    "「消費生活総」"
)

LAST_29 = (
    "cut.txt:-:40:-: エラー 最後の行（事業 29）の担当課の欄は、取り込み済みの「消費生活総合センター」"
    "の途中までです。ファイルが途中で切れていないか確かめてください / the department cell of the "
    "last row (project 29) is the beginning of what the plan holds for it: check that the file is "
    "not cut short「消費生活総」"
)


@pytest.mark.django_db
def test_the_seed_cut_in_project_29s_department_cell_is_refused(seeded, seed_path, tmp_path):
    path = the_seed_cut_in_project_29s_department_cell(seed_path, tmp_path)
    assert refused(path) == [CUT_29, PREFIX_29, LAST_29]


@pytest.mark.django_db
def test_the_cut_seed_is_refused_even_as_a_partial_table(seeded, seed_path, tmp_path):
    path = the_seed_cut_in_project_29s_department_cell(seed_path, tmp_path)
    assert refused(path, partial=True) == [PREFIX_29, LAST_29]


@pytest.mark.django_db
def test_the_command_refuses_the_cut_seed_and_exits_non_zero(seeded, seed_path, tmp_path):
    path = the_seed_cut_in_project_29s_department_cell(seed_path, tmp_path)
    before = every_table()
    errors = StringIO()
    with pytest.raises(CommandError):
        call_command("import_status", str(path), plan_slug=PLAN, stdout=StringIO(), stderr=errors)
    assert errors.getvalue().splitlines() == [
        CUT_29,
        PREFIX_29,
        LAST_29,
        "cut.txt: 3 件のエラー。何も取り込んでいません / 3 error(s); nothing was imported",
    ]
    assert every_table() == before


@pytest.mark.django_db
def test_a_block_missing_in_the_middle_is_reported_before_the_project_after_it(
    seeded, seed_path, tmp_path
):
    lines = seed_lines(seed_path)
    # Rows 24–26 of the seed hold projects 15–17, inside one policy direction.
    assert [line.split("\t")[2][:3] for line in lines[23:26]] == ["15 ", "16 ", "17 "]
    path = written(tmp_path, "gap.txt", "\n".join(lines[:23] + lines[26:]))
    assert refused(path) == [
        "gap.txt:-:24:-: エラー 事業 15〜17 がありません（事業 18 の前）。計画の事業をすべて載せるか、"
        "一部の事業だけの表なら --partial を付けてください / project(s) 15–17 missing (before "
        "project 18); a file holds every project of the plan; for a table of only some projects, "
        "use --partial「住民相談事業」"
    ]
    # Said to be partial, the file is imported, and changes no text or department
    # of the projects it holds (the rows after the gap have new row numbers).
    before = plan_contents()
    report = status_import(path=path, plan_slug=PLAN, partial=True)
    assert report.changes == []
    after = plan_contents()
    assert after.pop("ImportRun")[-1] == (PLAN, 2017, "unchanged", 54, 0, 0, 14, "[]", "[]")
    before.pop("ImportRun")
    assert after == before


def seed_as_year(seed_path, heading: str, lines: slice | None = None) -> str:
    """The seed as another year's table, optionally only some of its rows."""
    text = seed_path.read_text(encoding="utf-8").replace("平成29年度実施状況", heading)
    if lines is None:
        return text
    return "\n".join(text.split("\n")[lines])


@pytest.mark.django_db
def test_a_partial_table_is_imported_and_its_year_shown_as_partial(
    seeded, client, seed_path, tmp_path
):
    # The preamble, the header and projects 1–3.
    path = written(tmp_path, "h30.txt", seed_as_year(seed_path, "平成30年度実施状況", slice(0, 12)))
    output = StringIO()
    call_command("import_status", str(path), plan_slug=PLAN, partial=True, stdout=output)

    assert output.getvalue().splitlines()[-2:] == [
        "h30.txt: 2018年度 3 事業、追加 3 件、変更 0 件",
        "h30.txt: 一部の事業のみの表として取り込みました（2018年度） / imported as a table of "
        "only some of the plan's projects",
    ]
    run = ImportRun.objects.get(fiscal_year=2018)
    assert run.partial is True
    note = "平成30年度（2018年度）: この年度の表は一部の事業のみです。表に載っていない事業には、その年度の実施状況がありません。"
    for url in ("/plans/saitama-dv-2/projects/1/", "/plans/saitama-dv-2/projects/40/"):
        main = main_of(client.get(url))
        assert main.all("p", cls="partial-note")[0].text == note
    page = main_of(client.get("/plans/saitama-dv-2/projects/1/"))
    sections = {s.one("h3").text: s for s in page.all("section", cls="status")}
    assert [p.text for p in sections["平成30年度（2018年度）"].all("p", cls="partial-note")] == [
        "この年度の表は一部の事業のみです。"
    ]
    assert sections["平成29年度（2017年度）"].all("p", cls="partial-note") == []
    assert (
        main_of(client.get("/plans/saitama-dv-2/goals/1/")).one("p", cls="partial-note").text
        == note
    )
    data = main_of(client.get("/data/"))
    rows = data.one("table", cls="import-table").all("tr")
    assert rows[1].one("td", **{"data-label": "結果"}).text == (
        "取り込み済み・この年度の表は一部の事業のみです"
    )
    assert rows[2].one("td", **{"data-label": "結果"}).text == "取り込み済み"

    # The whole table of that year, later, makes the year whole again.
    whole = written(tmp_path, "h30-whole.txt", seed_as_year(seed_path, "平成30年度実施状況"))
    status_import(path=whole, plan_slug=PLAN)
    assert main_of(client.get("/plans/saitama-dv-2/projects/1/")).all("p", cls="partial-note") == []


@pytest.mark.django_db
def test_partial_is_not_recorded_for_a_file_that_holds_every_project(seeded, seed_path, tmp_path):
    path = written(tmp_path, "h30.txt", seed_as_year(seed_path, "平成30年度実施状況"))
    report = status_import(path=path, plan_slug=PLAN, partial=True)
    assert report.import_run.partial is False


@pytest.mark.django_db
def test_a_new_department_is_listed_and_one_left_unused_is_removed(seeded, seed_path, tmp_path):
    text = seed_path.read_text(encoding="utf-8")
    assert text.count("精神保健課") == 1
    path = written(tmp_path, "renamed.txt", text.replace("\t精神保健課", "\tこころの相談課"))
    output = StringIO()
    call_command("import_status", str(path), plan_slug=PLAN, stdout=output)

    lines = output.getvalue().splitlines()
    assert "担当課を追加: こころの相談課" in lines
    assert "担当課を削除: 精神保健課" in lines
    assert lines[-2] == "内訳: 実施状況 変更 1、担当課 追加 1・削除 1"
    assert not Department.objects.filter(name="精神保健課").exists()
    assert Department.objects.filter(name="こころの相談課").exists()


@pytest.mark.django_db
def test_a_department_left_unused_goes_with_its_reorganisation_and_predecessor(
    seeded, client, seed_path, tmp_path
):
    text = seed_path.read_text(encoding="utf-8")
    note = "危機管理課 (平成30年度より安心安全課から組織変更)"
    assert text.count(note) == 1
    path = written(tmp_path, "renamed.txt", text.replace(note, "男女共同参画課"))
    report = status_import(path=path, plan_slug=PLAN)

    assert [c.label for c in report.changes if c.action == "removed"] == [
        "危機管理課",
        "安心安全課",
    ]
    assert not DepartmentSuccession.objects.filter(successor__name="危機管理課").exists()
    assert not Department.objects.filter(name__in=["危機管理課", "安心安全課"]).exists()
    names = [a.text for a in main_of(client.get("/departments/")).all("a")]
    assert "危機管理課" not in names
    assert client.get("/api/v1/departments/").status_code == 200
    assert "危機管理課" not in client.get("/api/v1/departments/").content.decode()


@pytest.mark.django_db
def test_a_department_made_by_an_earlier_bad_import_goes_when_the_good_file_is_imported(
    seeded, seed_path
):
    """The database as the cut seed used to leave it: 「消費生活総」 on project 29's status."""
    from reports.models import AnnualStatus, StatusDepartment

    status = AnnualStatus.objects.get(project__number=29, fiscal_year=2017)
    cut = Department.objects.create(
        name="消費生活総", municipality=status.project.plan.municipality
    )
    StatusDepartment.objects.filter(status=status).update(department=cut)
    status.departments_text = "消費生活総"
    status.save(update_fields=["departments_text"])

    report = status_import(path=seed_path, plan_slug=PLAN)

    assert [(c.kind, c.action, c.label) for c in report.changes] == [
        ("status", "changed", "29 さいたま市多重債務者生活再建安心プログラムの実施（2017年度）"),
        ("department", "removed", "消費生活総"),
    ]
    assert not Department.objects.filter(name="消費生活総").exists()


@pytest.mark.django_db
def test_a_reorganisation_note_cut_before_its_bracket_closes_is_refused(
    seeded, seed_path, tmp_path
):
    text = seed_path.read_text(encoding="utf-8")
    end = text.index("(平成30年度より安心安全課から") + len("(平成30年度より安心安全課から")
    path = written(tmp_path, "cut.txt", text[:end])
    assert refused(path, partial=True) == [
        "cut.txt:-:66:F: エラー 担当課の欄の括弧が閉じていません（セルが途中で切れていませんか） / a "
        "bracket in the department cell is not closed (is the cell cut short?)"
        "「危機管理課 (平成30年度より安心安全課から」",
        "cut.txt:-:66:-: エラー 最後の行（事業 53）の担当課の欄は、取り込み済みの「危機管理課 "
        "(平成30年度より安心安全課から組織変更)」の途中までです。ファイルが途中で切れていないか"
        "確かめてください / the department cell of the last row (project 53) is the beginning of "
        "what the plan holds for it: check that the file is not cut short"
        "「危機管理課 (平成30年度より安心安全課から」",
    ]
