"""Property: the seed cut short anywhere (at a byte, a line or a cell) is either
refused, changing nothing, or imports exactly the rows it holds; it never
changes the status of the row it cuts.

A seeded loop rather than a property-testing library: the cases are the same
on every run, so a failure names its cut, and thirty imports stay within
seconds. Each case runs in a savepoint rolled back afterwards."""

import random

import pytest
from django.db import transaction

from importers.loader import status_import
from importers.problems import ImportProblems
from reports.models import AnnualStatus
from tests.conftest import SEED_PLAN
from tests.importers.helpers import every_table

CASES = 30
SEED = 20171
FIRST_DATA_LINE = 10
"""The seed's first project row (after the title, the aim and the header)."""


def cuts(data: bytes) -> list[tuple[str, int]]:
    """Where each case cuts the seed: at a random byte (perhaps inside a
    character), at the end of a random line, at a cell boundary, or inside a
    cell of a random row, the columns taken in turn (name, content, status,
    departments) so that every kind of cell is cut."""
    start = sum(len(line) + 1 for line in data.split(b"\n")[: FIRST_DATA_LINE - 1])
    lines = [i for i, byte in enumerate(data) if byte == ord("\n") and i >= start]
    cells = [i for i, byte in enumerate(data) if byte == ord("\t") and i >= start]
    rows = []
    offset = 0
    for line in data.split(b"\n"):
        if offset >= start and line.count(b"\t") == 5:
            rows.append((offset, line))
        offset += len(line) + 1
    rng = random.Random(SEED)
    chosen = []
    for case in range(CASES):
        kind = ("byte", "line", "cell boundary", "inside a cell")[case % 4]
        if kind == "byte":
            chosen.append((kind, rng.randrange(start, len(data) + 1)))
        elif kind == "line":
            chosen.append((kind, rng.choice(lines)))
        elif kind == "cell boundary":
            chosen.append((kind, rng.choice(cells) + rng.choice((0, 1))))
        else:
            row_start, row = rng.choice(rows)
            column = 2 + (case // 4) % 4
            cell_start = row_start + sum(len(cell) + 1 for cell in row.split(b"\t")[:column])
            text = row.split(b"\t")[column].decode()
            characters = rng.randrange(1, len(text) + 1)
            chosen.append(
                (f"{kind} (column {column})", cell_start + len(text[:characters].encode()))
            )
    return chosen


def imported(path, **options) -> bool:
    try:
        status_import(path=path, plan_slug=SEED_PLAN, **options)
    except ImportProblems:
        return False
    return True


@pytest.mark.django_db
def test_a_cut_seed_is_refused_or_imports_exactly_the_rows_it_holds(seeded, seed_path, tmp_path):
    data = seed_path.read_bytes()
    before = every_table()
    without_runs = every_table(leave_out=("reports_importrun",))
    statuses_2017 = {
        number: (status_text, departments_text)
        for number, status_text, departments_text in AnnualStatus.objects.filter(
            fiscal_year=2017
        ).values_list("project__number", "status_text", "departments_text")
    }
    outcomes = {"refused": 0, "same year": 0, "new year": 0}
    for case, (kind, at) in enumerate(cuts(data)):
        cut = data[:at]
        where = f"case {case}: cut at {kind} {at}"
        # The same year: every row it holds is already there, as it is.
        same_year = tmp_path / f"cut-{case}.txt"
        same_year.write_bytes(cut)
        with transaction.atomic():
            # Partial, mostly: a whole-table import refuses any cut but the last row's.
            if imported(same_year, partial=case % 5 != 0):
                outcomes["same year"] += 1
                assert every_table(leave_out=("reports_importrun",)) == without_runs, where
            else:
                outcomes["refused"] += 1
                assert every_table() == before, where
            transaction.set_rollback(True)
        # Another year, said to be partial: the statuses it makes are those of
        # the rows it holds, the cut row's at most a beginning of its whole cell.
        new_year = tmp_path / f"cut-{case}-h30.txt"
        new_year.write_bytes(
            cut.replace("平成29年度実施状況".encode(), "平成30年度実施状況".encode())
        )
        with transaction.atomic():
            if imported(new_year, partial=True):
                outcomes["new year"] += 1
                made = dict(
                    (number, (status_text, departments_text))
                    for number, status_text, departments_text in AnnualStatus.objects.filter(
                        fiscal_year=2018
                    ).values_list("project__number", "status_text", "departments_text")
                )
                assert sorted(made) == list(range(1, len(made) + 1)), where
                last = max(made)
                for number, (status_text, departments_text) in made.items():
                    whole_status, whole_departments = statuses_2017[number]
                    assert status_text == whole_status, where
                    if number == last:
                        assert whole_departments.startswith(departments_text), where
                    else:
                        assert departments_text == whole_departments, where
                tables = every_table(leave_out=("reports_importrun",))
                for table in (
                    "reports_plan",
                    "reports_basicgoal",
                    "reports_policydirection",
                    "reports_project",
                    "reports_department",
                    "reports_departmentsuccession",
                    "reports_correction",
                ):
                    assert tables[table] == without_runs[table], (where, table)
            else:
                assert every_table() == before, where
            transaction.set_rollback(True)
    # The loop met both outcomes.
    assert outcomes["refused"] > 0 and outcomes["same year"] > 0 and outcomes["new year"] > 0, (
        outcomes
    )
