"""Readers: a file in, rows of cells with their places out. No structure, no database.

The format is chosen by the file's content, not its name: a zip archive is read
as an Excel workbook, text as CSV or as the tab-separated text extracted from a
PDF. Files that are not tables (a PDF, a web page, an old ``.xls``) are refused
with a message that says what the file is and what to do instead.
"""

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from importers.problems import ImportProblems, Place, error

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

    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True)
class SourceTable:
    file_name: str
    file_format: str
    """``xlsx``, or a text format with the encoding it was read in: ``csv (cp932)``."""
    rows: list[SourceRow]
    sheet_names: tuple[str | None, ...] = (None,)


def read_table(path: Path, *, progress: Progress | None = None) -> SourceTable:
    """Read any supported file, choosing the reader by the file's content."""
    data = path.read_bytes()
    place = Place(path.name)
    if not data.strip():
        raise ImportProblems([error(place, "ファイルが空です", "the file is empty")])
    not_a_table = _not_a_table(data)
    if not_a_table is not None:
        ja, en = not_a_table
        raise ImportProblems([error(place, ja, en)])
    if data.startswith(_ZIP_MAGIC):
        return _read_workbook(path, data, progress)
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
    if _is_tab_separated(text):
        rows = list(_counted(_tab_separated_rows(text), progress))
        return SourceTable(path.name, f"tsv ({encoding})", rows)
    rows = list(_counted(_comma_separated_rows(text), progress))
    return SourceTable(path.name, f"csv ({encoding})", rows)


# --- what a file is -------------------------------------------------------

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _not_a_table(data: bytes) -> tuple[str, str] | None:
    head = data.lstrip()[:8]
    if head.startswith(b"%PDF"):
        return (
            "PDF ファイルです。表の文字を取り出して（タブ区切りテキスト）、または Excel・CSV で取り込んでください",
            "this is a PDF; extract its table as tab-separated text, or use Excel or CSV",
        )
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


def _counted(rows: Iterator[SourceRow], progress: Progress | None) -> Iterator[SourceRow]:
    count = 0
    for row in rows:
        count += 1
        if progress is not None and count % _PROGRESS_EVERY == 0:
            progress(count)
        yield row
    if progress is not None:
        progress(count)


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


def _read_workbook(path: Path, data: bytes, progress: Progress | None) -> SourceTable:
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
        merges = _vertical_merges(archive)
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
            # The sheet's recorded size is not trusted (some programs write it
            # wrong, and cells outside it would be dropped): read every row.
            sheet.reset_dimensions()
            carry = _MergeCarry(merges.get(sheet_name, []))
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = carry.fill(
                    number,
                    [value if value.__class__ is str else _cell_text(value) for value in values],
                )
                rows.append(SourceRow(sheet_name, number, tuple(cells)))
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


def _vertical_merges(archive: zipfile.ZipFile) -> dict[str, list[tuple[int, int, int]]]:
    """Each sheet's merged ranges as (first row, last row, first column).

    Rows are 1-based as in the sheet; the column is a 0-based cell index.

    openpyxl's read-only mode streams cells and does not report merged ranges:
    a merged cell's value sits in its top-left cell and the cells below it read
    as empty. The ranges are listed in the sheet's ``<mergeCells>`` element,
    after all the rows, so it is found by scanning the sheet's XML as bytes
    (fast, constant memory) rather than parsing it a second time.
    """
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in relations.iter(f"{{{_PACKAGE_REL_NS}}}Relationship")
    }
    merges: dict[str, list[tuple[int, int, int]]] = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
        if member not in archive.namelist():
            continue
        ranges = []
        for first_column, first_row, _last_column, last_row in _merge_refs(archive, member):
            if int(last_row) > int(first_row):
                ranges.append((int(first_row), int(last_row), _column_index(first_column.decode())))
        merges[sheet.get("name", "")] = ranges
    return merges


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
