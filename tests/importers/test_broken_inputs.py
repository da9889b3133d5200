"""Broken inputs: each gets its exact message and leaves every table as it was."""

import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from importers.loader import status_import
from importers.normaliser import normalise
from importers.problems import ImportProblems
from importers.readers import read_table
from tests.conftest import SEED
from tests.database import SavedTables
from tests.importers.helpers import (
    HEADER,
    ROWS,
    seed_as_merged_workbook,
    snapshot,
    write_csv,
    write_csv_with_bom,
    write_xlsx,
)

PLAN = "saitama-dv-2"


@pytest.fixture(scope="module")
def saved_seed_import(django_db_setup, django_db_blocker) -> SavedTables:
    """The seed imported once for this module (without the corrections that
    load_fixtures adds), and saved."""
    with django_db_blocker.unblock():
        return SavedTables.made_by(lambda: status_import(path=SEED, plan_slug=PLAN))


@pytest.fixture
def seeded_plan(db, saved_seed_import):
    saved_seed_import.restore()


def _refused(path, *, partial: bool = True) -> list[str]:
    """The errors importing ``path`` gives; asserts that nothing was written.

    Most files here hold a few of the plan's projects, to show one other
    problem: they are imported as partial unless a test says otherwise."""
    before = snapshot()
    with pytest.raises(ImportProblems) as raised:
        status_import(path=path, plan_slug=PLAN, partial=partial)
    assert snapshot() == before
    return [str(problem) for problem in raised.value.errors]


def test_truncated_workbook(seeded_plan, seed_path, tmp_path):
    table, _ = normalise(read_table(seed_path))
    whole = seed_as_merged_workbook(table, tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(whole[: len(whole) // 2])

    assert _refused(path) == [
        "truncated.xlsx:-:-:-: エラー Excel ファイルが壊れているか、途中で切れています。"
        "元のファイルをもう一度保存してください / the Excel file is damaged or cut short; "
        "save the original again"
    ]


def test_workbook_whose_sheet_is_not_well_formed(seeded_plan, tmp_path):
    whole = write_xlsx(tmp_path / "whole.xlsx", {"表": [HEADER, *ROWS]})
    path = tmp_path / "malformed.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)

    assert _refused(path) == [
        "malformed.xlsx:-:-:-: エラー Excel ファイルが壊れているか、途中で切れています。"
        "元のファイルをもう一度保存してください / the Excel file is damaged or cut short; "
        "save the original again"
    ]


def test_damaged_pdf_named_xlsx(seeded_plan, tmp_path):
    """A PDF is read by its content whatever its name; this one has no pages."""
    path = tmp_path / "status.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")

    assert _refused(path) == [
        "status.xlsx:-:-:-: エラー PDF ファイルが壊れているか、途中で切れています。"
        "元のファイルをもう一度保存してください / the PDF is damaged or cut short; "
        "save the original again"
    ]


def test_html_named_xlsx(seeded_plan, tmp_path):
    path = tmp_path / "status.xlsx"
    path.write_text(
        '<!DOCTYPE html>\n<html lang="ja"><body><table><tr><td>基本目標</td></tr></table>'
        "</body></html>",
        encoding="utf-8",
    )

    assert _refused(path) == [
        "status.xlsx:-:-:-: エラー Web ページ（HTML/XML）で、表のファイルではありません。"
        "Excel・CSV・テキストで保存し直してください / this is a web page (HTML/XML), not a "
        "table; save it as Excel, CSV or text"
    ]


def test_old_excel_format(seeded_plan, tmp_path):
    path = tmp_path / "status.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))

    assert _refused(path) == [
        "status.xls:-:-:-: エラー 古い Excel 形式（.xls）です。Excel で .xlsx として保存し直してください"
        " / this is an old Excel file (.xls); save it again as .xlsx"
    ]


def test_zip_that_is_not_a_workbook(seeded_plan, tmp_path):
    path = tmp_path / "status.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    assert _refused(path) == [
        "status.xlsx:-:-:-: エラー ZIP ファイルですが Excel（.xlsx）のブックではありません"
        " / a zip archive, but not an Excel workbook (.xlsx)"
    ]


@pytest.mark.parametrize("content", [b"", b"\r\n \r\n"])
def test_empty_file(seeded_plan, tmp_path, content):
    path = tmp_path / "status.csv"
    path.write_bytes(content)

    assert _refused(path) == ["status.csv:-:-:-: エラー ファイルが空です / the file is empty"]


def test_workbook_with_only_empty_sheets(seeded_plan, tmp_path):
    path = write_xlsx(tmp_path / "blank.xlsx", {"Sheet1": [], "Sheet2": [[None, ""]]})

    assert _refused(path) == [
        "blank.xlsx:-:-:-: エラー 見出し行が見つかりません。必要な列: 基本目標、施策の方向、事業名称、"
        "実施状況、担当課（この行にあるのは: ） / no header row found; expected columns: "
        "基本目標、施策の方向、事業名称、実施状況、担当課 (this row has: )"
    ]


def test_missing_column(seeded_plan, tmp_path):
    path = write_csv(tmp_path / "status.csv", [HEADER[:5], *[row[:5] for row in ROWS]])

    assert _refused(path) == [
        "status.csv:-:1:-: エラー 見出し行に 担当課 の列がありません（見出し: 基本目標 | 施策の方向 | "
        "事業名称 | 事業内容 | 平成29年度実施状況） / the header row has no column for 担当課 "
        "(headers: 基本目標 | 施策の方向 | 事業名称 | 事業内容 | 平成29年度実施状況)"
    ]


def test_duplicate_project_numbers(seeded_plan, tmp_path):
    rows = [ROWS[0], ROWS[1], ["", "", "2 人権教育の推進", *ROWS[2][3:]]]
    path = write_xlsx(tmp_path / "status.xlsx", {"実施状況": [HEADER, *rows]})

    assert _refused(path) == [
        "status.xlsx:実施状況:4:-: エラー 事業番号 2 が重複しています（3 行目にもあります） / "
        "project number 2 appears twice (also on row 3)「人権教育の推進」"
    ]


def test_number_missing_from_the_sequence(seeded_plan, tmp_path):
    rows = [ROWS[0], [*ROWS[2][:2], "3 人権教育の推進", *ROWS[2][3:]]]
    path = write_csv(tmp_path / "status.csv", [HEADER, *rows])

    assert _refused(path, partial=False) == [
        "status.csv:-:3:-: エラー 事業 2 がありません（事業 3 の前）。計画の事業をすべて載せるか、"
        "一部の事業だけの表なら --partial を付けてください / project(s) 2 missing (before project 3); "
        "a file holds every project of the plan; for a table of only some projects, use --partial"
        "「人権教育の推進」",
        "status.csv:-:3:-: エラー 事業 4〜57 がありません（ファイルは事業 3 で終わっています）。"
        "ファイルが途中で切れていないか確かめてください。一部の事業だけの表なら --partial を付けてください"
        " / project(s) 4–57 missing (the file ends at project 3): check that the file is not cut "
        "short; for a table of only some projects, use --partial「人権教育の推進」",
    ]
    # Said to be partial, the same file is a table of two projects.
    report = status_import(path=path, plan_slug=PLAN, partial=True)
    assert report.import_run.partial is True


def test_unknown_era(seeded_plan, tmp_path):
    header = [*HEADER[:4], "光文3年度実施状況", HEADER[5]]
    path = write_xlsx(tmp_path / "status.xlsx", {"表": [header, *ROWS]})

    assert _refused(path) == [
        "status.xlsx:表:1:E: エラー 元号「光文」が分かりません（明治・大正・昭和・平成・令和 または西暦で"
        "書いてください） / unknown era '光文' (use 明治, 大正, 昭和, 平成, 令和 or a Western year)"
        "「光文3年度実施状況」"
    ]


def test_empty_status_cell(seeded_plan, tmp_path):
    rows = [ROWS[0], [*ROWS[1][:4], "", ROWS[1][5]], ROWS[2]]
    path = write_csv(tmp_path / "status.csv", [HEADER, *rows])

    assert _refused(path) == [
        "status.csv:-:3:E: エラー 実施状況が空欄です / the status cell is empty「」"
    ]


def test_project_the_plan_lacks(seeded_plan, seed_path, tmp_path):
    path = tmp_path / "status.txt"
    path.write_text(
        seed_path.read_text(encoding="utf-8") + "\n\t\t58 新しい事業\t内容\t状況\t男女共同参画課\n",
        encoding="utf-8",
    )

    assert _refused(path) == [
        "status.txt:-:71:-: エラー 事業 58 は計画にありません（計画の事業番号は 1〜57）。計画の改定で"
        "加わった事業なら --allow-new-projects を付けてください / project 58 is not in the plan "
        "(its projects are 1–57); if a revision of the plan added it, use --allow-new-projects"
        "「新しい事業」"
    ]


def test_project_the_plan_lacks_is_accepted_for_a_revised_plan(seeded_plan, seed_path, tmp_path):
    path = tmp_path / "status.txt"
    path.write_text(
        seed_path.read_text(encoding="utf-8") + "\n\t\t58 新しい事業\t内容\t状況\t男女共同参画課\n",
        encoding="utf-8",
    )

    report = status_import(path=path, plan_slug=PLAN, allow_new_projects=True)

    assert [(c.kind, c.action, c.label) for c in report.changes] == [
        ("project", "added", "58 新しい事業"),
        ("status", "added", "58 新しい事業（2017年度）"),
    ]


def test_a_partial_file_lists_the_missing_numbers_as_ranges(seeded_plan, tmp_path):
    rows = [*ROWS, ["", "", "9 通報体制の整備", "内容", "状況", "男女共同参画課"]]
    path = write_csv(tmp_path / "status.csv", [HEADER, *rows])

    assert _refused(path, partial=False) == [
        "status.csv:-:5:-: エラー 事業 9 は計画では 2-1 にありますが、このファイルでは 1-2 にあります"
        " / project 9 is under 2-1 in the plan but under 1-2 here「通報体制の整備」",
        "status.csv:-:5:-: エラー 事業 4〜8 がありません（事業 9 の前）。計画の事業をすべて載せるか、"
        "一部の事業だけの表なら --partial を付けてください / project(s) 4–8 missing (before project 9); "
        "a file holds every project of the plan; for a table of only some projects, use --partial"
        "「通報体制の整備」",
        "status.csv:-:5:-: エラー 事業 10〜57 がありません（ファイルは事業 9 で終わっています）。"
        "ファイルが途中で切れていないか確かめてください。一部の事業だけの表なら --partial を付けてください"
        " / project(s) 10–57 missing (the file ends at project 9): check that the file is not cut "
        "short; for a table of only some projects, use --partial「通報体制の整備」",
    ]


def test_project_filed_under_another_direction(seeded_plan, tmp_path):
    rows = [ROWS[0], ROWS[1], ["", "", *ROWS[2][2:]]]
    path = write_xlsx(tmp_path / "status.xlsx", {"表": [HEADER, *rows]})

    assert _refused(path) == [
        "status.xlsx:表:4:-: エラー 事業 3 は計画では 1-2 にありますが、このファイルでは 1-1 に"
        "あります / project 3 is under 1-2 in the plan but under 1-1 here「人権教育の推進」"
    ]


def test_cp932_behind_a_utf8_byte_order_mark(seeded_plan, tmp_path):
    # The mark declares UTF-8; the text after it is Shift_JIS (CP932). Guessing
    # could load wrong text, so the file is refused with what it looks like.
    path = write_csv_with_bom(tmp_path / "status.csv", [HEADER, *ROWS], encoding="cp932")

    assert _refused(path) == [
        "status.csv:-:1:-: エラー 先頭に UTF-8 の印（BOM）がありますが、中身は UTF-8 ではありません"
        "（4 バイト目）。Shift_JIS(CP932) のようです。UTF-8 で保存し直すか、BOM を外してください / "
        "the file starts with a UTF-8 byte order mark but is not UTF-8 (byte 4); it reads as "
        "Shift_JIS (CP932); save it again as UTF-8 or remove the mark"
    ]


def test_text_in_no_known_encoding(seeded_plan, tmp_path):
    path = tmp_path / "status.csv"
    path.write_bytes("基本目標,施策\r\n".encode() + b"\x80\xff\xfe\r\n")

    assert _refused(path) == [
        "status.csv:-:2:-: エラー 文字コードが分かりません（UTF-8 でも Shift_JIS(CP932) でも読めません。"
        "22 バイト目）。UTF-8 で保存し直してください / unknown encoding: neither UTF-8 nor "
        "Shift_JIS (CP932) (byte 22); save the file as UTF-8"
    ]


def test_cp932_without_a_mark_is_read_and_its_encoding_recorded(seeded_plan, tmp_path):
    path = write_csv(tmp_path / "status.csv", [HEADER, *ROWS], encoding="cp932")

    report = status_import(path=path, plan_slug=PLAN, dry_run=True, partial=True)

    assert report.import_run is None
    assert [(c.kind, c.action, c.label) for c in report.changes] == [
        ("project", "changed", "1 DVの防止・啓発"),
        ("project", "changed", "2 女性に対する暴力をなくす運動の周知"),
        ("project", "changed", "3 人権教育の推進"),
        ("status", "changed", "1 DVの防止・啓発（2017年度）"),
        ("status", "changed", "2 女性に対する暴力をなくす運動の周知（2017年度）"),
        ("status", "changed", "3 人権教育の推進（2017年度）"),
    ]
    run = status_import(path=path, plan_slug=PLAN, partial=True).import_run
    assert run.file_format == "csv (cp932)"


def test_the_command_lists_every_problem_and_exits_non_zero(seeded_plan, tmp_path, capsys):
    before = snapshot()
    rows = [
        ROWS[0],
        [*ROWS[1][:4], "", ROWS[1][5]],
        [*ROWS[2][:2], "2 人権教育の推進", *ROWS[2][3:]],
    ]
    path = write_csv(tmp_path / "status.csv", [HEADER, *rows])

    with pytest.raises(CommandError) as raised:
        call_command("import_status", str(path), plan_slug=PLAN)

    assert str(raised.value) == (
        "1 件のファイルを取り込めませんでした。上の行を直してから再実行してください"
        " / 1 file(s) failed; fix the rows above and run again"
    )
    assert capsys.readouterr().err.splitlines() == [
        "status.csv:-:3:E: エラー 実施状況が空欄です / the status cell is empty「」",
        "status.csv:-:4:-: エラー 事業番号 2 が重複しています（3 行目にもあります） / "
        "project number 2 appears twice (also on row 3)「人権教育の推進」",
        "status.csv:-:4:-: エラー 事業 2 は計画では 1-1 にありますが、このファイルでは 1-2 にあります"
        " / project 2 is under 1-1 in the plan but under 1-2 here「人権教育の推進」",
        "status.csv:-:4:-: エラー 事業 3〜57 がありません（ファイルは事業 2 で終わっています）。"
        "ファイルが途中で切れていないか確かめてください。一部の事業だけの表なら --partial を付けてください"
        " / project(s) 3–57 missing (the file ends at project 2): check that the file is not cut "
        "short; for a table of only some projects, use --partial「人権教育の推進」",
        "status.csv: 4 件のエラー。何も取り込んでいません / 4 error(s); nothing was imported",
    ]
    assert snapshot() == before
