"""PDFs made the way cities make them: a workbook printed to PDF by LibreOffice.

The workbooks are the ones the other layout tests import (``helpers``), set up
for printing as a clerk would: a print area, the header row repeated at the top
of every page (print titles), wrapped text, row heights that fit it, landscape
or portrait, A4 or A3, with or without ruling lines. ``print_to_pdf`` prints
any number of them with one LibreOffice run (its start costs seconds).
"""

import dataclasses
import math
import subprocess
import unicodedata
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Border, Side

from importers.normaliser import StatusTable

THIN = Side(style="thin")
LINE_HEIGHT = 14.5
"""Points a wrapped line takes in a row, for the row heights a clerk would set."""


def print_to_pdf(workbooks: list[Path], directory: Path) -> list[Path]:
    """Each workbook printed to ``directory/<name>.pdf`` by LibreOffice."""
    profile = directory / "libreoffice-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(directory),
            *map(str, workbooks),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdfs = [directory / f"{workbook.stem}.pdf" for workbook in workbooks]
    missing = [pdf.name for pdf in pdfs if not pdf.is_file()]
    assert not missing, f"LibreOffice printed no {missing}"
    return pdfs


def set_up_for_printing(
    path: Path,
    *,
    widths: list[float],
    landscape: bool = True,
    a3: bool = False,
    ruled: bool = True,
    top_aligned: bool = False,
) -> Path:
    """Every sheet of a workbook set up to print as a city's table: the table
    (from its header, the first row with as many cells as ``widths``, to its last
    such row) ruled and wrapped, rows tall enough for their text, the header
    repeated on every page, one page wide; the sheet's name at the top of each
    page and the page number at its foot."""
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        columns = len(widths)
        rows = list(sheet.iter_rows(max_col=columns))
        filled = [
            row[0].row
            for row in rows
            if sum(1 for cell in row if cell.value not in (None, "")) >= 3
        ]
        header, last = filled[0], filled[-1]
        merged_tops = {(r.min_row, r.min_col) for r in sheet.merged_cells.ranges}
        for row in rows:
            number = row[0].row
            if not header <= number <= last:
                continue
            lines = 1
            for cell in row:
                if ruled:
                    cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
                cell.alignment = Alignment(
                    wrap_text=True, vertical="top" if top_aligned else "center"
                )
                if cell.value and (number, cell.column) not in merged_tops:
                    lines = max(lines, _lines_needed(str(cell.value), widths[cell.column - 1]))
            sheet.row_dimensions[number].height = lines * LINE_HEIGHT + 4
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        sheet.page_setup.orientation = "landscape" if landscape else "portrait"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A3 if a3 else sheet.PAPERSIZE_A4
        sheet.print_title_rows = f"{header}:{header}"
        sheet.print_area = f"A1:{chr(ord('A') + columns - 1)}{sheet.max_row}"
        # A running head and page numbers, as a city's printer adds them.
        sheet.oddHeader.right.text = "&A"
        sheet.oddFooter.center.text = "- &P / &N -"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
    workbook.save(path)
    return path


def _lines_needed(text: str, width: float) -> int:
    """Lines a cell's text wraps to in a column ``width`` characters wide (a
    full-width character takes two), rounded up for safety."""
    room = width - 2.5
    return sum(max(1, math.ceil(_display_width(part) / room)) for part in text.split("\n"))


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1 for char in text)


def with_typed_breaks(table: StatusTable) -> StatusTable:
    """The seed with line breaks an author typed in two statuses, and a status
    with Latin words long enough to wrap: a PDF of it must keep the breaks
    and join the wrapped lines (with a space between Latin words)."""
    projects = list(table.projects)
    first = projects[0]
    cut = first.status_text.index("。") + 1
    projects[0] = dataclasses.replace(
        first, status_text=first.status_text[:cut] + "\n" + first.status_text[cut:]
    )
    second = projects[1]
    projects[1] = dataclasses.replace(
        second,
        status_text=second.status_text
        + "\n・Purple Ribbon campaign against violence towards women, with posters in stations"
        " and libraries across the whole city\n・続けて周知した。",
    )
    return dataclasses.replace(table, projects=projects)
