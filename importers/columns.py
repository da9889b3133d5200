"""The columns a status table has, and the header words cities use for them."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Column:
    identifier: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = True
    match_inside: bool = False
    """Whether the header may carry other words too (``平成29年度実施状況``)."""

    def matches(self, header: str) -> bool:
        if self.match_inside:
            return any(synonym in header for synonym in self.synonyms)
        return header in self.synonyms


# Header text is compared after NFKC and without spaces or line breaks, so
# "事業\n名称", "No." and "Ｎｏ．" need no entries of their own. A number may sit in
# the name cell ("Ⅰ 教育・啓発の推進") or in a number column of its own.
COLUMNS = (
    Column(
        "goal_number",
        "基本目標番号",
        ("基本目標番号", "目標番号", "基本目標No", "基本目標No."),
        required=False,
    ),
    Column("goal", "基本目標", ("基本目標", "基本目標名")),
    Column(
        "direction_number",
        "施策の方向番号",
        ("施策の方向番号", "施策の方向性番号", "施策番号", "方向番号", "施策No", "施策No."),
        required=False,
    ),
    Column("direction", "施策の方向", ("施策の方向", "施策の方向性", "施策", "施策名")),
    Column(
        "project_number",
        "事業番号",
        ("事業番号", "番号", "No", "No.", "NO", "NO.", "事業No", "事業No."),
        required=False,
    ),
    Column("project", "事業名称", ("事業名称", "事業名")),
    Column("content", "事業内容", ("事業内容", "事業の概要", "事業概要", "内容"), required=False),
    Column(
        "status",
        "実施状況",
        ("実施状況", "取組実績", "実績", "取組状況", "取り組み状況", "進捗状況"),
        match_inside=True,
    ),
    Column("departments", "担当課", ("担当課", "所管課", "担当部署", "担当", "担当課名")),
)

_SPACE = re.compile(r"\s+")


# No header cell is longer than this; longer cells (status texts) are skipped
# without folding them, which keeps the check for repeated headers cheap.
_LONGEST_HEADER = 40


def header_key(cell: str) -> str:
    """A header cell folded for matching: NFKC, no spaces or line breaks."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", cell))


@lru_cache(maxsize=4096)
def _columns_for(cell: str) -> tuple[Column, ...]:
    key = header_key(cell)
    return tuple(column for column in COLUMNS if key and column.matches(key))


def match_header(cells: tuple[str, ...]) -> dict[str, int]:
    """Map column identifiers to positions, for a row that reads as a header.

    Every row is checked, since a header may be repeated mid-table after a page
    break; short cells repeat (labels, departments), so their matches are cached.
    """
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if not cell or len(cell) > _LONGEST_HEADER:
            continue
        for column in _columns_for(cell):
            if column.identifier not in found:
                found[column.identifier] = index
                break
    return found


_PROJECT_NAMES = frozenset(next(c for c in COLUMNS if c.identifier == "project").synonyms)


def names_project_column(cell: str) -> bool:
    """Whether a cell reads as the project-name header (事業名称, 事業名 …).

    A project's own cell usually starts with its number, and no header word
    does: such a cell is told apart without folding it.
    """
    if len(cell) > _LONGEST_HEADER or cell.lstrip()[:1] in _DIGITS:
        return False
    return header_key(cell) in _PROJECT_NAMES


_DIGITS = frozenset("0123456789")
assert not any(name[0] in _DIGITS for name in _PROJECT_NAMES)


def is_header(found: dict[str, int]) -> bool:
    return "project" in found and "status" in found and len(found) >= 3


# A number column stands in for its name column: a table may number its goals
# in one column and leave their names to the title of each sheet.
_STANDS_IN_FOR = {"goal": "goal_number", "direction": "direction_number"}


def missing_columns(found: dict[str, int]) -> list[Column]:
    return [
        c
        for c in COLUMNS
        if c.required
        and c.identifier not in found
        and _STANDS_IN_FOR.get(c.identifier) not in found
    ]
