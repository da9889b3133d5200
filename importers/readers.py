"""Readers: a file in, rows of cells with their places out. No structure, no database.

The format is chosen by the file's content, not its name: a zip archive is read
as an Excel workbook, a PDF by its tables (``importers.pdf``), text as CSV or as
the tab-separated text extracted from a PDF, and a JSON object as this site's
JSON download (its fields become the header row, each status a row). Files that
are not tables (a web page, an old ``.xls``) are refused with a message that
says what the file is and what to do instead.
"""

import codecs
import csv
import io
import json
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from importers.limits import (
    ImportLimits,
    RowBudget,
    expands_too_far,
    file_too_large,
    sheet_too_large,
)
from importers.problems import ImportProblems, Place, error

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

Progress = Callable[[int], None]
"""Called now and then with the number of rows read so far."""

_PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class SourceRow:
    sheet: str | None
    number: int
    """1-based line or row number in the source."""
    cells: tuple[str, ...]
    """Cell text as published; a cell's column is its index (0 = A)."""
    part: int | None = None
    """The table the row belongs to, when that is not told by its sheet: a PDF's
    rows are placed by page (their sheet is ``page N``), but a table runs on
    over many pages."""

    @property
    def table(self) -> object:
        """What the normaliser reads as one table, with its own header."""
        return self.sheet if self.part is None else self.part

    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True)
class SourceTable:
    file_name: str
    file_format: str
    """``xlsx``, or a text format with the encoding it was read in: ``csv (cp932)``."""
    rows: list[SourceRow]
    sheet_names: tuple[str | None, ...] = (None,)


def read_table(
    path: Path, *, progress: Progress | None = None, limits: ImportLimits | None = None
) -> SourceTable:
    """Read any supported file, choosing the reader by the file's content.

    The resource limits (``importers.limits``: its defaults unless given; the
    loader passes the settings' values) are checked before the file is read,
    and as its rows are read: a file that crosses one is refused at that point,
    with the limit's place and setting.
    """
    limits = ImportLimits.from_settings() if limits is None else limits
    place = Place(path.name)
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise file_too_large(place, size, limits.file_bytes)
    data = path.read_bytes()
    budget = RowBudget(path.name, limits)
    if not data.strip():
        raise ImportProblems([error(place, "ファイルが空です", "the file is empty")])
    if data.lstrip()[:5] == b"%PDF-":
        return _read_pdf(path, data, progress, budget)
    not_a_table = _not_a_table(data)
    if not_a_table is not None:
        ja, en = not_a_table
        raise ImportProblems([error(place, ja, en)])
    if data.startswith(_ZIP_MAGIC):
        return _read_workbook(path, data, progress, budget)
    text, encoding = _decode(data, place)
    if _looks_like_markup(text):
        raise ImportProblems(
            [
                error(
                    place,
                    "Web ページ（HTML/XML）で、表のファイルではありません。Excel・CSV・テキストで保存し直してください",
                    "this is a web page (HTML/XML), not a table; save it as Excel, CSV or text",
                )
            ]
        )
    if "\0" in text:
        raise ImportProblems(
            [
                error(
                    place,
                    "表のファイルではありません（文字でないデータを含みます）",
                    "not a table file (it holds binary data)",
                )
            ]
        )
    if text.lstrip().startswith("{"):
        rows = list(_counted(_json_download_rows(text, place), progress, budget))
        return SourceTable(path.name, JSON_FORMAT, rows)
    if _is_tab_separated(text):
        rows = list(_counted(_tab_separated_rows(text), progress, budget))
        return SourceTable(path.name, f"tsv ({encoding})", rows)
    rows = list(_counted(_comma_separated_rows(text), progress, budget))
    return SourceTable(path.name, f"csv ({encoding})", rows)


# --- what a file is -------------------------------------------------------

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _not_a_table(data: bytes) -> tuple[str, str] | None:
    if data.startswith(_OLE2_MAGIC):
        return (
            "古い Excel 形式（.xls）です。Excel で .xlsx として保存し直してください",
            "this is an old Excel file (.xls); save it again as .xlsx",
        )
    return None


def _looks_like_markup(text: str) -> bool:
    start = text.lstrip()[:200].lower()
    return start.startswith(("<!doctype", "<html", "<?xml", "<head", "<body", "<table"))


def _is_tab_separated(text: str) -> bool:
    """Text extracted from a PDF separates cells with tabs; CSV with commas.

    Cell text often holds commas (``1,359件``) but a cell never holds a tab in
    what cities publish, so a file whose lines carry tabs at least as often as
    commas is tab-separated.
    """
    lines = [line for line in text[:65536].splitlines() if line.strip()][:50]
    with_tabs = sum(1 for line in lines if "\t" in line)
    with_commas = sum(1 for line in lines if "," in line)
    return with_tabs > 0 and with_tabs >= with_commas


# --- text: encodings --------------------------------------------------------


def _decode(data: bytes, place: Place) -> tuple[str, str]:
    """Decode UTF-8 (with or without a BOM) or CP932, and say which was used.

    CP932 is Windows' Shift_JIS, what Excel writes for "CSV" on a Japanese
    machine; it is a superset of Shift_JIS, so Shift_JIS files read as CP932.
    A UTF-8 BOM is a declaration: a file that starts with one but is not UTF-8
    is refused rather than guessed at, since its producer already got the
    encoding wrong once.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            offset = exc.start + len(codecs.BOM_UTF8)
            hint_ja, hint_en = _cp932_hint(data[len(codecs.BOM_UTF8) :])
            raise ImportProblems(
                [
                    error(
                        Place(place.file, None, _line_of(data, offset)),
                        f"先頭に UTF-8 の印（BOM）がありますが、中身は UTF-8 ではありません"
                        f"（{offset + 1} バイト目）。{hint_ja}",
                        f"the file starts with a UTF-8 byte order mark but is not UTF-8 "
                        f"(byte {offset + 1}); {hint_en}",
                    )
                ]
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp932"), "cp932"
        except UnicodeDecodeError:
            offset = utf8_error.start
            raise ImportProblems(
                [
                    error(
                        Place(place.file, None, _line_of(data, offset)),
                        f"文字コードが分かりません（UTF-8 でも Shift_JIS(CP932) でも読めません。"
                        f"{offset + 1} バイト目）。UTF-8 で保存し直してください",
                        f"unknown encoding: neither UTF-8 nor Shift_JIS (CP932) (byte {offset + 1}); "
                        f"save the file as UTF-8",
                    )
                ]
            ) from utf8_error


def _cp932_hint(data: bytes) -> tuple[str, str]:
    try:
        data.decode("cp932")
    except UnicodeDecodeError:
        return "UTF-8 で保存し直してください", "save it again as UTF-8"
    return (
        "Shift_JIS(CP932) のようです。UTF-8 で保存し直すか、BOM を外してください",
        "it reads as Shift_JIS (CP932); save it again as UTF-8 or remove the mark",
    )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# --- text: rows -------------------------------------------------------------


def _tab_separated_rows(text: str) -> Iterator[SourceRow]:
    """Text extracted from a PDF table: one row a line, cells separated by tabs."""
    for number, line in enumerate(text.splitlines(), start=1):
        yield SourceRow(None, number, tuple(line.split("\t")))


def _comma_separated_rows(text: str) -> Iterator[SourceRow]:
    """CSV as spreadsheets write it: quoted cells may hold commas and line breaks.

    A row's number is its record number, which is the row a spreadsheet shows
    when it opens the file (a cell with line breaks still makes one row).
    """
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        yield SourceRow(None, number, tuple(cells))


JSON_FORMAT = "json"
"""The format of this site's JSON download; its texts are never neutralised with ``'``."""


def _json_download_rows(text: str, place: Place) -> Iterator[SourceRow]:
    """This site's JSON download (``{"fields": [...], "statuses": [{...}, ...]}``)
    as rows: the fields' Japanese labels, then each status's values in their order."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as problem:
        raise ImportProblems(
            [
                error(
                    Place(place.file, row=problem.lineno),
                    f"JSON として読めません（{problem.msg}）",
                    f"not valid JSON ({problem.msg})",
                )
            ]
        ) from None
    fields = document.get("fields") if isinstance(document, dict) else None
    statuses = document.get("statuses") if isinstance(document, dict) else None
    if (
        not isinstance(fields, list)
        or not isinstance(statuses, list)
        or not all(isinstance(f, dict) and "name" in f and "label_ja" in f for f in fields)
    ):
        raise ImportProblems(
            [
                error(
                    place,
                    "このサイトの JSON ダウンロードの形（fields と statuses）ではありません",
                    "not this site's JSON download (fields and statuses)",
                )
            ]
        )
    names = [str(f["name"]) for f in fields]
    yield SourceRow(None, 1, tuple(str(f["label_ja"]) for f in fields))
    for number, status in enumerate(statuses, start=2):
        values = status if isinstance(status, dict) else {}
        yield SourceRow(None, number, tuple(_json_cell(values.get(name)) for name in names))


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _counted(
    rows: Iterator[SourceRow], progress: Progress | None, budget: RowBudget
) -> Iterator[SourceRow]:
    count = 0
    for row in rows:
        budget.take(row.sheet, row.number, row.cells)
        count += 1
        if progress is not None and count % _PROGRESS_EVERY == 0:
            progress(count)
        yield row
    if progress is not None:
        progress(count)


# --- PDF --------------------------------------------------------------------


def _read_pdf(path: Path, data: bytes, progress: Progress | None, budget: RowBudget) -> SourceTable:
    """A PDF's tables (``importers.pdf``), each row placed as ``page N`` and its
    row on that page. Pages with no text layer (a scan) are read through OCR
    when it is installed (``importers.ocr``); otherwise the file is refused
    with what to install."""
    from importers.ocr import OCR_FORMAT, missing_ocr_problem, ocr_available, with_text_layer
    from importers.pdf import ScannedPages, page_label, read_pdf

    place = Place(path.name)
    file_format = "pdf"
    try:
        read = read_pdf(path.name, data, progress)
    except ScannedPages as scanned:
        if not ocr_available():
            raise ImportProblems([missing_ocr_problem(place, scanned.pages)]) from None
        file_format = OCR_FORMAT
        try:
            read_data, rules = with_text_layer(data, place)
            read = read_pdf(path.name, read_data, progress, ocr=True, rules=rules)
        except ScannedPages as unread:
            shown = "、".join(map(str, unread.pages))
            raise ImportProblems(
                [
                    error(
                        place,
                        f"OCR でも文字を読み取れないページがあります: {shown} ページ",
                        f"OCR found no text on page(s) {shown}",
                    )
                ]
            ) from None
    rows = [SourceRow(page_label(row.page), row.number, row.cells, row.part) for row in read]
    for row in rows:
        budget.take(row.sheet, row.number, row.cells)
    if not rows:
        raise ImportProblems(
            [
                error(
                    place, "PDF に表も文字も見つかりません", "no table and no text found in the PDF"
                )
            ]
        )
    pages = tuple(dict.fromkeys(row.sheet for row in rows))
    return SourceTable(path.name, file_format, rows, pages)


# --- Excel ------------------------------------------------------------------

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=[\"']([A-Z]+)(\d+):([A-Z]+)(\d+)[\"']")


def _broken_workbook(place: Place) -> ImportProblems:
    return ImportProblems(
        [
            error(
                place,
                "Excel ファイルが壊れているか、途中で切れています。元のファイルをもう一度保存してください",
                "the Excel file is damaged or cut short; save the original again",
            )
        ]
    )


def _read_workbook(
    path: Path, data: bytes, progress: Progress | None, budget: RowBudget
) -> SourceTable:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    damaged = (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        ValueError,
        OSError,
        ElementTree.ParseError,
        InvalidFileException,
    )

    place = Place(path.name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if "xl/workbook.xml" not in archive.namelist():
            raise ImportProblems(
                [
                    error(
                        place,
                        "ZIP ファイルですが Excel（.xlsx）のブックではありません",
                        "a zip archive, but not an Excel workbook (.xlsx)",
                    )
                ]
            )
        _check_expanded_size(archive, place, budget.limits)
        members = _sheet_members(archive)
        _check_sheet_dimensions(archive, members, place, budget.limits)
        merges = _vertical_merges(archive, members)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except damaged as exc:
        raise _broken_workbook(place) from exc
    try:
        rows: list[SourceRow] = []
        sheet_names = tuple(workbook.sheetnames)
        for sheet_name in sheet_names:
            # Hidden sheets are read too: a row is never left out unseen.
            sheet = workbook[sheet_name]
            if not hasattr(sheet, "iter_rows"):  # a chart sheet holds no cells
                continue
            carry = _MergeCarry(merges.get(sheet_name, []))
            for number, cells in enumerate(_sheet_rows(sheet, budget), start=1):
                budget.take(sheet_name, number, cells)
                rows.append(SourceRow(sheet_name, number, tuple(carry.fill(number, cells))))
                if progress is not None and len(rows) % _PROGRESS_EVERY == 0:
                    progress(len(rows))
    except damaged as exc:
        raise _broken_workbook(place) from exc
    finally:
        workbook.close()
    if progress is not None:
        progress(len(rows))
    return SourceTable(path.name, "xlsx", rows, sheet_names)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


_ROW_TAG = f"{{{_MAIN_NS}}}row"
_VALUE_TAG = f"{{{_MAIN_NS}}}v"
_INLINE_STRING_TAG = f"{{{_MAIN_NS}}}is"
_TEXT_TAG = f"{{{_MAIN_NS}}}t"


def _sheet_rows(sheet: "ReadOnlyWorksheet", budget: RowBudget) -> Iterator[list[str]]:
    """Each row of a sheet as the text of its cells: what openpyxl's read-only
    ``iter_rows(values_only=True)`` gives once the sheet's recorded size is
    reset, each value turned to text by ``_cell_text``.

    The sheet's recorded size is not trusted (some programs write it wrong, and
    cells outside it would be dropped): every row is read. A missing row reads
    as an empty one, and a row ends at the column of its last cell, as in
    openpyxl. The rows are parsed here, from the sheet's XML as it streams out
    of the archive, in about a third of the time openpyxl took with the objects
    it makes for each cell and its text; the workbook itself (its sheets, shared
    strings and date styles) is still read by openpyxl, and the rarer values
    (rich text, numbers in a date style) are converted by openpyxl's own code.
    ``tests/importers/test_workbook_cells.py`` holds the two readers to the same rows.

    A row numbered beyond the row limit is refused as soon as it is seen, before
    the empty rows that would lead up to it are made (``budget``).
    """
    texts = _CellTexts(sheet)
    expected = 1
    """The number of the next row to give; rows missing before it are given empty."""
    number = 0
    with sheet._get_source() as source:
        for _event, element in ElementTree.iterparse(source):
            if element.tag != _ROW_TAG:
                continue
            number = _row_number(element.get("r"), number)
            if number >= expected:
                budget.reaching(sheet.title, number, number - expected)
            column = 0
            columns: list[int] = []
            cells: list[str] = []
            for cell in element:
                reference = cell.get("r")
                column = _reference_column(reference) if reference else column + 1
                columns.append(column)
                cells.append(texts.text(cell, reference))
            element.clear()
            for _missing in range(expected, number):
                expected += 1
                yield []
            if expected <= number:  # a row out of order is left out, as in openpyxl
                expected += 1
                yield cells if _in_order(columns) else _placed(columns, cells)


class _CellTexts:
    """A cell's value as text, converted as openpyxl converts it in its
    read-only mode (the cached value of a formula, not the formula), then by
    ``_cell_text``."""

    def __init__(self, sheet: "ReadOnlyWorksheet") -> None:
        workbook = sheet.parent
        self.shared_strings: list[str] = sheet._shared_strings
        self.date_styles: set[int] = workbook._date_formats
        self.duration_styles: set[int] = workbook._timedelta_formats
        self.epoch: datetime = workbook.epoch

    def text(self, cell: ElementTree.Element, reference: str | None) -> str:
        style = cell.get("s")
        style_id = int(style) if style else 0
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return _inline_text(cell.find(_INLINE_STRING_TAG))
        value = cell.findtext(_VALUE_TAG, None) or None
        if value is None:
            return ""
        if kind == "s":
            return self.shared_strings[int(value)]
        if kind == "n":
            return self.number_text(value, style_id, reference)
        if kind == "b":
            return "TRUE" if int(value) else "FALSE"
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return _cell_text(from_ISO8601(value))
        return value  # "str" (a formula's text) or "e" (an error such as #N/A)

    def number_text(self, value: str, style_id: int, reference: str | None) -> str:
        number = float(value) if "." in value or "E" in value or "e" in value else int(value)
        if style_id not in self.date_styles:
            return _cell_text(number)
        from openpyxl.utils.datetime import from_excel

        try:
            moment = from_excel(number, self.epoch, timedelta=style_id in self.duration_styles)
        except (OverflowError, ValueError):
            warnings.warn(
                f"Cell {reference} is marked as a date but the serial value {number} is outside "
                "the limits for dates. The cell will be treated as an error.",
                stacklevel=2,
            )
            return "#VALUE!"
        return _cell_text(moment)


def _inline_text(inline: ElementTree.Element | None) -> str:
    """An inline string's text; rich text and phonetic readings as openpyxl joins them."""
    if inline is None:
        return ""
    if not inline.attrib and len(inline) == 1 and inline[0].tag == _TEXT_TAG:
        return inline[0].text or ""
    from openpyxl.cell.text import Text

    return Text.from_tree(inline).content


def _row_number(attribute: str | None, previous: int) -> int:
    if attribute is None:
        return previous + 1
    try:
        return int(attribute)
    except ValueError:
        value = float(attribute)
        if not value.is_integer():
            raise ValueError(f"{attribute} is not a valid row number") from None
        return int(value)


def _reference_column(reference: str) -> int:
    """``B12`` → 2 (from 1, as openpyxl counts)."""
    letters = reference.rstrip("0123456789")
    column = _column_number(letters) if len(letters) < len(reference) else None
    if column is None:
        from openpyxl.utils.cell import coordinate_to_tuple

        return coordinate_to_tuple(reference)[1]  # or its error for a malformed reference
    return column


@cache
def _column_number(letters: str) -> int | None:
    from openpyxl.utils.cell import column_index_from_string

    try:
        return column_index_from_string(letters)
    except ValueError:
        return None


def _in_order(columns: list[int]) -> bool:
    """Whether the cells are in columns 1, 2, 3…, as they usually are."""
    return columns == list(range(1, len(columns) + 1))


def _placed(columns: list[int], cells: list[str]) -> list[str]:
    """The row's texts by column (from 1), up to the column of its last cell."""
    width = columns[-1]
    row = [""] * width
    for column, text in zip(columns, cells, strict=True):
        if 1 <= column <= width:
            row[column - 1] = text
    return row


def _vertical_merges(
    archive: zipfile.ZipFile, members: dict[str, str]
) -> dict[str, list[tuple[int, int, int]]]:
    """Each sheet's merged ranges as (first row, last row, first column).

    Rows are 1-based as in the sheet; the column is a 0-based cell index.

    openpyxl's read-only mode streams cells and does not report merged ranges:
    a merged cell's value sits in its top-left cell and the cells below it read
    as empty. The ranges are listed in the sheet's ``<mergeCells>`` element,
    after all the rows, so it is found by scanning the sheet's XML as bytes
    (fast, constant memory) rather than parsing it a second time.
    """
    merges: dict[str, list[tuple[int, int, int]]] = {}
    for name, member in members.items():
        ranges = []
        for first_column, first_row, _last_column, last_row in _merge_refs(archive, member):
            if int(last_row) > int(first_row):
                ranges.append((int(first_row), int(last_row), _column_index(first_column.decode())))
        merges[name] = ranges
    return merges


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the archive member that holds its XML."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in relations.iter(f"{{{_PACKAGE_REL_NS}}}Relationship")
    }
    names = set(archive.namelist())
    members: dict[str, str] = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
        if member in names:
            members[sheet.get("name", "")] = member
    return members


def _check_expanded_size(archive: zipfile.ZipFile, place: Place, limits: ImportLimits) -> None:
    """Refuse a workbook whose parts, uncompressed, add up to more than the limit.

    The sizes are those of the zip's directory, read before anything is
    uncompressed; they can be trusted as a bound, because the archive reader
    stops at the recorded size of a part (and refuses a part that differs from it).
    """
    expanded = sum(item.file_size for item in archive.infolist())
    if expanded > limits.expanded_bytes:
        raise expands_too_far(place, expanded, limits.expanded_bytes)


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=[\"']([A-Z]*)(\d*):?([A-Z]*)(\d*)[\"']")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")


def _check_sheet_dimensions(
    archive: zipfile.ZipFile, members: dict[str, str], place: Place, limits: ImportLimits
) -> None:
    """Refuse a sheet whose recorded range (``<dimension ref="A1:F70"/>``, near
    the top of its XML, before the rows) has more rows than the limit.

    Only the sheet's head is read. The range may be missing or wrong; the rows
    themselves are checked again as they are read (``_sheet_rows``).
    """
    for name, member in members.items():
        with archive.open(member) as stream:
            head = stream.read(1 << 16)
        head = head[: match.start()] if (match := _SHEET_DATA.search(head)) else head
        dimension = _DIMENSION.search(head)
        if dimension is None:
            continue
        last_row = dimension.group(4) or dimension.group(2)
        if last_row and int(last_row) > limits.rows:
            reference = dimension.group(0).split(b"ref=")[1][1:-1].decode()
            raise sheet_too_large(Place(place.file, name), reference, limits.rows)


def _merge_refs(archive: zipfile.ZipFile, member: str) -> list[tuple[bytes, ...]]:
    found: list[tuple[bytes, ...]] = []
    tail = b""
    seen_merges = False
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            if not seen_merges:
                start = text.find(b"mergeCells")
                if start < 0:
                    tail = text[-32:]
                    continue
                seen_merges = True
                text = text[max(start - 8, 0) :]
            # Keep an incomplete element for the next chunk.
            cut = text.rfind(b"<")
            found.extend(match.groups() for match in _MERGE_CELL.finditer(text[:cut]))
            tail = text[cut:]
    found.extend(match.groups() for match in _MERGE_CELL.finditer(tail))
    return found


def _column_index(letters: str) -> int:
    """``A`` → 0, ``AB`` → 27."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


class _MergeCarry:
    """Carries a vertically merged cell's value down the rows the merge covers.

    Only the merge's first column is filled, so every covered row looks like the
    merge's top row; horizontal merges (a title across the table) stay as they
    are. The normaliser then sees the same goal or direction label on each row
    of its block, which it reads as one block.
    """

    def __init__(self, ranges: list[tuple[int, int, int]]) -> None:
        self.starting: dict[int, list[tuple[int, int]]] = {}
        for first_row, last_row, column in ranges:
            self.starting.setdefault(first_row, []).append((last_row, column))
        self.active: list[tuple[int, int, str]] = []

    def fill(self, number: int, cells: list[str]) -> list[str]:
        if not self.starting and not self.active:
            return cells
        if self.active:
            self.active = [entry for entry in self.active if entry[0] >= number]
            for _last_row, column, value in self.active:
                if column < len(cells) and not cells[column]:
                    cells[column] = value
                elif column >= len(cells):
                    cells.extend([""] * (column - len(cells)) + [value])
        for last_row, column in self.starting.pop(number, []):
            value = cells[column] if column < len(cells) else ""
            self.active.append((last_row, column, value))
        return cells
