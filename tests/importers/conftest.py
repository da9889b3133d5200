"""The PDFs the importer tests read, printed once per test run (LibreOffice
takes seconds to start): ``printed_pdfs``."""

from pathlib import Path

import pytest

from importers.normaliser import normalise
from importers.readers import read_table
from tests.conftest import SEED
from tests.importers.helpers import (
    HEADER,
    ROWS,
    seed_as_cp932_csv,
    seed_as_merged_workbook,
    seed_as_sheet_per_goal,
)
from tests.importers.printed import print_to_pdf, set_up_for_printing, with_typed_breaks
from tests.synthetic import write_xlsx


def _unruled_workbook(table, path: Path) -> Path:
    """The CSV layout (labels on a block's first row only, columns in another
    order) as a workbook printed without ruling lines."""
    rows = [
        list(row.cells)
        for row in read_table(seed_as_cp932_csv(table, path.with_suffix(".csv"))).rows
    ]
    return write_xlsx(path, {"実施状況": rows})


def _unnumbered_workbook(path: Path) -> Path:
    """Three projects, the second without its number: an error with its place."""
    rows = [HEADER, *[list(row) for row in ROWS]]
    rows[2][2] = rows[2][2].split(" ", 1)[1]
    return write_xlsx(path, {"実施状況": rows})


@pytest.fixture(scope="session")
def printed_pdfs(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Each test workbook and the PDF LibreOffice printed from it, by name:

    - ``merged``: goal and direction cells merged down their blocks, the seed's
      57 projects over eleven landscape A4 pages (blocks and their labels cut by
      page breaks), typed line breaks and Latin words in two statuses;
    - ``per-goal``: a sheet per goal, each a table with its goal's heading
      above it, on portrait A3;
    - ``unruled``: no ruling lines, labels on a block's first row only;
    - ``unnumbered``: a project without its number.
    """
    directory = tmp_path_factory.mktemp("printed")
    seed, _ = normalise(read_table(SEED))
    workbooks = {
        "merged": set_up_for_printing(
            seed_as_merged_workbook(with_typed_breaks(seed), directory / "merged.xlsx"),
            widths=[12, 14, 18, 36, 42, 12],
        ),
        "per-goal": set_up_for_printing(
            seed_as_sheet_per_goal(seed, directory / "per-goal.xlsx"),
            widths=[11, 12, 6, 14, 18, 30, 36, 12],
            landscape=False,
            a3=True,
        ),
        "unruled": set_up_for_printing(
            _unruled_workbook(seed, directory / "unruled.xlsx"),
            widths=[18, 12, 14, 12, 36, 42],
            ruled=False,
            top_aligned=True,
        ),
        "unnumbered": set_up_for_printing(
            _unnumbered_workbook(directory / "unnumbered.xlsx"),
            widths=[12, 14, 18, 20, 20, 12],
        ),
    }
    pdfs = print_to_pdf(list(workbooks.values()), directory)
    return {
        name: (workbook, pdf) for (name, workbook), pdf in zip(workbooks.items(), pdfs, strict=True)
    }
