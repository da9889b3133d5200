"""Limits and checks before any write: hostile files are refused early, in
little memory, with the limit and its setting named; values too long for their
field and bad plan slugs are refused with their place; a flood of problems is
cut to 100 lines; two imports creating the same plan at once are run in turn.

Each refusal asserts the exact message and that every table is unchanged. That
a hostile file is refused early is proved by the memory its refusal took
(``tracemalloc``: far less than the file would take once read or expanded),
never by a time.
"""

import io
import threading
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from importers.loader import status_import
from importers.problems import ImportProblems
from reports.models import ImportRun, Plan
from tests.importers.helpers import HEADER, ROWS, snapshot, write_csv, write_xlsx

PLAN = "saitama-dv-2"
MB = 1_000_000


@pytest.fixture
def seeded_plan(db, seed_path):
    status_import(path=seed_path, plan_slug=PLAN)


def _refused(path: Path, **options: object) -> tuple[list[str], int]:
    """The errors importing ``path`` gives and the peak memory (bytes) the
    refusal took; asserts that nothing was written."""
    before = snapshot()
    tracemalloc.start()
    try:
        with pytest.raises(ImportProblems) as raised:
            status_import(path=path, plan_slug=PLAN, **options)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert snapshot() == before
    return [str(problem) for problem in raised.value.errors], peak


def _sheet_rewritten(path: Path, target: Path, rewrite: Callable[[bytes], bytes]) -> Path:
    """A copy of the workbook ``path`` with its first sheet's XML rewritten."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = rewrite(data)
            copy.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def test_a_file_over_the_size_limit_is_refused_unread(seeded_plan, tmp_path):
    path = tmp_path / "status.txt"
    line = "\t".join(["", "", "1 事業", "内容", "状況", "男女共同参画課"]).encode() + b"\n"
    with path.open("wb") as out:
        out.write(line * (50 * MB // len(line) + 1))

    errors, peak = _refused(path)

    size = path.stat().st_size
    assert size > 50 * MB
    assert errors == [
        f"status.txt:-:-:-: エラー ファイルが大きすぎます（{size:,} バイト、上限 30,000,000 バイト）。"
        "上限は設定 IMPORT_MAX_FILE_BYTES で変えられます / the file is too large "
        f"({size:,} bytes, the limit is 30,000,000); raise the limit with the setting "
        "IMPORT_MAX_FILE_BYTES"
    ]
    assert peak < 5 * MB  # the file (50 MB) was never read


def test_a_workbook_that_expands_hugely_is_refused_before_it_is_uncompressed(seeded_plan, tmp_path):
    small = write_xlsx(tmp_path / "small.xlsx", {"表": [HEADER, *ROWS]})
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(path, "w") as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            # 240 MB of spaces inside the sheet's XML: a few hundred kilobytes packed.
            head, tail = data.split(b"<sheetData>")
            packed = zipfile.ZipInfo(item.filename, item.date_time)
            packed.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(packed, "w", force_zip64=True) as sheet:
                sheet.write(head + b"<sheetData>")
                spaces = b" " * MB
                for _ in range(240):
                    sheet.write(spaces)
                sheet.write(tail)
    with zipfile.ZipFile(path) as archive:
        expanded = sum(item.file_size for item in archive.infolist())

    errors, peak = _refused(path)

    assert path.stat().st_size < 2 * MB
    assert errors == [
        "bomb.xlsx:-:-:-: エラー Excel ファイルの中身が展開すると大きすぎます"
        f"（{expanded:,} バイト、上限 200,000,000 バイト）。上限は設定 IMPORT_MAX_EXPANDED_BYTES "
        f"で変えられます / the Excel file expands to too much data ({expanded:,} bytes, the "
        "limit is 200,000,000); raise the limit with the setting IMPORT_MAX_EXPANDED_BYTES"
    ]
    assert peak < 10 * MB


def _one_cell_far_down(data: bytes) -> bytes:
    far = (
        b'<row r="1000000000"><c r="A1000000000" t="inlineStr"><is><t>x</t></is></c></row>'
        b"</sheetData>"
    )
    return data.replace(b"</sheetData>", far)


def test_a_cell_at_row_one_billion_is_refused_by_the_sheets_range(seeded_plan, tmp_path):
    small = write_xlsx(tmp_path / "small.xlsx", {"表": [HEADER, *ROWS]})
    path = _sheet_rewritten(
        small,
        tmp_path / "far.xlsx",
        lambda data: _one_cell_far_down(
            data.replace(b'<dimension ref="A1:F4" />', b'<dimension ref="A1:F1000000000" />')
        ),
    )

    errors, peak = _refused(path)

    assert errors == [
        "far.xlsx:表:-:-: エラー シートの範囲が行数の上限（200,000 行）を超えています。"
        "上限は設定 IMPORT_MAX_ROWS で変えられます / the sheet's recorded range has more rows "
        "than the limit (200,000); raise the limit with the setting IMPORT_MAX_ROWS"
        "「A1:F1000000000」"
    ]
    assert peak < 10 * MB


def test_a_cell_at_row_one_billion_is_refused_when_the_sheets_range_lies(seeded_plan, tmp_path):
    small = write_xlsx(tmp_path / "small.xlsx", {"表": [HEADER, *ROWS]})
    path = _sheet_rewritten(small, tmp_path / "far.xlsx", _one_cell_far_down)
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:F4" />' in archive.read("xl/worksheets/sheet1.xml")

    errors, peak = _refused(path)

    assert errors == [
        "far.xlsx:表:1000000000:-: エラー 行数が上限（200,000 行）を超えています。"
        "上限は設定 IMPORT_MAX_ROWS で変えられます / more rows than the limit (200,000); "
        "raise the limit with the setting IMPORT_MAX_ROWS"
    ]
    # No empty row was made for the billion rows before it (one alone takes
    # about 100 bytes).
    assert peak < 10 * MB


def test_a_text_file_with_too_many_rows_stops_at_the_first_row_beyond(seeded_plan, tmp_path):
    path = tmp_path / "status.csv"
    path.write_bytes(b"a,b\n" * 300_000)

    errors, peak = _refused(path)

    assert errors == [
        "status.csv:-:200001:-: エラー 行数が上限（200,000 行）を超えています。"
        "上限は設定 IMPORT_MAX_ROWS で変えられます / more rows than the limit (200,000); "
        "raise the limit with the setting IMPORT_MAX_ROWS"
    ]
    assert peak < 100 * MB


def test_a_row_with_too_many_columns(seeded_plan, tmp_path):
    path = write_csv(tmp_path / "status.csv", [HEADER, ROWS[0], [*ROWS[1], *["x"] * 95]])

    errors, _ = _refused(path)

    assert errors == [
        "status.csv:-:3:CW: エラー 列数が上限（100 列）を超えています。"
        "上限は設定 IMPORT_MAX_COLUMNS で変えられます / more columns than the limit (100); "
        "raise the limit with the setting IMPORT_MAX_COLUMNS"
    ]


def test_a_cell_over_the_size_limit(seeded_plan, tmp_path):
    rows = [ROWS[0], [*ROWS[1][:4], "状" * 32_768, ROWS[1][5]], ROWS[2]]
    path = write_csv(tmp_path / "status.csv", [HEADER, *rows])

    errors, _ = _refused(path)

    assert errors == [
        "status.csv:-:3:E: エラー セルの文字数が上限を超えています（32,768 字、上限 32,767 字）。"
        "上限は設定 IMPORT_MAX_CELL_CHARS で変えられます / the cell holds 32,768 characters, "
        "more than the limit (32,767); raise the limit with the setting IMPORT_MAX_CELL_CHARS"
    ]


def test_a_department_name_longer_than_its_field(seeded_plan, tmp_path):
    name = "長" * 250
    rows = [ROWS[0], [*ROWS[1][:5], f"男女共同参画課 {name}"], ROWS[2]]
    path = write_csv(tmp_path / "status.csv", [HEADER, *rows])

    errors, _ = _refused(path, partial=True)

    assert errors == [
        "status.csv:-:3:F: エラー 担当課の名称が長すぎます（250 字、上限 200 字） / the "
        f"department name is too long (250 characters, at most 200)「{'長' * 57}…」"
    ]


def test_a_bad_plan_slug_is_refused_before_any_file_is_read(db, tmp_path):
    before = snapshot()
    missing = tmp_path / "no-such-file.txt"

    with pytest.raises(CommandError) as raised:
        call_command("import_status", str(missing), plan_slug="bad slug/計画")

    assert str(raised.value) == (
        "計画の識別子（--plan）に使えるのは半角英数字・ハイフン・下線で、80 字までです"
        "（例: saitama-dv-2） / a plan's slug (--plan) may hold only ASCII letters, digits, "
        "hyphens and underscores, at most 80 characters (e.g. saitama-dv-2)「bad slug/計画」"
    )
    assert snapshot() == before


@pytest.mark.parametrize("slug", ["bad slug/計画", "計画", "a" * 81])
def test_the_loader_refuses_a_bad_plan_slug_too(db, seed_path, slug):
    before = snapshot()

    with pytest.raises(ImportProblems) as raised:
        status_import(path=seed_path, plan_slug=slug)

    assert [str(problem) for problem in raised.value.errors] == [
        "saitama_dv2_H29_status.txt:-:-:-: エラー 計画の識別子（--plan）に使えるのは半角英数字・"
        "ハイフン・下線で、80 字までです（例: saitama-dv-2） / a plan's slug (--plan) may hold "
        "only ASCII letters, digits, hyphens and underscores, at most 80 characters "
        f"(e.g. saitama-dv-2)「{slug if len(slug) <= 60 else slug[:57] + '…'}」"
    ]
    assert snapshot() == before


def test_the_command_prints_100_problems_then_counts_the_rest(seeded_plan, seed_path, tmp_path):
    lines = []
    for line in seed_path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 6 and cells[2][:1].isdigit():
            cells[4] = cells[5] = ""  # an empty status and an empty department: two errors
        lines.append("\t".join(cells))
    path = tmp_path / "blank.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot()
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_status", str(path), plan_slug=PLAN, stderr=err)

    printed = err.getvalue().splitlines()
    assert len(printed) == 100 + 2
    assert all(": エラー " in line for line in printed[:100])
    assert printed[-2:] == [
        "blank.txt: ほか 14 件（最初の 100 件だけを示しました） / 14 more not shown (only the "
        "first 100 are listed)",
        "blank.txt: 114 件のエラー。何も取り込んでいません / 114 error(s); nothing was imported",
    ]
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_two_imports_creating_the_same_plan_at_once_run_in_turn(seed_path):
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def run() -> None:
        try:
            start.wait()
            outcomes.append(status_import(path=seed_path, plan_slug="new-plan"))
        except Exception as exc:  # whatever the thread met is what the test reports
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reports = sorted(outcomes, key=lambda report: not getattr(report, "changes", []))
    assert [type(outcome).__name__ for outcome in reports] == ["ImportReport", "ImportReport"]
    first, second = reports
    assert first.count("plan", "added") == 1
    assert first.count("status", "added") == 57
    assert second.changes == []  # it waited, then found the first one's plan as it left it
    assert list(Plan.objects.values_list("slug", flat=True)) == ["new-plan"]
    assert ImportRun.objects.filter(plan__slug="new-plan").count() == 2
