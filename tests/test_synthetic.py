"""The synthetic-data builder (tests/synthetic.py) writes the plan it is given,
and the workbook it lays out imports to the same rows."""

import random

import pytest

from importers.loader import status_import
from reports.models import AnnualStatus, DepartmentSuccession, Plan, StatusDepartment
from tests.importers.helpers import plan_contents
from tests.reports.html import main_of
from tests.synthetic import (
    ProjectRow,
    StatusRow,
    Succession,
    SyntheticPlan,
    sentence,
    spread,
    vocabulary,
    write_plan,
    write_workbook,
)

DEPARTMENTS = ["第1課", "第2課", "第3課", "旧第3課"]
NOTE = "（平成30年度より旧第3課から組織変更）"


def small_plan() -> SyntheticPlan:
    """Ten projects under two goals of two directions, their 2019 statuses
    listing one or two departments; 第3課 took over from 旧第3課 in 2018."""
    rng = random.Random(5)
    words = vocabulary(rng, 50)
    listed = [(0,), (1, 0), (2,)]
    return SyntheticPlan(
        slug="small",
        title="小さな計画",
        goals={1: "目標一", 2: "目標二"},
        directions={(1, 1): "方向一", (1, 2): "方向二", (2, 1): "方向三", (2, 2): "方向四"},
        projects=[
            ProjectRow(number, goal, direction, sentence(rng, words, 2), sentence(rng, words, 4))
            for number, goal, direction in spread(10, 2, 2)
        ],
        statuses=[
            StatusRow(
                number,
                2019,
                sentence(rng, words, 6),
                departments=listed[number % 3],
                departments_text=" ".join(DEPARTMENTS[d] for d in listed[number % 3])
                + (NOTE if listed[number % 3] == (2,) else ""),
            )
            for number in range(1, 11)
        ],
        departments=DEPARTMENTS,
        successions=[Succession(2, 3, 2018, NOTE)],
    )


def rows() -> dict[str, list[tuple]]:
    """Every table by natural keys, and the search documents; the plan's own
    fields and the import runs are not in the description."""
    contents = plan_contents()
    del contents["Plan"], contents["ImportRun"]
    contents["StatusSearchDocument"] = sorted(
        AnnualStatus.objects.values_list("project__number", "search_document__text")
    )
    return contents


@pytest.mark.django_db
def test_a_plan_is_written_as_described(client):
    plan = write_plan(small_plan())

    assert Plan.objects.get() == plan
    assert list(plan.goals.values_list("number", "title")) == [(1, "目標一"), (2, "目標二")]
    # Ten projects in blocks of three over the four directions, the last one short.
    placed = plan.projects.values_list("number", "direction__goal__number", "direction__number")
    assert [(goal, direction) for _, goal, direction in placed] == (
        [(1, 1)] * 3 + [(1, 2)] * 3 + [(2, 1)] * 3 + [(2, 2)]
    )
    assert list(
        StatusDepartment.objects.filter(status__project__number=4).values_list(
            "position", "department__name"
        )
    ) == [(1, "第2課"), (2, "第1課")]
    assert list(
        DepartmentSuccession.objects.values_list(
            "successor__name", "predecessor__name", "effective_fiscal_year", "note"
        )
    ) == [("第3課", "旧第3課", 2018, NOTE)]
    # Searchable: the index was written too.
    word = AnnualStatus.objects.get(project__number=7).status_text[:4]
    found = main_of(client.get("/plans/small/statuses/", {"q": word}))
    assert "/plans/small/projects/7/" in [h3.links()[0][1] for h3 in found.all("h3")]


@pytest.mark.django_db
def test_its_workbook_imports_to_the_rows_written_with_copy(tmp_path, saved_empty):
    write_plan(small_plan())
    written = rows()
    saved_empty.restore()
    path = write_workbook(
        small_plan(),
        tmp_path / "small.xlsx",
        heading="小さな計画",
        status_heading="令和元年度実施状況",
    )

    status_import(path=path, plan_slug="small")

    assert rows() == written
