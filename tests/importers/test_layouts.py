"""The seed's 57 projects, laid out again in each form cities publish, import to
the identical database."""

import pytest
from django.db import transaction

from importers.loader import status_import
from importers.normaliser import normalise
from importers.readers import read_table
from tests.importers.helpers import (
    plan_contents,
    seed_as_cp932_csv,
    seed_as_merged_workbook,
    seed_as_sheet_per_goal,
)

PLAN = "saitama-dv-2"
LAYOUTS = {
    "merged.xlsx": (seed_as_merged_workbook, "xlsx"),
    "per-goal.xlsx": (seed_as_sheet_per_goal, "xlsx"),
    "cp932.csv": (seed_as_cp932_csv, "csv (cp932)"),
}


def _imported(path) -> dict[str, list[tuple]]:
    """What importing one file into an empty database gives; rolled back after."""
    with transaction.atomic():
        status_import(path=path, plan_slug=PLAN)
        contents = plan_contents()
        transaction.set_rollback(True)
    return contents


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(LAYOUTS))
def test_seed_laid_out_again_imports_to_the_identical_database(seed_path, tmp_path, name):
    build, file_format = LAYOUTS[name]
    seed_table, _ = normalise(read_table(seed_path))
    path = build(seed_table, tmp_path / name)
    assert read_table(path).file_format == file_format

    expected = _imported(seed_path)
    actual = _imported(path)

    assert len(expected["Project"]) == 57
    assert len(expected["AnnualStatus"]) == 57
    assert actual == expected


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_seed_laid_out_again_reads_to_the_same_records(seed_path, tmp_path, name):
    build, _ = LAYOUTS[name]
    seed_table, _ = normalise(read_table(seed_path))
    path = build(seed_table, tmp_path / name)

    table, problems = normalise(read_table(path))

    assert problems == []
    assert table.fiscal_year == 2017
    assert [(g.number, g.title) for g in table.goals] == [
        (g.number, g.title) for g in seed_table.goals
    ]
    assert [(d.goal_number, d.number, d.title) for d in table.directions] == [
        (d.goal_number, d.number, d.title) for d in seed_table.directions
    ]
    assert [
        (p.number, p.goal_number, p.direction_number, p.name, p.content, p.status_text)
        for p in table.projects
    ] == [
        (p.number, p.goal_number, p.direction_number, p.name, p.content, p.status_text)
        for p in seed_table.projects
    ]
    assert [p.departments for p in table.projects] == [p.departments for p in seed_table.projects]
