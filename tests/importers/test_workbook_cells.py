"""The .xlsx reader parses a sheet's XML itself: every kind of cell and row reads
as openpyxl's read-only mode reads it, in a workbook written the way Excel
writes one (shared strings, styles, cells a program may leave out or reorder).
No database."""

import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from importers.problems import ImportProblems
from importers.readers import read_table

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

SHARED_STRINGS = [
    "<si><t>事業名称</t></si>",
    '<si><t xml:space="preserve"> 前後に空白 </t></si>',
    '<si><r><t>書式</t></r><r><rPr><b/></rPr><t>付き</t></r><rPh sb="0" eb="2"><t>ショシキ</t></rPh></si>',
    "<si><t>改行\n入り &amp; &lt;記号&gt;</t></si>",
    "<si><t/></si>",
]

STYLES = (
    f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="20" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

FIRST_SHEET_ROWS = [
    # Shared strings, plain, with spaces kept, rich with a phonetic reading, escaped, empty.
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>',
    # Row 2 is missing: it reads as an empty row. Inline strings, plain and rich.
    '<row r="3"><c r="A3" t="inlineStr"><is><t>インライン</t></is></c>'
    '<c r="B3" t="inlineStr"><is><r><t>リッチ</t></r><r><t>テキスト</t></r></is></c>'
    '<c r="C3" t="inlineStr"/><c r="D3" t="inlineStr"><is><t/></is></c>'
    '<c r="E3" t="inlineStr"><is><t xml:space="preserve">  字下げ\n</t></is></c></row>',
    # Numbers: integers, decimals, a whole decimal, exponents, leading zeros, empty values.
    '<row r="4"><c r="A4"><v>42</v></c><c r="B4" t="n"><v>3.25</v></c><c r="C4"><v>2.0</v></c>'
    '<c r="D4"><v>1E3</v></c><c r="E4"><v>1.5e-3</v></c><c r="F4"><v>007</v></c>'
    '<c r="G4"><v></v></c><c r="H4"/><c r="I4"><v>-12</v></c></row>',
    # Dates, a duration and a time, by style; a date as ISO text; booleans; errors;
    # a formula's cached text and number.
    '<row r="5"><c r="A5" s="1"><v>43466</v></c><c r="B5" s="2"><v>1.5</v></c>'
    '<c r="C5" s="3"><v>0.75</v></c><c r="D5" t="d"><v>2019-04-01T00:00:00</v></c>'
    '<c r="E5" t="b"><v>1</v></c><c r="F5" t="b"><v>0</v></c><c r="G5" t="e"><v>#N/A</v></c>'
    '<c r="H5" t="str"><f>A3&amp;"!"</f><v>インライン!</v></c><c r="I5"><f>1+1</f><v>2</v></c></row>',
    # Cells without references follow the cell before; a gap leaves empty cells.
    '<row r="6"><c t="inlineStr"><is><t>一</t></is></c><c r="C6" t="inlineStr"><is><t>三</t></is></c>'
    '<c t="inlineStr"><is><t>四</t></is></c></row>',
    # Cells out of order: the row ends at the column of the last cell written
    # (openpyxl leaves out C, written first; so does the reader).
    '<row r="7"><c r="C7" t="inlineStr"><is><t>C</t></is></c><c r="A7" t="inlineStr"><is><t>A</t></is></c>'
    '<c r="B7" t="inlineStr"><is><t>B</t></is></c></row>',
    # A row without a number follows the row before; a lower-case reference.
    '<row><c r="a8" t="inlineStr"><is><t>八</t></is></c></row>',
    # A row that comes again out of order is left out.
    '<row r="5"><c r="A5" t="inlineStr"><is><t>重複</t></is></c></row>',
    # An empty row, then rows far below.
    '<row r="9"/>',
    '<row r="12" spans="1:2" ht="20" customHeight="1"><c r="B12" t="inlineStr"><is><t>十二</t></is></c></row>',
]

SECOND_SHEET_ROWS = [
    # Elements with a namespace prefix, as some programs write them.
    '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>接頭辞</x:t></x:is></x:c>'
    '<x:c r="B1" t="s"><x:v>0</x:v></x:c></x:row>',
    '<x:row r="2"><x:c r="AB2"><x:v>5</x:v></x:c></x:row>',
]


def _sheet(rows: list[str], prefix: str = "") -> str:
    if prefix:
        return (
            f'<x:worksheet xmlns:x="{MAIN}"><x:dimension ref="A1:B2"/><x:sheetData>'
            + "".join(rows)
            + "</x:sheetData></x:worksheet>"
        )
    return (
        f'<worksheet xmlns="{MAIN}"><dimension ref="A1:A1"/><sheetData>'
        + "".join(rows)
        + '</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>'
    )


def _write_workbook(path: Path) -> Path:
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CONTENT_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CONTENT_TYPE}.worksheet+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{CONTENT_TYPE}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CONTENT_TYPE}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{CONTENT_TYPE}.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
            '<sheet name="実施状況" sheetId="1" r:id="rId1"/>'
            '<sheet name="別表" sheetId="2" r:id="rId2"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet2.xml"/>'
            f'<Relationship Id="rId3" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId4" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{MAIN}" count="{len(SHARED_STRINGS)}">'
            + "".join(SHARED_STRINGS)
            + "</sst>"
        ),
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": _sheet(FIRST_SHEET_ROWS),
        "xl/worksheets/sheet2.xml": _sheet(SECOND_SHEET_ROWS, prefix="x"),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>\n' + text)
    return path


def _as_openpyxl_reads(path: Path) -> list[tuple[str, int, tuple[str, ...]]]:
    """Every row as openpyxl's read-only mode gives it (the sheet's recorded
    size reset), each value as the reader writes it as text."""

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime | date | time):
            return value.isoformat()
        return str(value)

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = []
        for name in workbook.sheetnames:
            sheet = workbook[name]
            sheet.reset_dimensions()
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                rows.append((name, number, tuple(text(value) for value in values)))
        return rows
    finally:
        workbook.close()


def test_every_kind_of_cell_and_row_reads_as_openpyxl_reads_it(tmp_path):
    path = _write_workbook(tmp_path / "cells.xlsx")

    table = read_table(path)

    read = [(row.sheet, row.number, row.cells) for row in table.rows]
    assert read == _as_openpyxl_reads(path)
    assert table.sheet_names == ("実施状況", "別表")
    assert read == [
        ("実施状況", 1, ("事業名称", " 前後に空白 ", "書式付き", "改行\n入り & <記号>", "")),
        ("実施状況", 2, ()),
        ("実施状況", 3, ("インライン", "リッチテキスト", "", "", "  字下げ\n")),
        ("実施状況", 4, ("42", "3.25", "2", "1000", "0.0015", "7", "", "", "-12")),
        (
            "実施状況",
            5,
            (
                "2019-01-01T00:00:00",
                str(timedelta(days=1.5)),
                "18:00:00",
                "2019-04-01T00:00:00",
                "TRUE",
                "FALSE",
                "#N/A",
                "インライン!",
                "2",
            ),
        ),
        ("実施状況", 6, ("一", "", "三", "四")),
        ("実施状況", 7, ("A", "B")),
        ("実施状況", 8, ("八",)),
        ("実施状況", 9, ()),
        ("実施状況", 10, ()),
        ("実施状況", 11, ()),
        ("実施状況", 12, ("", "十二")),
        ("別表", 1, ("接頭辞", "事業名称")),
        ("別表", 2, ("",) * 27 + ("5",)),
    ]


def test_a_sheet_whose_xml_is_cut_short_is_a_damaged_workbook(tmp_path):
    path = _write_workbook(tmp_path / "cells.xlsx")
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(cut, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b'<row r="6">') + 20]
            target.writestr(item, data)

    with pytest.raises(ImportProblems) as raised:
        read_table(cut)

    assert [problem.message_en for problem in raised.value.problems] == [
        "the Excel file is damaged or cut short; save the original again"
    ]
