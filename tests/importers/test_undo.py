"""remove_plan and revert_import: the database as it was, the search index in step."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from importers.loader import status_import
from importers.undo import UndoRefused, import_run_revert
from reports import search
from reports.models import Department, Municipality, Plan, Project
from reports.search.checks import check_search_index
from reports.search.text import parse_query
from tests.conftest import SEED_PLAN
from tests.importers.helpers import every_table
from tests.reports.html import main_of

PLAN = SEED_PLAN
SEARCH_INDEX = ("reports_searchblock", "reports_searchpostings")
"""Rewritten blocks carry new versions: the index is compared by what it finds."""


def found(*words: str) -> dict[str, list[int]]:
    """Each word's matches in every plan, best first."""
    return {
        word: [
            pk
            for plan in Plan.objects.order_by("pk")
            for pk in search.find(plan_id=plan.pk, query=parse_query(word)).ranked[:]
        ]
        for word in words
    }


WORDS = ("相談", "精神保健", "こころの相談課", "新しい取組", "DV", "男女共同参画課")


def written(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def a_changed_seed(
    seed_path, tmp_path, heading: str = "平成29年度実施状況", name: str = "changed.txt"
):
    """The seed with a status rewritten, a department renamed (the old one left
    unused), a reorganisation note dropped and a project renamed."""
    text = seed_path.read_text(encoding="utf-8").replace("平成29年度実施状況", heading)
    for old, new in (
        ("\t精神保健課", "\tこころの相談課"),
        ("危機管理課 (平成30年度より安心安全課から組織変更)", "男女共同参画課"),
        ("多重債務者への相談窓口の開設", "新しい取組として多重債務者への相談窓口の開設"),
        ("\t1 DVの防止・啓発\t", "\t1 DVの防止と啓発\t"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    return written(tmp_path, name, text)


def reverted_without_the_run(run_id: int) -> dict[str, list[str]]:
    """Every table but the search index's, the reverted run's row left out of ImportRun."""
    tables = every_table(leave_out=SEARCH_INDEX)
    tables["reports_importrun"] = [
        row for row in tables["reports_importrun"] if not row.startswith(f"({run_id},")
    ]
    return tables


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("heading", "removed"),
    [
        ("平成29年度実施状況", ["危機管理課", "安心安全課", "精神保健課"]),
        ("平成30年度実施状況", []),
    ],
)
def test_revert_puts_every_table_back_and_the_search_index_in_step(
    seeded, client, seed_path, tmp_path, heading, removed
):
    before, before_found = every_table(leave_out=SEARCH_INDEX), found(*WORDS)
    report = status_import(path=a_changed_seed(seed_path, tmp_path, heading), plan_slug=PLAN)
    run = report.import_run
    # Replacing the year's own table leaves three departments unused; another
    # year's leaves them listed in 2017.
    assert [c.label for c in report.changes if c.action == "removed"] == removed
    assert found(*WORDS) != before_found

    output = StringIO()
    call_command("revert_import", str(run.pk), stdout=output)

    assert reverted_without_the_run(run.pk) == before
    assert found(*WORDS) == before_found
    assert check_search_index() == []
    run.refresh_from_db()
    assert run.reverted_at is not None
    assert run.undo == {}
    assert run.statuses.count() == 0
    assert (
        output.getvalue()
        .splitlines()[-1]
        .startswith(
            f"取り込み記録 {run.pk}（changed.txt、{PLAN} {report.fiscal_year}年度）を取り消しました。戻した行: "
        )
    )
    # The history says what was reverted.
    rows = main_of(client.get("/data/")).one("table", cls="import-table").all("tr")
    assert rows[1].one("th").text == "changed.txt"
    assert rows[1].one("td", **{"data-label": "結果"}).text.startswith("取り消し済み（")


@pytest.mark.django_db
def test_revert_of_the_run_that_made_the_plan_removes_the_plan(db, seed_path):
    before = every_table()
    run = status_import(path=seed_path, plan_slug=PLAN).import_run
    departments = list(Department.objects.order_by("name").values_list("name", flat=True))
    assert len(departments) == 26

    output = StringIO()
    call_command("revert_import", str(run.pk), stdout=output)

    assert every_table() == before
    assert output.getvalue().splitlines() == [
        *(f"担当課を削除: {name}" for name in departments),
        f"取り込み記録 {run.pk}（saitama_dv2_H29_status.txt）はこの計画を作った取り込みなので、"
        f"計画「{PLAN}」ごと削除しました: 事業 57、実施状況 57、組織変更 5",
    ]


def refused_revert(run_id: int) -> str:
    before = every_table()
    with pytest.raises(UndoRefused) as raised:
        import_run_revert(run_id=run_id)
    assert every_table() == before
    return str(raised.value)


@pytest.mark.django_db
def test_only_the_latest_run_of_a_plan_and_year_is_reverted(seeded, seed_path, tmp_path):
    original = every_table(leave_out=SEARCH_INDEX)
    first = status_import(path=a_changed_seed(seed_path, tmp_path), plan_slug=PLAN).import_run
    second = status_import(path=seed_path, plan_slug=PLAN).import_run

    assert refused_revert(first.pk) == (
        f"取り込み記録 {first.pk}（changed.txt、{PLAN} 2017年度）の後に同じ計画・年度の取り込み "
        f"{second.pk}（saitama_dv2_H29_status.txt）があります。取り消せるのは計画・年度ごとに最新の"
        "取り込みだけです。先にそちらを取り消してください / import run "
        f"{first.pk} is not the latest of its plan and fiscal year: run {second.pk} "
        "(saitama_dv2_H29_status.txt) came after it; revert that one first"
    )
    # One after the other, newest first, they are undone.
    import_run_revert(run_id=second.pk)
    import_run_revert(run_id=first.pk)
    after = every_table(leave_out=SEARCH_INDEX)
    after["reports_importrun"] = [
        row
        for row in after["reports_importrun"]
        if not row.startswith((f"({first.pk},", f"({second.pk},"))
    ]
    assert after == original
    assert refused_revert(first.pk).startswith(
        f"取り込み記録 {first.pk}（changed.txt、{PLAN} 2017年度）は "
    )
    assert refused_revert(first.pk).endswith(
        f"に取り消し済みです / import run {first.pk} was already reverted"
    )


@pytest.mark.django_db
def test_a_run_is_not_reverted_over_a_later_change_of_a_row_it_wrote(seeded, seed_path, tmp_path):
    """Project 1's name, changed by the 2018 table, changed again by the 2019 one."""
    h30 = status_import(
        path=a_changed_seed(seed_path, tmp_path, "平成30年度実施状況", "h30.txt"), plan_slug=PLAN
    ).import_run
    text = seed_path.read_text(encoding="utf-8").replace("平成29年度実施状況", "令和元年度実施状況")
    status_import(path=written(tmp_path, "r1.txt", text), plan_slug=PLAN)

    assert refused_revert(h30.pk) == (
        f"取り込み記録 {h30.pk}（h30.txt、{PLAN} 2018年度）の後に、別の取り込みが事業（DVの防止・啓発）を"
        "変えています。後の取り込みを先に取り消してください / a later import changed a row import run "
        f"{h30.pk} wrote (project {Project.objects.get(plan__slug=PLAN, number=1).pk}); "
        "revert the later import first"
    )


@pytest.mark.django_db
def test_the_run_that_made_a_plan_is_not_reverted_while_a_later_run_uses_the_plan(
    db, seed_path, tmp_path
):
    first = status_import(path=seed_path, plan_slug=PLAN).import_run
    text = seed_path.read_text(encoding="utf-8").replace("平成29年度実施状況", "平成30年度実施状況")
    second = status_import(path=written(tmp_path, "h30.txt", text), plan_slug=PLAN).import_run

    assert refused_revert(first.pk) == (
        f"取り込み記録 {first.pk}（saitama_dv2_H29_status.txt、{PLAN} 2017年度）はこの計画に最初に"
        f"事業を入れた取り込みで、その後の取り込み {second.pk}（h30.txt、2018年度）がこの計画を使って"
        "います。先にそちらを取り消すか、計画ごと remove_plan で削除してください / import run "
        f"{first.pk} was the first to put projects into its plan, and run {second.pk} (h30.txt, "
        "2018) uses them: revert that one first, or remove the whole plan with remove_plan"
    )


@pytest.mark.django_db
def test_an_unknown_run_is_refused(seeded):
    assert (
        refused_revert(999999) == "取り込み記録 999999 はありません / there is no import run 999999"
    )
    with pytest.raises(CommandError) as raised:
        call_command("revert_import", "999999")
    assert str(raised.value) == "取り込み記録 999999 はありません / there is no import run 999999"


@pytest.mark.django_db
def test_remove_plan_removes_the_plan_and_leaves_the_other_plans_as_they_were(
    db, client, seed_path, tmp_path
):
    status_import(path=seed_path, plan_slug="other-plan")
    other = every_table(leave_out=SEARCH_INDEX)
    other_found = found(*WORDS)
    status_import(path=a_changed_seed(seed_path, tmp_path), plan_slug=PLAN)
    assert Department.objects.filter(name="こころの相談課").exists()

    output = StringIO()
    call_command("remove_plan", PLAN, yes=True, stdout=output)

    assert output.getvalue().splitlines() == [
        "担当課を削除: こころの相談課",
        f"計画「{PLAN}」（第2次さいたま市配偶者等からの暴力の防止及び被害者の支援に関する基本計画）を"
        "削除しました: 事業 57、実施状況 57、取り込み記録 1、担当課 1",
    ]
    assert every_table(leave_out=SEARCH_INDEX) == other
    assert found(*WORDS) == other_found
    assert check_search_index() == []
    assert client.get("/").status_code == 200
    assert client.get(f"/plans/{PLAN}/").status_code == 404


@pytest.mark.django_db
def test_remove_plan_asks_first_and_removes_nothing_when_told_no(seeded, monkeypatch):
    before = every_table()
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "n")
    with pytest.raises(CommandError) as raised:
        call_command("remove_plan", PLAN, stdout=StringIO())
    assert questions == [
        f"計画「{PLAN}」と、その事業 57・実施状況 57・取り込み記録 1 を削除します。よろしいですか？ [y/N] "
    ]
    assert str(raised.value) == "削除しませんでした / nothing was removed"
    assert every_table() == before


@pytest.mark.django_db
def test_remove_plan_names_the_plans_there_are(seeded):
    before = every_table()
    with pytest.raises(CommandError) as raised:
        call_command("remove_plan", "no-such-plan", yes=True)
    assert str(raised.value) == (
        f"計画「no-such-plan」はありません（ある計画: {PLAN}） / there is no plan 'no-such-plan' "
        f"(plans: {PLAN})"
    )
    assert every_table() == before


@pytest.mark.django_db
def test_revert_of_the_first_file_of_a_plan_made_beforehand_empties_the_plan(seeded, seed_path):
    """As ``load_fixtures`` makes plans: the plan first, from plans.toml, then its files."""
    Plan.objects.create(
        slug="made-first",
        title="先に作った計画",
        municipality=Municipality.objects.create(name="どこか市", slug="dokoka"),
    )
    before = every_table()
    run = status_import(path=seed_path, plan_slug="made-first").import_run
    # Shared rows only: the plan's, and the departments and reorganisations it
    # made in its municipality (another city's departments are its own).
    assert sorted(run.undo["rows"]) == ["department", "plan", "succession"]

    import_run_revert(run_id=run.pk)

    after = every_table()
    after["reports_importrun"] = [
        row for row in after["reports_importrun"] if not row.startswith(f"({run.pk},")
    ]
    assert after == before


@pytest.mark.django_db
def test_removing_the_only_plan_of_a_municipality_removes_the_municipality_and_its_departments(
    seeded, seed_path
):
    before = every_table(leave_out=SEARCH_INDEX)
    Plan.objects.create(
        slug="another-city",
        title="別の市の計画",
        municipality=Municipality.objects.create(name="別の市", slug="another-city"),
    )
    status_import(path=seed_path, plan_slug="another-city")
    # The other city's departments are its own, not Saitama's.
    assert Department.objects.filter(municipality__name="別の市").count() == 26

    call_command("remove_plan", "another-city", yes=True, stdout=StringIO())

    assert not Municipality.objects.filter(name="別の市").exists()
    assert every_table(leave_out=SEARCH_INDEX) == before
    assert check_search_index() == []
