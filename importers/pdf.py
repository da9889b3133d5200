"""The PDF reader: a city's printed table back into rows of cells. Pure: no database.

A city's status table is usually a workbook printed to PDF: one ruled table
over many pages, the header repeated at the top of each, goal and direction
cells merged down their blocks. pdfplumber gives the characters with their
positions and the ruling lines; this module turns them into the ``SourceRow``s
the other readers produce, so the normaliser sees a PDF as it sees a sheet:

- **Grid.** A page's ruled table is cut into row bands and columns at every
  ruling edge of its cells. A cell spanning several bands is a vertically merged
  cell: its text is carried down every band it covers, as the workbook reader
  carries a merged cell down its rows. Space inside the table that no closed
  cell covers is a merged cell cut by the page break (printers leave its bottom
  rule off): it continues in the same column at the top of the next page, and
  the two parts are one cell, whose label may be drawn in either.
- **Rows across pages.** A row split by a page break (its cells continue under
  the repeated header) is joined back: the first row of a continued table whose
  always-filled column is empty belongs to the row above it.
- **Lines in a cell.** A line that the layout wrapped is joined to the next
  (Japanese without a space, Latin words with one); a line the author ended
  keeps its line break. The two are told apart by room: a wrapped line ends
  where the next line's first word would not have fitted beside it, while a
  typed break leaves room for it.
- **Text around tables.** Lines outside the tables become one-cell rows: the
  title and the plan's aim above the first table, a goal's heading above its
  own table, footnotes. Lines repeated on most pages (running heads, page
  numbers) are left out.
- **Tables without rules.** A page with text but no ruled table is read by the
  text's positions: columns are the white gutters under the header, and a row
  starts where the densest column starts a new paragraph.

Each row is placed as ``page N`` (the sheet of a place) and its row on that page.
A page with no text layer (a scan) is reported by raising ``ScannedPages``; the
reader then reads the file through OCR (``importers.ocr``) when it is installed.
The rules of a scanned page are found in its picture (``_raster_rules``).
"""

import io
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from importers.columns import is_header, match_header
from importers.problems import ImportProblems, Place, error

PAGE_PREFIX = "page "
"""A PDF row's sheet is ``page N``: places read ``file:page N:row:column``."""


def page_label(number: int) -> str:
    return f"{PAGE_PREFIX}{number}"


def page_of(sheet: str | None) -> int | None:
    """The page number of a place's sheet, when the place is in a PDF."""
    if sheet is None or not sheet.startswith(PAGE_PREFIX):
        return None
    number = sheet[len(PAGE_PREFIX) :]
    return int(number) if number.isdigit() else None


Rules = tuple[list[dict], list[dict]]
"""A page's ruling lines as pdfplumber edges: horizontal, vertical."""


@dataclass(frozen=True)
class PdfRow:
    page: int
    number: int
    """1-based row on its page."""
    cells: tuple[str, ...]
    part: int
    """Which table of the file the row belongs to (a table may run over many pages)."""
    margin: str | None = None
    """For a line in a page's margin, its text folded: a running head or page
    number is left out once every page has been seen."""


# --- characters and lines --------------------------------------------------------


@dataclass
class _Line:
    chars: list[dict]
    top: float
    size: float

    @property
    def x0(self) -> float:
        return min(char["x0"] for char in self.chars)

    @property
    def x1(self) -> float:
        return max(char["x1"] for char in self.chars)

    def text(self) -> str:
        """The line's characters, with a space where the PDF leaves a gap between
        words without drawing one (Latin words). OCR's text layer draws a space
        between the words it read, but Japanese has no spaces between words:
        those between two Japanese characters are left out."""
        out: list[str] = []
        previous = None
        chars = self.chars
        if chars and chars[0].get("ocr"):
            return _ocr_line_text(chars)
        for char in chars:
            gap = 0.0 if previous is None else char["x0"] - previous["x1"]
            if (
                previous is not None
                and char["text"] != " "
                and previous["text"] != " "
                and gap > 0.25 * self.size
                # OCR draws each word it read apart: Japanese has no spaces between words.
                and (
                    char["text"].isascii()
                    or previous["text"].isascii()
                    or (gap >= 0.8 * self.size and not char.get("ocr"))
                )
            ):
                out.append(" " if gap < 0.8 * self.size else "\u3000")
            out.append(char["text"])
            previous = char
        return "".join(out).strip(" ")


_LABEL_NUMBER = re.compile(r"^[\dIVXivx|l.()（）]+$")
"""What a label's number reads as at the start of a line (1, (1), Ⅰ as I or |)."""


def _ocr_line_text(chars: list[dict]) -> str:
    """A line of OCR's text layer: its characters in the order drawn, with a
    space only between two Latin words and after a label's number (OCR's
    positions are too rough to measure gaps by, and it draws a space between
    every two words it read)."""
    out: list[str] = []
    for index, char in enumerate(chars):
        if char["text"] == " ":
            before = chars[index - 1]["text"] if index else ""
            after = chars[index + 1]["text"] if index + 1 < len(chars) else ""
            between_words = _is_latin(before) and _is_latin(after)
            after_number = _LABEL_NUMBER.match("".join(out)) is not None
            if not (between_words or after_number) or (out and out[-1] == " "):
                continue
        out.append(char["text"])
    return "".join(out).strip(" ")


def _lines(chars: Sequence[dict]) -> list[_Line]:
    """Characters grouped into lines, top to bottom, each in the order it was
    drawn in (the reading order: the positions OCR gives the characters inside
    a word it read are estimates, which may overlap the next word's)."""
    lines: list[_Line] = []
    for char in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        size = char["size"] or (char["bottom"] - char["top"])
        for line in reversed(lines[-3:]):
            if abs(char["top"] - line.top) < 0.5 * max(size, line.size):
                line.chars.append(char)
                break
        else:
            lines.append(_Line([char], char["top"], size))
    for line in lines:
        line.chars.sort(key=lambda c: c["order"])
    lines.sort(key=lambda line: line.top)
    return lines


_NO_LINE_START = set(
    "、。，．,.)）］」』】〕〉》ー～ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・：；:;!?！？%％"
)
"""Characters a Japanese line may not start with: the layout moves the character
before them down with them, so the line above ends a character early."""
_NO_LINE_END = set("(（［「『【〔〈《")


def _first_unit_width(line: _Line) -> float:
    """The width the next line's start needs: the characters the layout cannot
    part, its first character with the Latin letters, digits and marks stuck to
    it (``オ/DVD``) and the characters that may not start a line (``す。``)."""
    chars = line.chars
    end = 1
    while end < len(chars) and (
        chars[end]["text"] in _NO_LINE_START
        or (
            (
                chars[end]["text"].isascii()
                and chars[end]["text"].strip()
                and _is_latin(chars[end - 1]["text"])
            )
            or chars[end]["text"] in "/-."
        )
    ):
        end += 1
    return chars[end - 1]["x1"] - chars[0]["x0"]


def _is_latin(text: str) -> bool:
    return text.isascii() and (text.isalnum() or text in "-'&/.,")


def cell_text(chars: Sequence[dict], left: float, right: float) -> str:
    """A cell's text from its characters and the cell's edges.

    Lines the layout wrapped are joined: a line is wrapped when the next line's
    first word (with the characters that may not start a line) would not have
    fitted in the room left at its end. The room is measured to the cell's
    right edge less its padding, taken to equal the left padding of its
    leftmost line. Otherwise the author broke the line, and the break is kept.
    """
    lines = _lines(chars)
    if not lines:
        return ""
    if lines[0].chars[0].get("ocr"):
        return _ocr_cell_text(lines)
    padding = max(0.0, min(line.x0 for line in lines) - left)
    limit = right - padding
    out = lines[0].text()
    for line, following in itertools.pairwise(lines):
        room = limit - line.x1
        # A line ending in an opening bracket is never the author's: the layout
        # would have moved the bracket down.
        wrapped = (
            room < _first_unit_width(following) + 0.5 or line.chars[-1]["text"] in _NO_LINE_END
        )
        text = following.text()
        if not wrapped:
            out += "\n" + text
        elif line.chars[-1]["text"] == " " or (
            _is_latin(line.chars[-1]["text"]) and _is_latin(following.chars[0]["text"])
        ):
            # The layout broke the line at a space it drew at the line's end,
            # or between Latin words whose space it left out.
            out += " " + text
        else:
            out += text
    return out


_OCR_LABEL_NUMBER = re.compile(
    r"^(?:[^\u3040-\u30ff\u4e00-\u9fff]{1,4}|\S{1,3}(?=[ \u3000]))[ \u3000]?"
)
"""What stands before a goal's title in a label as OCR reads it: Ⅰ, Ⅱ and Ⅲ
alike as bars, l's, or a character such as 上."""


def _goals_numbered_in_order(rows: list[PdfRow]) -> list[PdfRow]:
    """In a table read through OCR, the basic goals' labels numbered by their
    order in the goal column: the first label is Ⅰ, the next different one Ⅱ,
    and so on. OCR cannot tell the Roman numerals Ⅰ, Ⅱ and Ⅲ apart (it reads
    them as bars, l's or 上), but a merged goal cell's label is one reading
    carried down its rows, and goals come in sequence: the normaliser checks
    that they do, so a label read twice differently is reported, never taken
    silently. The goal column is the one the header names (``importers.columns``)."""
    goal_column: dict[int, int] = {}
    numbers: dict[int, dict[str, int]] = {}
    out = []
    for row in rows:
        cells = list(row.cells)
        found = match_header(tuple(cells))
        if is_header(found):
            if "goal" in found:
                goal_column[row.part] = found["goal"]
            out.append(row)
            continue
        col = goal_column.get(row.part)
        if col is not None and len(cells) > 1 and col < len(cells) and cells[col].strip():
            title = _OCR_LABEL_NUMBER.sub("", cells[col].strip(), count=1)
            seen = numbers.setdefault(row.part, {})
            number = seen.setdefault(title, len(seen) + 1)
            if number <= 12:
                cells[col] = f"{chr(0x215F + number)} {title}"
        out.append(PdfRow(row.page, row.number, tuple(cells), row.part, row.margin))
    return out


def _ocr_cell_text(lines: list[_Line]) -> str:
    """A cell of OCR's text layer: its lines joined, as if all were wrapped (OCR's
    positions are too rough to tell the author's line breaks), Latin words with
    a space; a Roman numeral OCR read as bars or l's is read as I's."""
    text = ""
    for line in lines:
        part = line.text()
        if text and part:
            text = _joined(text, part)
        else:
            text += part
    return text


def _inside(chars: Sequence[dict], x0: float, top: float, x1: float, bottom: float) -> list[dict]:
    return [
        c
        for c in chars
        if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom
    ]


# --- ruled tables -------------------------------------------------------------------


@dataclass
class _Region:
    """A cell of a page's grid: bands ``row0``–``row1`` (exclusive) of column ``col``."""

    col: int
    row0: int
    row1: int
    text: str
    closed: bool
    """False for space no closed cell covers: a merged cell cut by the page's end."""
    span: int = 1
    """How many columns it covers."""


@dataclass
class _Grid:
    page: int
    top: float
    bottom: float
    xs: list[float]
    ys: list[float]
    regions: list[_Region]

    @property
    def columns(self) -> int:
        return len(self.xs) - 1

    @property
    def bands(self) -> int:
        return len(self.ys) - 1


def _snap(values: Sequence[float], tolerance: float = 2.0) -> list[float]:
    snapped: list[float] = []
    for value in sorted(values):
        if not snapped or value - snapped[-1] > tolerance:
            snapped.append(value)
    return snapped


def _index(edges: Sequence[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _grid(page_number: int, table, chars: Sequence[dict]) -> _Grid:
    """A ruled table's cells on a row-band × column grid, with their texts."""
    cells = table.cells
    xs = _snap([c[0] for c in cells] + [c[2] for c in cells])
    ys = _snap([c[1] for c in cells] + [c[3] for c in cells] + [table.bbox[3]])
    covered = [[False] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    regions: list[_Region] = []
    for x0, top, x1, bottom in cells:
        col0, col1 = _index(xs, x0), _index(xs, x1)
        row0, row1 = _index(ys, top), _index(ys, bottom)
        if col1 <= col0 or row1 <= row0:
            continue
        for row in range(row0, row1):
            for col in range(col0, col1):
                covered[row][col] = True
        text = cell_text(_inside(chars, x0, top, x1, bottom), x0, x1)
        regions.append(_Region(col0, row0, row1, text, True, col1 - col0))
    # Space that no closed cell covers, column by column.
    for col in range(len(xs) - 1):
        row = 0
        while row < len(ys) - 1:
            if covered[row][col]:
                row += 1
                continue
            start = row
            while row < len(ys) - 1 and not covered[row][col]:
                row += 1
            x0, x1 = xs[col], xs[col + 1]
            inside = _inside(chars, x0, ys[start], x1, ys[row])
            regions.append(_Region(col, start, row, cell_text(inside, x0, x1), False))
    return _Grid(page_number, ys[0], ys[-1], xs, ys, regions)


def _open_below(grid: _Grid) -> list[tuple[float, float]]:
    """The columns in which a merged cell is cut by the end of the page."""
    return [
        (grid.xs[region.col], grid.xs[region.col + 1])
        for region in grid.regions
        if not region.closed and region.row1 == grid.bands
    ]


def _unclipped(
    chars: list[dict], grids: list[_Grid], open_above: list[tuple[float, float]]
) -> list[dict]:
    """Characters outside the tables less those a printer clipped away: a merged
    cell cut by a page break is drawn whole on both pages (its label centred in
    the whole cell) and clipped to the part on each page, but the characters
    outside the part stay in the file, below the table on the first page and
    above it on the next."""
    if not grids:
        return chars
    below = [(x0, x1, grid.bottom) for grid in grids for x0, x1 in _open_below(grid)]
    top = grids[0].top

    def clipped(char: dict) -> bool:
        x = (char["x0"] + char["x1"]) / 2
        y = (char["top"] + char["bottom"]) / 2
        return any(x0 <= x < x1 and y > bottom for x0, x1, bottom in below) or any(
            x0 <= x < x1 and y < top for x0, x1 in open_above
        )

    return [char for char in chars if not clipped(char)]


def _band_cells(grid: _Grid) -> list[list[str]]:
    """Each band's cells: a cell's text in its first column, carried down every
    band it covers (a vertically merged cell), as the workbook reader does."""
    rows = [[""] * grid.columns for _ in range(grid.bands)]
    for region in grid.regions:
        for band in range(region.row0, region.row1):
            rows[band][region.col] = region.text
    return rows


# --- reading a document ------------------------------------------------------------


Progress = Callable[[int], None]


@dataclass
class _Part:
    """One table of the file and the lines around it, as a sheet is to a workbook."""

    number: int
    header: tuple[str, ...] | None = None
    columns: int = 0
    last_cells: list[list[str]] | None = None
    """The cells of the part's rows on the last page read."""
    open_groups: dict[int, "_Group"] = field(default_factory=dict)
    """Merged cells cut by the last page's end, by column."""
    header_position: int | None = None
    """Where the part's first header row is in the reader's rows."""


@dataclass
class _PageItem:
    top: float
    rows: list[list[str]]
    grid: _Grid | None = None
    margin: str | None = None


@dataclass
class _Reader:
    file_name: str
    ocr: bool = False
    """Whether the text layer is OCR's."""
    rules: dict[int, Rules] = field(default_factory=dict)
    """Each scanned page's rules, when they were found before OCR erased them."""
    rows: list[PdfRow] = field(default_factory=list)
    parts: list[_Part] = field(default_factory=list)
    pending_text: list[tuple[int, list[str]]] = field(default_factory=list)
    """Lines read since the last table, with their page: they belong to the next table."""
    margin_texts: dict[int, list[str]] = field(default_factory=dict)
    groups: list["_Group"] = field(default_factory=list)
    """Every merged cell cut by a page break, to be given its label at the end."""
    open_above: list[tuple[float, float]] = field(default_factory=list)
    """The columns (left, right) in which the last table of the page before ended
    in a merged cell cut by the page break."""


@contextmanager
def _opened(file_name: str, data: bytes) -> Iterator:
    """The PDF open with pdfplumber; a damaged file is refused with its name."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PdfminerException, PDFSyntaxError) as exc:
        raise _broken(file_name) from exc
    try:
        yield pdf
    except (PdfminerException, PDFSyntaxError) as exc:
        raise _broken(file_name) from exc
    finally:
        pdf.close()


class ScannedPages(Exception):
    """Pages (from 1) with no text layer: a scan, or a picture of a table."""

    def __init__(self, pages: list[int]) -> None:
        super().__init__(f"pages without text: {pages}")
        self.pages = pages


def read_pdf(
    file_name: str,
    data: bytes,
    progress: Progress | None = None,
    *,
    ocr: bool = False,
    rules: dict[int, Rules] | None = None,
) -> list[PdfRow]:
    """Every row of every table of a PDF with a text layer, with its page and row.

    Raises ``ScannedPages`` when any page has no text layer (after looking at
    every page, so that all of them are named)."""
    reader = _Reader(file_name, ocr, rules or {})
    scanned: list[int] = []
    with _opened(file_name, data) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if not page.chars:
                scanned.append(number)
            elif not scanned:
                _read_page(reader, number, page)
            page.close()  # each page's objects are freed as soon as it is read
            if progress is not None:
                progress(len(reader.rows))
        if scanned:
            raise ScannedPages(scanned)
        _flush_text(reader)
        _finish_groups(reader)
        pages = len(pdf.pages)
    rows = _without_furniture(reader, pages)
    return _goals_numbered_in_order(rows) if ocr else rows


def _broken(file_name: str) -> ImportProblems:
    return ImportProblems(
        [
            error(
                Place(file_name),
                "PDF ファイルが壊れているか、途中で切れています。元のファイルをもう一度保存してください",
                "the PDF is damaged or cut short; save the original again",
            )
        ]
    )


_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^[-‐−–—―ー#/()（）.．:：pPページ頁第\s]*#[-‐−–—―ー#/()（）.．pPページ頁\s]*$"
)
_MARGIN = 0.1
"""Lines in the top or bottom tenth of a page, outside the tables, may be a
running head or a page number."""


_OCR_SHORT_MARGIN = 12
"""Characters of a line in a page's margin that, in a table read through OCR, is
taken for a running head or a page number; a title is longer."""


def _folded(text: str) -> str:
    return _DIGITS.sub("#", unicodedata.normalize("NFKC", text).replace(" ", ""))


def _without_furniture(reader: _Reader, pages: int) -> list[PdfRow]:
    """The rows less the lines in the pages' margins that repeat on most pages (a
    running head, a page number with its digits folded) or read as a page
    number, renumbered on each page."""
    seen: Counter[str] = Counter()
    for texts in reader.margin_texts.values():
        seen.update(set(texts))
    repeated = {text for text, count in seen.items() if count >= max(2, pages // 2)}
    rows: list[PdfRow] = []
    numbers: Counter[int] = Counter()
    for row in reader.rows:
        if row.margin is not None and (
            row.margin in repeated
            or _PAGE_NUMBER.match(row.margin)
            # OCR reads a running head differently from page to page.
            or (reader.ocr and len(row.margin) <= _OCR_SHORT_MARGIN)
        ):
            continue
        numbers[row.page] += 1
        rows.append(PdfRow(row.page, numbers[row.page], row.cells, row.part))

    return rows


def _read_page(reader: _Reader, number: int, page) -> None:
    # Text drawn outside the page is clipped, not shown: a merged cell cut by a
    # page break is drawn whole on both pages, its label off the edge of one.
    x0, top, x1, bottom = page.bbox
    chars = [
        c | {"order": order, "ocr": reader.ocr}
        for order, c in enumerate(page.chars)
        if (c["text"].strip() or c["text"] == " ")
        and x0 <= (c["x0"] + c["x1"]) / 2 <= x1
        and top <= (c["top"] + c["bottom"]) / 2 <= bottom
    ]
    settings: dict = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
    if number in reader.rules or (page.images and not page.edges):
        # A scanned page (with the text OCR added): its rules are in the picture,
        # found before OCR (which reads better without them) or now.
        horizontal, vertical = reader.rules.get(number) or _raster_rules(page)
        settings = {
            "vertical_strategy": "explicit",
            "horizontal_strategy": "explicit",
            "explicit_vertical_lines": vertical,
            "explicit_horizontal_lines": horizontal,
        }
    tables = [t for t in page.find_tables(settings) if len(t.cells) >= 4]
    items: list[_PageItem] = []
    inside = []
    for table in tables:
        x0, top, x1, bottom = table.bbox
        grid = _grid(number, table, chars)
        items.append(_PageItem(top, _band_cells(grid), grid))
        inside.append((x0 - 1, top - 1, x1 + 1, bottom + 1))
    outside = [
        c
        for c in chars
        if not any(
            b[0] <= (c["x0"] + c["x1"]) / 2 <= b[2] and b[1] <= (c["top"] + c["bottom"]) / 2 <= b[3]
            for b in inside
        )
    ]
    grids = [item.grid for item in items if item.grid is not None]
    outside = _unclipped(outside, grids, reader.open_above)
    reader.open_above = _open_below(grids[-1]) if grids else []
    lines = _lines(outside)
    margin_lines = [
        line
        for line in lines
        if line.top < _MARGIN * page.height or line.top + line.size > (1 - _MARGIN) * page.height
    ]
    lines = [line for line in lines if line not in margin_lines]
    if not tables and lines:
        unruled = _unruled_table(lines)
        if unruled is not None:
            above, table_top, rows, below = unruled
            items.append(_PageItem(table_top, rows))
            lines = above + below
    for line in lines:
        items.append(_PageItem(line.top, [[line.text()]]))
    for line in margin_lines:
        items.append(_PageItem(line.top, [[line.text()]], margin=_folded(line.text())))
    items.sort(key=lambda item: item.top)
    reader.margin_texts[number] = [item.margin for item in items if item.margin is not None]
    for item in items:
        if item.margin is not None:
            part = reader.parts[-1].number if reader.parts else 0
            reader.rows.append(PdfRow(number, 0, tuple(item.rows[0]), part, item.margin))
        elif item.grid is None and not _is_table_rows(item):
            reader.pending_text.append((number, item.rows[0]))
        else:
            _add_table(reader, number, item)


_RASTER_DPI = 100
_DARK = 200
"""Grey levels (0–255) below this are ink."""
_MIN_RULE = 12.0
"""Points a run of ink must be long to be a rule rather than a stroke of a character."""


def _raster_rules(page) -> Rules:
    """The ruling lines drawn in a page's picture (see ``rules_in_picture``)."""
    import numpy as np

    image = page.to_image(resolution=_RASTER_DPI, antialias=True).original.convert("L")
    ink = np.asarray(image) < _DARK
    return rules_in_picture(ink, page.width / ink.shape[1], page.bbox[0], page.bbox[1])[0]


def rules_in_picture(ink, scale: float, left: float = 0.0, top: float = 0.0):
    """The ruling lines in a page's picture (``ink``: a boolean array, rows of
    pixels, ``scale`` points a pixel), as pdfplumber edges, and the runs of
    pixels they are made of (row or column, start, end; ``"h"`` and ``"v"``),
    to erase them before OCR.

    A rule is a run of ink longer than any stroke of a character; the rows (or
    columns) of pixels of one thick line are merged into one edge."""
    import numpy as np

    minimum = int(_MIN_RULE / scale)

    def runs(grid) -> list[tuple[int, int, int]]:
        found = []
        padded = np.zeros((grid.shape[0], grid.shape[1] + 2), dtype=np.int8)
        padded[:, 1:-1] = grid
        steps = np.diff(padded, axis=1)
        for index in np.nonzero(grid.sum(axis=1) >= minimum)[0]:
            starts = np.nonzero(steps[index] == 1)[0]
            ends = np.nonzero(steps[index] == -1)[0]
            found += [
                (int(index), int(a), int(b))
                for a, b in zip(starts, ends, strict=True)
                if b - a >= minimum
            ]
        return found

    def merged(segments: list[tuple[int, int, int]]) -> list[tuple[float, float, float]]:
        lines: list[list[float]] = []  # [first index, last index, start, end]
        for index, start, end in sorted(segments):
            joined = False
            for line in reversed(lines):
                if index - line[1] > 2:
                    break
                overlap = min(end, line[3]) - max(start, line[2])
                if overlap > 0.5 * min(end - start, line[3] - line[2]):
                    line[1], line[2], line[3] = index, min(start, line[2]), max(end, line[3])
                    joined = True
                    break
            if not joined:
                lines.append([index, index, start, end])
        return [((a + b + 1) / 2 * scale, start * scale, end * scale) for a, b, start, end in lines]

    horizontal_runs, vertical_runs = runs(ink), runs(ink.T)
    horizontal = [
        _raster_edge("h", left + x0, left + x1, top + y, top + y)
        for y, x0, x1 in merged(horizontal_runs)
    ]
    vertical = [
        _raster_edge("v", left + x, left + x, top + y0, top + y1)
        for x, y0, y1 in merged(vertical_runs)
    ]
    return (horizontal, vertical), {"h": horizontal_runs, "v": vertical_runs}


def _raster_edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict:
    return {
        "object_type": "raster_edge",
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
    }


def _is_table_rows(item: _PageItem) -> bool:
    return len(item.rows) > 1 or len(item.rows[0]) > 1


def _flush_text(reader: _Reader, part: _Part | None = None) -> None:
    """Lines read since the last table: the lead of the table that follows them
    (``part``), or, when none follows, the file's closing notes. Those are a
    part of their own, with no header: they are no rows of the table even when
    a footnote's mark (※) is lost, as OCR may lose it."""
    if not reader.pending_text:
        return
    if part is None:
        part = _new_part(reader)
    for page, cells in reader.pending_text:
        reader.rows.append(PdfRow(page, 0, tuple(cells), part.number))
    reader.pending_text.clear()


def _new_part(reader: _Reader) -> _Part:
    part = _Part(len(reader.parts))
    reader.parts.append(part)
    return part


def _add_table(reader: _Reader, page: int, item: _PageItem) -> None:
    """A table's rows on one page: a new part, or the continuation of the last one."""
    cells = item.rows
    first = tuple(cell.strip() for cell in cells[0])
    previous = reader.parts[-1] if reader.parts else None
    header_again = (
        previous is not None
        and previous.header is not None
        and _repeats_header(previous.header, first)
    )
    if header_again:
        assert previous is not None and previous.header is not None
        # Clipped characters of a merged cell cut by the page break may be
        # drawn over the repeated header: it is the header seen before. But a
        # word OCR missed on one page may be read on another.
        completed = tuple(
            new if not known and new else known
            for known, new in zip(previous.header, first, strict=True)
        )
        if completed != previous.header and previous.header_position is not None:
            row = reader.rows[previous.header_position]
            reader.rows[previous.header_position] = PdfRow(
                row.page, row.number, completed, row.part
            )
            previous.header = completed
        cells[0] = list(completed)
        first = completed
    continues = (
        previous is not None
        and previous.columns == len(cells[0])
        and not reader.pending_text
        and (header_again or not is_header(match_header(first)))
    )
    split = None
    body_start = 0
    if continues:
        assert previous is not None
        part = previous
        body_start = 1 if header_again else 0
        if (
            item.grid is not None
            and part.last_cells is not None
            and _split_row(part.last_cells, cells, body_start, set(part.open_groups))
        ):
            split = _join_split_row(reader, part, cells, body_start)
            cells = cells[:body_start] + cells[body_start + 1 :]
    else:
        part = _new_part(reader)
        part.header = first if is_header(match_header(first)) else None
        part.columns = len(cells[0])
        _flush_text(reader, part)
        part.header_position = len(reader.rows)
    base = len(reader.rows)
    for row in cells:
        reader.rows.append(PdfRow(page, 0, tuple(row), part.number))
    if item.grid is None:
        part.open_groups = {}
        return
    # Where each band of the page's grid went: the split row's band into the
    # row it continues.
    band_positions = [
        base + band
        if split is None or band < body_start
        else split
        if band == body_start
        else base + band - 1
        for band in range(item.grid.bands)
    ]
    part.open_groups = _merges_across_pages(
        reader, part.open_groups if continues else {}, item.grid, band_positions, body_start
    )
    part.last_cells = cells


@dataclass
class _Group:
    """The parts of one merged cell cut by page breaks: where its rows are (in
    the reader's rows), and the text drawn in each part."""

    column: int
    positions: list[int]
    texts: list[str]


def _merges_across_pages(
    reader: _Reader,
    open_groups: dict[int, _Group],
    grid: _Grid,
    band_positions: list[int],
    start: int,
) -> dict[int, _Group]:
    """A merged cell cut by the page break goes on at the top of the next page
    (under the repeated header), and perhaps over several pages: its parts are
    one cell, whose label may be drawn in any of them (``_finish_groups`` gives
    every part the label). The groups still open at the end of this page."""
    still_open: dict[int, _Group] = {}
    for region in grid.regions:
        rows = [band_positions[band] for band in range(region.row0, region.row1)]
        group = open_groups.get(region.col) if region.row0 == start else None
        if group is not None:
            group.positions += rows
            group.texts.append(region.text)
        if region.closed or region.row1 != grid.bands:
            continue
        if group is None:
            group = _Group(region.col, rows, [region.text])
            reader.groups.append(group)
        still_open[region.col] = group
    return still_open


def _finish_groups(reader: _Reader) -> None:
    """Each merged cell cut by page breaks: its label, joined from the parts it
    is drawn in (a label cut by the break shows its first lines on one page,
    the rest on the next), in every row of every part."""
    for group in reader.groups:
        text = ""
        for part in group.texts:
            if part and part != text:
                text = _joined(text, part) if text else part
        for position in group.positions:
            row = reader.rows[position]
            cells = list(row.cells)
            if group.column < len(cells):
                cells[group.column] = text
                reader.rows[position] = PdfRow(row.page, row.number, tuple(cells), row.part)


def _repeats_header(header: tuple[str, ...], cells: tuple[str, ...]) -> bool:
    """Whether a table's first row is the header again: each cell holds the
    header's text, perhaps with clipped characters drawn over it."""
    return len(header) == len(cells) and all(
        _subsequence(known, cell) for known, cell in zip(header, cells, strict=True)
    )


def _subsequence(short: str, long: str) -> bool:
    rest = iter(long)
    return all(char in rest for char in short) and len(long) <= 2 * len(short) + 8


def _split_row(
    above_cells: list[list[str]], below_cells: list[list[str]], start: int, merged: set[int]
) -> bool:
    """Whether the first row under the header continues the last row of the page
    before: a column filled in every other row of both pages is empty in it.
    Columns in which a merged cell runs on from the page before (``merged``)
    do not count: their label may be drawn on either page."""
    if start >= len(below_cells):
        return False
    first = below_cells[start]
    body = above_cells[1:] + below_cells[start + 1 :]
    if not body or not any(cell.strip() for cell in first):
        return False
    for col, cell in enumerate(first):
        if cell.strip() or col in merged:
            continue
        if all(col < len(row) and row[col].strip() for row in body):
            return True
    return False


def _join_split_row(reader: _Reader, part: _Part, cells: list[list[str]], start: int) -> int:
    """The continued row's cells added to the row it continues (the last one given
    out for this part), each joined as a wrapped line."""
    position = max(
        i for i, row in enumerate(reader.rows) if row.part == part.number and row.margin is None
    )
    last = reader.rows[position]
    merged = []
    for col in range(max(len(last.cells), len(cells[start]))):
        upper = last.cells[col] if col < len(last.cells) else ""
        lower = cells[start][col] if col < len(cells[start]) else ""
        merged.append(upper if upper == lower or not lower else _joined(upper, lower))
    reader.rows[position] = PdfRow(last.page, last.number, tuple(merged), last.part)
    return position


def _joined(upper: str, lower: str) -> str:
    if not upper:
        return lower
    if _is_latin(upper[-1]) and _is_latin(lower[0]):
        return f"{upper} {lower}"
    return upper + lower


# --- tables without rules ----------------------------------------------------------


def _unruled_table(
    lines: list[_Line],
) -> tuple[list[_Line], float, list[list[str]], list[_Line]] | None:
    """A table drawn without ruling lines, read from the text's positions.

    The header is the line whose words name the columns. Columns are the white
    gutters no body character crosses; a row starts where the column with the
    most paragraphs starts a paragraph (a gap between lines larger than the
    line spacing), since every row has text there. Cells are taken to be aligned
    to their top. The table runs to the end of the page, or to a footnote mark.
    """
    header_index = next(
        (i for i, line in enumerate(lines) if is_header(match_header(_words(line)))), None
    )
    if header_index is None:
        return None
    header = lines[header_index]
    body: list[_Line] = []
    for line in lines[header_index + 1 :]:
        if line.text().startswith(_FOOTNOTE_MARKS):
            break
        body.append(line)
    below = lines[header_index + 1 + len(body) :]
    if not body:
        return None
    edges = _gutters(header, body)
    columns = len(edges) - 1

    def column_of(x: float) -> int:
        return max(0, min(columns - 1, sum(1 for edge in edges[1:-1] if x >= edge)))

    pieces: list[list[tuple[float, list[dict]]]] = [[] for _ in range(columns)]
    for line in body:
        for col, chars in _split_by_columns(line, column_of):
            pieces[col].append((line.top, chars))
    pitch = min(
        (b.top - a.top for a, b in itertools.pairwise(body) if b.top > a.top),
        default=header.size,
    )
    paragraphs = [_paragraph_starts(column, pitch) for column in pieces]
    key = max(range(columns), key=lambda col: len(paragraphs[col]))
    starts = paragraphs[key]
    tolerance = 0.5 * pitch
    rows: list[list[list[dict]]] = [[[] for _ in range(columns)] for _ in starts]
    for col, column in enumerate(pieces):
        for top, chars in column:
            row = max(0, sum(1 for start in starts if top >= start - tolerance) - 1)
            rows[row][col].extend(chars)
    # Without rules a cell's edges are unknown; its column's text is as wide as
    # the column less its padding, so the widest line measures the room.
    extent = [
        (
            min((c["x0"] for _top, chars in column for c in chars), default=edges[col]),
            max((c["x1"] for _top, chars in column for c in chars), default=edges[col + 1]),
        )
        for col, column in enumerate(pieces)
    ]
    cells = [[cell_text(chars, *extent[col]) for col, chars in enumerate(row)] for row in rows]
    header_cells = [
        cell_text(chars, edges[col], edges[col + 1])
        for col, chars in _split_by_columns(header, column_of)
    ]
    header_row = [""] * columns
    for (col, _chars), text in zip(_split_by_columns(header, column_of), header_cells, strict=True):
        header_row[col] = text
    return lines[:header_index], header.top, [header_row, *cells], below


_FOOTNOTE_MARKS = ("※", "注)", "注）", "(注", "（注")


def _words(line: _Line) -> tuple[str, ...]:
    return tuple(word for word in re.split(r"[ \u3000]+", line.text()) if word)


def _gutters(header: _Line, body: list[_Line]) -> list[float]:
    """Column edges: the middle of each white gap, wider than an eighth of a character, that no
    body character crosses and that falls between two header words."""
    spans = sorted((c["x0"], c["x1"]) for line in body for c in line.chars if c["text"].strip())
    left = min(header.x0, spans[0][0])
    right = max(header.x1, max(x1 for _, x1 in spans))
    gaps: list[tuple[float, float]] = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach > 0.12 * header.size:
            gaps.append((reach, x0))
        reach = max(reach, x1)
    starts = _word_starts(header)
    edges = [left - 1]
    for start, following in itertools.pairwise(starts):
        # The gutter just before a header word starts its column; header words
        # with no gutter between them (平成29年度 実施状況) name one column.
        if any(a < following <= b + 1 for a, b in gaps):
            # A gutter runs on past the word: the column below it is empty here.
            edges.append(following - 0.5)
            continue
        between = [(a, b) for a, b in gaps if start < a < following]
        if between:
            gap_left, gap_right = between[-1]
            edges.append((gap_left + gap_right) / 2)
    edges.append(right + 1)
    return edges


def _word_starts(line: _Line) -> list[float]:
    starts = [line.chars[0]["x0"]]
    for previous, char in zip(line.chars, line.chars[1:], strict=False):
        if char["x0"] - previous["x1"] > 0.5 * line.size:
            starts.append(char["x0"])
    return starts


def _split_by_columns(
    line: _Line, column_of: Callable[[float], int]
) -> Iterator[tuple[int, list[dict]]]:
    current: list[dict] = []
    current_col = None
    for char in sorted(line.chars, key=lambda c: c["x0"]):
        col = column_of((char["x0"] + char["x1"]) / 2)
        if current and col != current_col:
            yield current_col, current  # type: ignore[misc]
            current = []
        current_col = col
        current.append(char)
    if current:
        yield current_col, current  # type: ignore[misc]


def _paragraph_starts(pieces: list[tuple[float, list[dict]]], pitch: float) -> list[float]:
    starts: list[float] = []
    previous = None
    for top, _chars in sorted(pieces, key=lambda piece: piece[0]):
        if previous is None or top - previous > 1.3 * pitch:
            starts.append(top)
        previous = top
    return starts
