"""The normaliser: rows of cells in, the plan's structure and its statuses out.

Pure: no database. Structure is derived from numbering, not from where a label
happens to sit, because text extracted from a PDF puts the label of a
vertically merged cell where it was drawn (often mid-block):

- a policy direction starts at a row whose direction cell has a number;
- a basic goal starts where direction numbers start again (…3, 4, then 1), or
  where a goal label with a new number appears;
- a goal label anywhere inside a block names that block.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from importers.columns import (
    COLUMNS,
    Column,
    header_key,
    is_header,
    match_header,
    missing_columns,
    names_project_column,
)
from importers.departments import DepartmentEntry, parse_departments
from importers.numbering import (
    DIRECTION_KINDS,
    GOAL_KINDS,
    Numbered,
    split_label,
    split_number,
)
from importers.problems import Place, Problem, error
from importers.readers import SourceRow, SourceTable
from reports.eras import ERA_STARTS, UnknownEraError, era_to_western, find_fiscal_year


@dataclass(frozen=True)
class GoalRecord:
    number: int
    label: str
    title: str
    place: Place


@dataclass(frozen=True)
class DirectionRecord:
    goal_number: int
    number: int
    title: str
    place: Place


@dataclass(frozen=True)
class ProjectRecord:
    number: int
    name: str
    content: str
    goal_number: int
    direction_number: int
    status_text: str
    departments_text: str
    departments: tuple[DepartmentEntry, ...]
    place: Place
    """The row the project came from (column unset)."""
    statuses: tuple[tuple[int, int, str], ...] = ()
    """In a table with several years side by side: each year's status as
    (fiscal year, column, text); ``split_years`` makes a table of each."""
    departments_column: int | None = None
    """The column of the department cell, for problems placed at it."""


@dataclass
class StatusTable:
    file_name: str
    file_format: str
    title: str = ""
    aim: str = ""
    fiscal_year: int | None = None
    goals: list[GoalRecord] = field(default_factory=list)
    directions: list[DirectionRecord] = field(default_factory=list)
    projects: list[ProjectRecord] = field(default_factory=list)
    years: tuple[int, ...] = ()
    """The years of a table with several years' status columns side by side."""


def split_years(table: StatusTable) -> list[StatusTable]:
    """A table with several years side by side as one table a year, each loaded
    like a year's table of its own; each project's place names its year's column."""
    if not table.years:
        return [table]
    tables = []
    for year in table.years:
        projects = [
            ProjectRecord(
                project.number,
                project.name,
                project.content,
                project.goal_number,
                project.direction_number,
                text,
                project.departments_text,
                project.departments,
                Place(project.place.file, project.place.sheet, project.place.row, column),
                departments_column=project.departments_column,
            )
            for project in table.projects
            for status_year, column, text in project.statuses
            if status_year == year
        ]
        tables.append(
            StatusTable(
                table.file_name,
                table.file_format,
                table.title,
                table.aim,
                year,
                table.goals,
                table.directions,
                projects,
            )
        )
    return tables


@dataclass
class _GoalBlock:
    first_place: Place
    number: int | None = None
    label: str = ""
    title: str = ""
    directions: list[DirectionRecord] = field(default_factory=list)


_FOOTNOTE_MARKS = ("※", "注)", "注）", "(注", "（注")


def normalise(
    source: SourceTable, *, fiscal_year: int | None = None
) -> tuple[StatusTable, list[Problem]]:
    """Turn a source table into records, listing every problem with its place."""
    reading = _Reading(StatusTable(source.file_name, source.file_format))
    rows = source.rows
    joined_into: int | None = None
    for position, row in enumerate(rows):
        if row.table != reading.sheet:
            reading.start_sheet(row.sheet, row.table)
        if row.is_blank() or position == joined_into:
            continue
        if reading.columns is None:
            joined = _two_row_header(rows, position)
            if joined is not None:
                header, joined_into = joined
                place = Place(source.file_name, header.sheet, header.number)
                if not reading.read_header(header, match_header(header.cells), place):
                    return reading.table, reading.problems
                continue
        if not reading.read_row(row, Place(source.file_name, row.sheet, row.number)):
            return reading.table, reading.problems
    if reading.columns is None and not reading.blocks:
        reading.problems.append(_no_header_problem(source))
        return reading.table, reading.problems
    reading.table.fiscal_year = reading.fiscal_year(fiscal_year, Place(source.file_name))
    _build_structure(reading.table, reading.blocks, reading.placed, reading.problems)
    _check_project_numbers(reading.table, reading.problems)
    return reading.table, reading.problems


@dataclass
class _Reading:
    """What the normaliser has read of a file so far, row by row: one step a method."""

    table: StatusTable
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, int] | None = None
    """The current sheet's header: each column's index; None above the header."""
    positions: tuple[tuple[str, int | None], ...] = ()
    """The same for every column, in the order of ``COLUMNS``."""
    header_years: set[int] = field(default_factory=set)
    year_columns: tuple[tuple[int, int], ...] = ()
    """The current header's status columns as (fiscal year, index), when it has several."""
    years: set[int] = field(default_factory=set)
    """Every year of every header with several status columns."""
    title_years: set[int] = field(default_factory=set)
    sheet_years: set[int] = field(default_factory=set)
    unreadable_year: bool = False
    blocks: list[_GoalBlock] = field(default_factory=list)
    direction_block: DirectionRecord | None = None
    sheet: object = field(default_factory=object)
    """The sheet being read (a new object at first, so the first row starts a sheet)."""
    sheet_has_title: bool = False
    sheet_goal: Numbered | None = None
    placed: list[tuple[int, DirectionRecord, ProjectRecord]] = field(default_factory=list)
    """Each project with the index of its goal block and its direction."""

    def start_sheet(self, sheet: str | None, table: object) -> None:
        """Each sheet (each of a PDF's tables) has its own header (and perhaps its own title)."""
        self.sheet = table
        self.columns = None
        self.sheet_has_title = False
        self.sheet_goal = None
        sheet_year = _sheet_year(sheet)
        if sheet_year is not None:
            self.sheet_years.add(sheet_year)

    def read_row(self, row: SourceRow, place: Place) -> bool:
        """Read one non-blank row; False when the file cannot be read further."""
        found = _header_cells(row, self.columns)
        if is_header(found):
            return self.read_header(row, found, place)
        if self.columns is None:
            self.read_above_header(row)
        elif not _is_footnote(row):
            self.read_data_row(row, place)
        return True

    def read_header(self, row: SourceRow, found: dict[str, int], place: Place) -> bool:
        missing = missing_columns(found)
        if self.sheet_goal is not None:
            # The sheet's heading names its goal: no goal column is needed.
            missing = [column for column in missing if column.identifier != "goal"]
        if missing:
            self.problems.append(_missing_columns_problem(row, missing, place))
            return False
        self.columns = found
        self.positions = _positions(found)
        known = len(self.problems)
        self.year_columns = _year_columns(row, place, self.table.title, self.problems)
        if self.year_columns:
            self.years.update(year for year, _ in self.year_columns)
        elif len(self.problems) == known:
            year = _header_year(row, found, place, self.problems)
            if year is not None:
                self.header_years.add(year)
        self.unreadable_year = self.unreadable_year or len(self.problems) > known
        return True

    def read_above_header(self, row: SourceRow) -> None:
        """The sheet's title (its first line), a heading naming its goal, or the preamble."""
        if not self.sheet_has_title:
            self.sheet_has_title = True
            year = _title_year(row)
            if year is not None:
                self.title_years.add(year)
        heading = _goal_heading(row)
        if heading is not None:
            self.sheet_goal = heading
            return
        _read_preamble(row, self.table)

    def read_data_row(self, row: SourceRow, place: Place) -> None:
        assert self.columns is not None
        cell = _cells(row, self.positions)
        self.read_goal(_numbered(cell, "goal") or self.sheet_goal, cell, place)
        self.read_direction(_numbered(cell, "direction"), cell, place)
        project = _project(row, cell, self.columns, place, self.problems, self.year_columns)
        if project is None:
            return
        if self.direction_block is None:
            self.problems.append(
                error(
                    _at(place, self.columns, "direction"),
                    "この事業の施策の方向が分かりません（番号付きの施策の方向が前にありません）",
                    "no numbered policy direction comes before this project",
                    cell["project"],
                )
            )
            return
        self.placed.append((len(self.blocks) - 1, self.direction_block, project))

    def read_goal(self, goal_cell: Numbered | None, cell: dict[str, str], place: Place) -> None:
        """A goal label starts a new block when its number differs from the block's,
        and names the block it sits in when that has no number yet."""
        if goal_cell is None:
            return
        assert self.columns is not None
        blocks = self.blocks
        if goal_cell.number is None:
            self.problems.append(
                error(
                    _at(place, self.columns, _number_or_name(cell, "goal")),
                    "基本目標の番号が読めません",
                    "the basic goal has no number",
                    cell["goal_number"].strip() or cell["goal"],
                )
            )
        elif not blocks or (
            blocks[-1].number is not None and blocks[-1].number != goal_cell.number
        ):
            blocks.append(_GoalBlock(place))
            self.direction_block = None
            _name_block(blocks[-1], goal_cell)
        elif blocks[-1].number is None:
            _name_block(blocks[-1], goal_cell)

    def read_direction(
        self, direction_cell: Numbered | None, cell: dict[str, str], place: Place
    ) -> None:
        """A numbered direction starts a new direction unless it repeats the current
        one (a merged cell carried down); numbers starting again start a new goal block."""
        if direction_cell is None:
            return
        assert self.columns is not None
        current = self.direction_block
        if direction_cell.number is None:
            self.problems.append(
                error(
                    _at(place, self.columns, _number_or_name(cell, "direction")),
                    "施策の方向の番号が読めません",
                    "the policy direction has no number",
                    cell["direction_number"].strip() or cell["direction"],
                )
            )
        elif not (
            current is not None
            and direction_cell.number == current.number
            and direction_cell.text in ("", current.title)
        ):
            starts_again = current is not None and direction_cell.number <= current.number
            if not self.blocks or (starts_again and self.blocks[-1].directions):
                self.blocks.append(_GoalBlock(place))
            self.direction_block = DirectionRecord(
                0, direction_cell.number, direction_cell.text, _at(place, self.columns, "direction")
            )
            self.blocks[-1].directions.append(self.direction_block)

    def fiscal_year(self, given: int | None, place: Place) -> int | None:
        """The table's year: from the header, else the title, else the sheet names."""
        if self.years:
            return self.several_years(given, place)
        if self.unreadable_year and given is None:
            # The header names a year in an unknown era: that error already says so.
            return None
        return _fiscal_year(
            given,
            self.header_years or self.title_years or self.sheet_years,
            place,
            self.problems,
        )

    def several_years(self, given: int | None, place: Place) -> int | None:
        """Several years side by side: all of them, or only ``given``."""
        years = sorted(self.years | self.header_years)
        if given is None:
            self.table.years = tuple(years)
            return years[0]
        if given not in years:
            self.problems.append(
                error(
                    place,
                    f"指定された年度 {given} の列がありません"
                    f"（このファイルの年度: {'、'.join(map(str, years))}）",
                    f"--fiscal-year {given} has no column in this file "
                    f"(its years: {', '.join(map(str, years))})",
                )
            )
            return None
        self.table.years = (given,)
        return given


def _two_row_header(rows: list[SourceRow], position: int) -> tuple[SourceRow, int] | None:
    """A header whose words are split over two rows (平成29年度 above 実施状況; 実施状況
    merged over two columns above 平成29年度 and 平成30年度), as one row numbered as
    its second, with the second's position; None unless only the two together
    read as a header."""
    top = rows[position]
    following = position + 1
    while following < len(rows) and rows[following].is_blank():
        following += 1
    if following == len(rows) or rows[following].table != top.table:
        return None
    bottom = rows[following]
    if is_header(match_header(bottom.cells)):
        return None
    top_is_header = is_header(match_header(top.cells))
    cells = []
    above = ""
    for index in range(max(len(top.cells), len(bottom.cells))):
        upper = top.cells[index].strip() if index < len(top.cells) else ""
        lower = bottom.cells[index].strip() if index < len(bottom.cells) else ""
        if upper:
            above = upper
        elif lower and above and cells and cells[-1] != above:
            upper = above  # a cell merged across columns: its text is in the first
        else:
            above = ""
        cells.append(upper + lower if upper != lower else upper)
    if not is_header(match_header(tuple(cells))):
        return None
    if top_is_header and (
        not _adds_years(top.cells, tuple(cells))
        or any(len(cell.strip()) > 12 for cell in bottom.cells if cell not in top.cells)
    ):
        return None  # a header and its first data row
    return SourceRow(bottom.sheet, bottom.number, tuple(cells), bottom.part), following


def _adds_years(top: tuple[str, ...], joined: tuple[str, ...]) -> bool:
    """Whether the second row gives a header's status columns their years."""

    def years(cells: tuple[str, ...]) -> set[int]:
        found = set()
        for cell in cells:
            if cell and len(cell) <= 40 and _STATUS.matches(header_key(cell)):
                try:
                    year = find_fiscal_year(cell)
                except UnknownEraError:
                    year = None
                if year is not None:
                    found.add(year)
        return found

    return len(years(joined)) > len(years(top))


def _header_cells(row: SourceRow, columns: dict[str, int] | None) -> dict[str, int]:
    """The columns a row names if it is a header; inside a table, only a row whose
    project-name cell is a header word can be one (a header repeated after a
    page break), which spares matching every cell of every data row."""
    if columns is not None:
        index = columns["project"]
        cell = row.cells[index] if index < len(row.cells) else ""
        if not names_project_column(cell):
            return {}
    return match_header(row.cells)


_KINDS = {"goal": GOAL_KINDS, "direction": DIRECTION_KINDS}


def _numbered(cell: dict[str, str], identifier: str) -> Numbered | None:
    """A goal's or direction's number and name, from its own column or the name cell;
    the kind word before the number (基本目標Ⅱ, 施策の方向(1)) may be there or not."""
    kinds = _KINDS[identifier]
    number_text = cell[f"{identifier}_number"].strip()
    name = cell[identifier].strip()
    if number_text:
        number = split_label(number_text, kinds)
        if name:
            named = split_label(name, kinds)
            # 「基本目標1」 in the number column and 「基本目標1　教育」 beside it.
            if named.number == number.number:
                name = named.text
        return Numbered(number.number, number.label, name or number.text)
    return split_label(name, kinds) if name else None


def _number_or_name(cell: dict[str, str], identifier: str) -> str:
    return f"{identifier}_number" if cell[f"{identifier}_number"].strip() else identifier


def _name_block(block: _GoalBlock, goal_cell: Numbered) -> None:
    block.number = goal_cell.number
    block.label = goal_cell.label
    block.title = goal_cell.text


def _cells(row: SourceRow, positions: tuple[tuple[str, int | None], ...]) -> dict[str, str]:
    """Each column's cell of a row (empty where the row stops short or the table
    has no such column), by the column's identifier."""
    cells = row.cells
    width = len(cells)
    return {
        identifier: cells[index] if index is not None and index < width else ""
        for identifier, index in positions
    }


def _positions(columns: dict[str, int]) -> tuple[tuple[str, int | None], ...]:
    """Every column's identifier with its index in the header (None if it has none)."""
    return tuple((column.identifier, columns.get(column.identifier)) for column in COLUMNS)


def _at(place: Place, columns: dict[str, int], identifier: str) -> Place:
    return Place(place.file, place.sheet, place.row, columns.get(identifier))


def _project(
    row: SourceRow,
    cell: dict[str, str],
    columns: dict[str, int],
    place: Place,
    problems: list[Problem],
    year_columns: tuple[tuple[int, int], ...] = (),
) -> ProjectRecord | None:
    number_cell = cell["project_number"].strip()
    if number_cell:
        numbered = split_number(number_cell)
        numbered = Numbered(numbered.number, numbered.label, cell["project"].strip())
    else:
        numbered = split_number(cell["project"])
    if numbered.number is None:
        problems.append(
            error(
                _at(place, columns, "project_number" if number_cell else "project"),
                "事業番号が読めません",
                "the project has no number",
                number_cell or cell["project"],
            )
        )
        return None
    status_text = cell["status"].strip("\n")
    statuses = tuple(
        (year, index, row.cells[index].strip("\n") if index < len(row.cells) else "")
        for year, index in year_columns
    )
    for _year, index, text in statuses or ((None, columns["status"], status_text),):
        if not text.strip():
            problems.append(
                error(
                    Place(place.file, place.sheet, place.row, index),
                    "実施状況が空欄です",
                    "the status cell is empty",
                    "",
                )
            )
    departments, department_problems = parse_departments(cell["departments"])
    for problem in department_problems:
        problems.append(
            error(
                _at(place, columns, "departments"),
                problem.message_ja,
                problem.message_en,
                problem.value,
                may_be_cut=problem.may_be_cut,
            )
        )
    if not departments:
        problems.append(
            error(
                _at(place, columns, "departments"),
                "担当課が空欄です",
                "the department cell is empty",
                "",
            )
        )
    return ProjectRecord(
        number=numbered.number,
        name=numbered.text,
        content=cell["content"].strip("\n"),
        goal_number=0,
        direction_number=0,
        status_text=status_text,
        departments_text=cell["departments"].strip(),
        departments=tuple(departments),
        place=place,
        statuses=statuses,
        departments_column=columns.get("departments"),
    )


def _header_year(
    row: SourceRow, columns: dict[str, int], place: Place, problems: list[Problem]
) -> int | None:
    text = row.cells[columns["status"]]
    try:
        return find_fiscal_year(text)
    except UnknownEraError as exc:
        problems.append(
            error(
                _at(place, columns, "status"),
                f"元号「{exc.era}」が分かりません（明治・大正・昭和・平成・令和 または西暦で書いてください）",
                f"unknown era '{exc.era}' (use 明治, 大正, 昭和, 平成, 令和 or a Western year)",
                text,
            )
        )
        return None


_STATUS = next(column for column in COLUMNS if column.identifier == "status")
_ERA_NAME = re.compile("|".join(ERA_STARTS))
_BARE_YEAR = re.compile(r"(?<![\d])(\d{1,2}|元)\s*年度")


def _year_columns(
    row: SourceRow, place: Place, title: str, problems: list[Problem]
) -> tuple[tuple[int, int], ...]:
    """A header with two or more status columns (平成29年度実施状況, 平成30年度実施状況;
    24年度実施事業, 25年度実施事業): each column's year, which must differ.

    A year written without its era (24年度) takes the era another status
    column or the title names. Empty unless two or more columns name a year.
    """
    indexes = [
        index
        for index, cell in enumerate(row.cells)
        if cell and len(cell) <= 40 and _STATUS.matches(header_key(cell))
    ]
    if len(indexes) < 2:
        return ()
    texts = [unicodedata.normalize("NFKC", row.cells[index]) for index in indexes]
    eras = _ERA_NAME.findall(" ".join(texts)) or _ERA_NAME.findall(
        unicodedata.normalize("NFKC", title)
    )
    found: list[tuple[int, int]] = []
    for index, text in zip(indexes, texts, strict=True):
        year = _column_year(text, eras)
        if year is None and _BARE_YEAR.search(text) and not eras:
            problems.append(
                error(
                    Place(place.file, place.sheet, place.row, index),
                    "この列の年度の元号が分かりません。表題か見出しに元号を書いてください"
                    "（例: 平成24年度実施事業）",
                    "this column's year has no era; name it in the title or the header "
                    "(e.g. 平成24年度実施事業)",
                    row.cells[index],
                )
            )
            return ()
        if year is None:
            continue  # a status column of no year (進捗状況: a grade) beside the years
        if year in (seen for seen, _ in found):
            problems.append(
                error(
                    Place(place.file, place.sheet, place.row, index),
                    f"{year}年度の実施状況の列が2つあります",
                    f"two status columns for fiscal year {year}",
                    row.cells[index],
                )
            )
            return ()
        found.append((year, index))
    return tuple(found) if len(found) > 1 else ()


def _column_year(text: str, eras: list[str]) -> int | None:
    try:
        year = find_fiscal_year(text)
    except UnknownEraError:
        return None  # said by _header_year when the column is the table's one
    bare = _BARE_YEAR.search(text)
    if year is None and bare is not None and eras:
        try:
            return era_to_western(eras[0], bare.group(1))
        except ValueError:
            return None
    return year


def _read_preamble(row: SourceRow, table: StatusTable) -> None:
    """Rows above the header: the title, the plan's aim, and notes."""
    text = _row_text(row)
    folded = unicodedata.normalize("NFKC", text)
    if folded.startswith("計画の目標"):
        table.aim = text[len("計画の目標") :].strip(" \u3000:：")
        return
    if not table.title:
        table.title = text


def _goal_heading(row: SourceRow) -> Numbered | None:
    """A heading above a sheet's table that names its goal: 基本目標Ⅱ　被害者の…

    Only a heading that says what it is (基本目標, 重点目標, 目標 …) counts: a
    title such as 第2次…基本計画 also starts with a number.
    """
    text = _row_text(row)
    if not text.startswith(GOAL_KINDS):
        return None
    numbered = split_label(text, GOAL_KINDS)
    return numbered if numbered.number is not None else None


def _row_text(row: SourceRow) -> str:
    return " ".join(cell.strip() for cell in row.cells if cell.strip())


def _title_year(row: SourceRow) -> int | None:
    """The year in a sheet's first line (its title); later lines are prose."""
    try:
        return find_fiscal_year(_row_text(row))
    except UnknownEraError:
        return None


def _sheet_year(sheet: str | None) -> int | None:
    if not sheet:
        return None
    try:
        return find_fiscal_year(sheet)
    except UnknownEraError:
        return None


def _is_footnote(row: SourceRow) -> bool:
    """A row with one filled cell, which starts with a footnote's mark."""
    filled = None
    for cell in row.cells:
        if cell.strip():
            if filled is not None:
                return False  # a data row: no need to look further
            filled = cell.strip()
    return filled is not None and filled.startswith(_FOOTNOTE_MARKS)


def _no_header_problem(source: SourceTable) -> Problem:
    """Name the row that came closest to a header, and the columns expected."""
    seen: SourceRow | None = None
    best = -1
    for row in source.rows:
        if row.is_blank():
            continue
        matched = len(match_header(row.cells))
        if matched > best:
            seen, best = row, matched
    expected = "、".join(c.label for c in COLUMNS if c.required)
    cells = _seen(seen) if seen else ""
    return error(
        Place(source.file_name, seen.sheet if seen else None, seen.number if seen else None),
        f"見出し行が見つかりません。必要な列: {expected}（この行にあるのは: {cells}）",
        f"no header row found; expected columns: {expected} (this row has: {cells})",
    )


def _seen(row: SourceRow) -> str:
    return " | ".join(header_key(c)[:30] for c in row.cells if c.strip())


def _missing_columns_problem(row: SourceRow, missing: list[Column], place: Place) -> Problem:
    names = "、".join(column.label for column in missing)
    seen = _seen(row)
    return error(
        place,
        f"見出し行に {names} の列がありません（見出し: {seen}）",
        f"the header row has no column for {names} (headers: {seen})",
    )


def _fiscal_year(
    given: int | None,
    found: set[int],
    place: Place,
    problems: list[Problem],
) -> int | None:
    if len(found) > 1:
        years = "、".join(str(y) for y in sorted(found))
        problems.append(
            error(
                place,
                f"年度が複数あります（{years}）。1つのファイルには1つの年度だけを入れてください",
                f"the file names more than one fiscal year ({years})",
            )
        )
        return None
    year = next(iter(found), None)
    if given is not None and year is not None and given != year:
        problems.append(
            error(
                place,
                f"指定された年度 {given} とファイルの年度 {year} が違います",
                f"--fiscal-year {given} differs from the file's fiscal year {year}",
            )
        )
        return None
    if given is None and year is None:
        problems.append(
            error(
                place,
                "年度が分かりません。見出しに年度を書くか --fiscal-year で指定してください",
                "no fiscal year in the file; give one with --fiscal-year",
            )
        )
    return given if given is not None else year


def _build_structure(
    table: StatusTable,
    blocks: list[_GoalBlock],
    placed: list[tuple[int, DirectionRecord, ProjectRecord]],
    problems: list[Problem],
) -> None:
    for position, block in enumerate(blocks):
        if block.number is None:
            problems.append(
                error(
                    block.first_place,
                    "この基本目標のまとまりに、番号付きの基本目標の見出しがありません",
                    "no numbered basic goal label in this block of rows",
                )
            )
            continue
        expected = position + 1
        if block.number != expected:
            problems.append(
                error(
                    block.first_place,
                    f"基本目標の番号が順番どおりではありません（{expected} のはずが {block.number}）",
                    f"basic goal numbers out of sequence (expected {expected}, found {block.number})",
                    block.label,
                )
            )
        table.goals.append(GoalRecord(block.number, block.label, block.title, block.first_place))
        for index, direction in enumerate(block.directions):
            if index and direction.number != block.directions[index - 1].number + 1:
                problems.append(
                    error(
                        direction.place,
                        "施策の方向の番号が順番どおりではありません",
                        "policy direction numbers out of sequence",
                        f"{direction.number} {direction.title}",
                    )
                )
            table.directions.append(
                DirectionRecord(block.number, direction.number, direction.title, direction.place)
            )
    goal_numbers = {i: b.number for i, b in enumerate(blocks)}
    for block_index, direction, project in placed:
        goal_number = goal_numbers[block_index]
        if goal_number is not None:
            table.projects.append(
                # Built directly: dataclasses.replace is slow on large tables.
                ProjectRecord(
                    project.number,
                    project.name,
                    project.content,
                    goal_number,
                    direction.number,
                    project.status_text,
                    project.departments_text,
                    project.departments,
                    project.place,
                    project.statuses,
                    project.departments_column,
                )
            )


def _check_project_numbers(table: StatusTable, problems: list[Problem]) -> None:
    seen: dict[int, ProjectRecord] = {}
    for project in table.projects:
        if project.number in seen:
            problems.append(
                error(
                    project.place,
                    f"事業番号 {project.number} が重複しています（{seen[project.number].place.row} 行目にもあります）",
                    f"project number {project.number} appears twice "
                    f"(also on row {seen[project.number].place.row})",
                    project.name,
                )
            )
        else:
            seen[project.number] = project
    # Numbers missing from the sequence are checked against the plan's projects
    # (``importers.validator.completeness_problems``): only the plan knows
    # whether the file was meant to hold them all.
