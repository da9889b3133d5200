"""The normaliser: rows of cells in, the plan's structure and its statuses out.

Pure: no database. Structure is derived from numbering, not from where a label
happens to sit, because text extracted from a PDF puts the label of a
vertically merged cell where it was drawn (often mid-block):

- a policy direction starts at a row whose direction cell has a number;
- a basic goal starts where direction numbers start again (…3, 4, then 1), or
  where a goal label with a new number appears;
- a goal label anywhere inside a block names that block.
"""

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
from importers.numbering import Numbered, split_number
from importers.problems import Place, Problem, error
from importers.readers import SourceRow, SourceTable
from reports.eras import UnknownEraError, find_fiscal_year


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
    for row in source.rows:
        if row.sheet != reading.sheet:
            reading.start_sheet(row.sheet)
        if row.is_blank():
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

    def start_sheet(self, sheet: str | None) -> None:
        """Each sheet has its own header (and perhaps its own title)."""
        self.sheet = sheet
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
        project = _project(row, cell, self.columns, place, self.problems)
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
        if self.unreadable_year and given is None:
            # The header names a year in an unknown era: that error already says so.
            return None
        return _fiscal_year(
            given,
            self.header_years or self.title_years or self.sheet_years,
            place,
            self.problems,
        )


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


def _numbered(cell: dict[str, str], identifier: str) -> Numbered | None:
    """A goal's or direction's number and name, from its own column or the name cell."""
    number_text = cell[f"{identifier}_number"].strip()
    name = cell[identifier].strip()
    if number_text:
        number = split_number(number_text)
        return Numbered(number.number, number.label, name or number.text)
    return split_number(name) if name else None


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
    if not status_text.strip():
        problems.append(
            error(
                _at(place, columns, "status"),
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

    Only a heading that says 基本目標 counts: a title such as 第2次…基本計画
    also starts with a number.
    """
    text = _row_text(row)
    if not text.startswith("基本目標"):
        return None
    numbered = split_number(text[len("基本目標") :].lstrip(" \u3000:："))
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
    if seen:
        missing = sorted(set(range(1, max(seen) + 1)) - set(seen))
        if missing:
            problems.append(
                error(
                    Place(table.file_name),
                    f"事業番号が抜けています: {_runs(missing, '、', '〜')}",
                    f"project numbers missing from the sequence: {_runs(missing, ', ', '–')}",
                )
            )


def _runs(numbers: list[int], separator: str, dash: str) -> str:
    """[2, 4, 5, 6] → "2、4〜6": a long gap reads as one range."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return separator.join(
        f"{run[0]}{dash}{run[-1]}" if len(run) > 2 else separator.join(map(str, run))
        for run in runs
    )
