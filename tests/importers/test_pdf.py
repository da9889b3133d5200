"""PDFs printed from workbooks, as cities publish them, import to exactly the
database the workbook itself gives; places name the page."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from importers.loader import status_import
from importers.normaliser import normalise
from importers.pdf import _add_table, _band_cells, _Grid, _PageItem, _Reader, _Region, cell_text
from importers.problems import ImportProblems
from importers.readers import read_table
from reports.models import AnnualStatus, ImportRun
from tests.importers.helpers import plan_contents, snapshot

PLAN = "saitama-dv-2"

# On the worker that prints the PDFs once (``printed_pdfs``), in a parallel run.
pytestmark = pytest.mark.xdist_group("printed-pdfs")


def _imported(path) -> dict[str, list[tuple]]:
    """What importing one file into an empty database gives; rolled back after."""
    with transaction.atomic():
        status_import(path=path, plan_slug=PLAN)
        contents = plan_contents()
        transaction.set_rollback(True)
    return contents


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["merged", "per-goal", "unruled"])
def test_a_printed_workbook_imports_to_the_workbooks_database(printed_pdfs, name):
    workbook, pdf = printed_pdfs[name]
    assert read_table(pdf).file_format == "pdf"

    expected = _imported(workbook)
    actual = _imported(pdf)

    assert len(expected["Project"]) == 57
    assert len(expected["AnnualStatus"]) == 57
    assert actual == expected


def test_the_printed_layouts_are_what_the_tests_claim(printed_pdfs):
    """Landscape A4 over many pages, portrait A3, one table per goal."""
    import pdfplumber

    def pages(name):
        with pdfplumber.open(printed_pdfs[name][1]) as pdf:
            return [(round(p.width), round(p.height)) for p in pdf.pages]

    assert set(pages("merged")) == {(842, 595)}
    assert len(pages("merged")) == 11
    assert set(pages("per-goal")) == {(842, 1191)}
    assert set(pages("unruled")) == {(842, 595)}
    # A table per goal, and the last table's footnote as closing notes.
    parts = {row.part for row in read_table(printed_pdfs["per-goal"][1]).rows}
    assert parts == {0, 1, 2, 3, 4, 5}


def test_typed_line_breaks_are_kept_and_wrapped_lines_joined(printed_pdfs):
    table, problems = normalise(read_table(printed_pdfs["merged"][1]))

    assert problems == []
    first, second = table.projects[0].status_text, table.projects[1].status_text
    assert first.startswith(
        "DV防止セミナーを開催した（参加人数：60人）。\n女性に対する暴力に関する"
    )
    assert first.count("\n") == 1
    assert second.endswith(
        "\n・Purple Ribbon campaign against violence towards women, with posters in stations"
        " and libraries across the whole city\n・続けて周知した。"
    )


def _char(text: str, x0: float, top: float, width: float = 10.0) -> dict:
    """A character as pdfplumber gives it, numbered in the order it is drawn."""
    order = int(top * 1000 + x0)
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + width,
        "top": top,
        "bottom": top + 10,
        "size": 10,
        "order": order,
    }


def _line(text: str, top: float, left: float = 2.0) -> list[dict]:
    return [_char(char, left + 10 * index, top) for index, char in enumerate(text)]


def test_a_line_is_joined_when_the_next_word_would_not_have_fitted():
    """Cell from x=0 to x=62 with 2 points of padding: six characters fill a line."""
    wrapped = _line("あいうえおか", 0) + _line("きく", 12)
    typed = _line("あいうえ", 0) + _line("きく", 12)
    kinsoku = _line("あいうえお", 0) + _line("か。", 12)  # 。 may not start a line

    assert cell_text(wrapped, 0, 62) == "あいうえおかきく"
    assert cell_text(typed, 0, 62) == "あいうえ\nきく"
    assert cell_text(kinsoku, 0, 62) == "あいうえおか。"


@pytest.mark.django_db
def test_a_status_remembers_its_page_and_row_and_the_project_page_shows_them(printed_pdfs, client):
    pdf = printed_pdfs["merged"][1]
    status_import(path=pdf, plan_slug=PLAN)

    places = dict(AnnualStatus.objects.values_list("project__number", "source_page"))
    first = AnnualStatus.objects.get(project__number=1)
    last = AnnualStatus.objects.get(project__number=57)
    assert (first.source_page, first.source_row) == (1, 4)
    assert (last.source_page, last.source_row) == (11, 3)
    assert sorted(set(places.values())) == list(range(1, 12))

    page = client.get(reverse("reports:project", kwargs={"slug": PLAN, "number": 57}))
    assert "出典: merged.pdf の 11 ページ 3 行目" in page.content.decode()


@pytest.mark.django_db
def test_an_error_names_the_page_row_and_column(printed_pdfs):
    before = snapshot()

    with pytest.raises(ImportProblems) as raised:
        status_import(path=printed_pdfs["unnumbered"][1], plan_slug=PLAN)

    assert [str(problem) for problem in raised.value.problems] == [
        "unnumbered.pdf:page 1:4:C: エラー 事業番号が読めません / the project has no number"
        "「女性に対する暴力をなくす運動の周知」",
        "unnumbered.pdf:page 1:5:-: エラー 事業 2 がありません（事業 3 の前）。計画の最初のファイルは"
        "事業番号を 1 から抜けなく載せてください / project(s) 2 missing (before project 3); a plan's"
        " first file numbers its projects from 1 without gaps「人権教育の推進」",
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_dry_run_and_provenance_of_a_pdf(printed_pdfs):
    pdf = printed_pdfs["merged"][1]
    before = snapshot()
    out = io.StringIO()

    call_command("import_status", str(pdf), plan_slug=PLAN, dry_run=True, stdout=out)

    assert snapshot() == before
    assert out.getvalue().splitlines()[-1] == (
        "[dry-run] merged.pdf: 2017年度 57 事業、追加 167 件、変更 0 件（書き込みはしていません）"
    )
    seen = []
    status_import(path=pdf, plan_slug=PLAN, progress=lambda *args: seen.append(args))
    run = ImportRun.objects.get()
    assert (run.file_name, run.file_format, run.row_count, run.ocr) == (
        "merged.pdf",
        "pdf",
        57,
        False,
    )
    assert seen[0][0] == "read" and seen[-1] == ("load", 57, 57)


def _page(number: int, bands: list[list[str]]) -> _PageItem:
    """A ruled table's page: each band a row of closed cells, one per column."""
    regions = [
        _Region(col, row, row + 1, text, True)
        for row, cells in enumerate(bands)
        for col, text in enumerate(cells)
    ]
    grid = _Grid(
        number,
        50.0,
        50.0 + 20 * len(bands),
        [0, 100, 200, 300, 400],
        [50.0 + 20 * i for i in range(len(bands) + 1)],
        regions,
    )
    return _PageItem(50.0, _band_cells(grid), grid)


def test_a_row_split_by_a_page_break_is_joined_back_into_one():
    """Word prints a tall row across the page break: its cells go on under the
    repeated header, with the project's name (filled in every other row) empty.
    LibreOffice never splits a row, so the pages are built here."""
    header = ["施策の方向", "事業名称", "実施状況", "担当課"]
    reader = _Reader("split.pdf")
    _add_table(
        reader,
        1,
        _page(
            1,
            [
                header,
                ["1 方向", "1 相談", "相談を受けた。", "A課"],
                ["1 方向", "2 周知", "冊子を作り、", "B課"],
            ],
        ),
    )
    _add_table(
        reader,
        2,
        _page(
            2, [header, ["1 方向", "", "配った。", ""], ["1 方向", "3 研修", "研修した。", "C課"]]
        ),
    )

    assert [(row.page, row.cells) for row in reader.rows] == [
        (1, tuple(header)),
        (1, ("1 方向", "1 相談", "相談を受けた。", "A課")),
        (1, ("1 方向", "2 周知", "冊子を作り、配った。", "B課")),
        (2, tuple(header)),
        (2, ("1 方向", "3 研修", "研修した。", "C課")),
    ]
