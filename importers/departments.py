"""Department (担当課) cells: several names, and reorganisation notes among them."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from reports.eras import UnknownEraError, era_to_western

# Entries that stand for the whole city government rather than one section.
WHOLE_GOVERNMENT_NAMES = frozenset({"全庁", "全部局", "全課", "全所属", "全庁的"})

_BRACKETED = re.compile(r"[\(（][^\(\)（）]*[\)）]")
_UNPAIRED_BRACKET = re.compile(r"[\(（\)）]")
_SEPARATORS = re.compile(r"[\s\u3000、，,・／/]+")
_REORGANISATION = re.compile(
    r"^[\(（]\s*(?P<era>[^\d\s元]{1,2})?\s*(?P<year>\d{1,4}|元)\s*年度?\s*(?:より|から|以降)[、,]?\s*"
    r"(?P<predecessor>.+?)\s*(?:から|より)\s*(?:の)?\s*"
    r"(?:組織変更|組織改正|名称変更|移管|所管替え|改称)\s*[\)）]$"
)


@dataclass(frozen=True)
class DepartmentEntry:
    name: str
    is_whole_government: bool
    predecessor: str | None = None
    effective_fiscal_year: int | None = None
    note: str | None = None
    """The reorganisation note exactly as published, brackets included."""


@dataclass(frozen=True)
class DepartmentProblem:
    message_ja: str
    message_en: str
    value: str
    may_be_cut: bool = False


def parse_departments(cell: str) -> tuple[list[DepartmentEntry], list[DepartmentProblem]]:
    """Split a department cell into entries, attaching each note to the name before it."""
    entries, problems = _parse_departments(cell)
    return list(entries), list(problems)


# The same few department cells recur on thousands of rows of a large table.
@lru_cache(maxsize=4096)
def _parse_departments(
    cell: str,
) -> tuple[tuple[DepartmentEntry, ...], tuple[DepartmentProblem, ...]]:
    tokens: list[tuple[str, str]] = []  # ("name" | "note", text)
    position = 0
    for match in _BRACKETED.finditer(cell):
        tokens.extend(("name", part) for part in _split_names(cell[position : match.start()]))
        bracketed = match.group(0)
        if _REORGANISATION.match(unicodedata.normalize("NFKC", bracketed).strip()):
            tokens.append(("note", bracketed))
        elif tokens and tokens[-1][0] == "name" and not cell[match.start() - 1].isspace():
            # A bracket written against a name belongs to it: 男女共同参画課（相談室）.
            tokens[-1] = ("name", tokens[-1][1] + bracketed)
        else:
            tokens.append(("name", bracketed))
        position = match.end()
    tokens.extend(("name", part) for part in _split_names(cell[position:]))

    entries: list[DepartmentEntry] = []
    problems: list[DepartmentProblem] = []
    if _UNPAIRED_BRACKET.search(_BRACKETED.sub("", cell)):
        # A note cut off before its closing bracket, as in a file cut short,
        # would otherwise become a department of its own.
        problems.append(
            DepartmentProblem(
                "担当課の欄の括弧が閉じていません（セルが途中で切れていませんか）",
                "a bracket in the department cell is not closed (is the cell cut short?)",
                cell,
                may_be_cut=True,
            )
        )
    for kind, text in tokens:
        if kind == "name":
            entries.append(DepartmentEntry(text, text in WHOLE_GOVERNMENT_NAMES))
            continue
        if not entries:
            problems.append(
                DepartmentProblem(
                    "組織変更の注記の前に担当課名がありません",
                    "a reorganisation note comes before any department name",
                    text,
                )
            )
            continue
        match = _REORGANISATION.match(unicodedata.normalize("NFKC", text).strip())
        try:
            year = _note_fiscal_year(match.group("era"), match.group("year"))
        except UnknownEraError as error:
            problems.append(
                DepartmentProblem(
                    f"組織変更の注記の元号「{error.era}」が分かりません",
                    f"unknown era '{error.era}' in a reorganisation note",
                    text,
                )
            )
            continue
        current = entries[-1]
        entries[-1] = DepartmentEntry(
            current.name,
            current.is_whole_government,
            predecessor=_original_name(text, match.group("predecessor")),
            effective_fiscal_year=year,
            note=text,
        )
    return tuple(entries), tuple(problems)


def _split_names(text: str) -> list[str]:
    return [part for part in _SEPARATORS.split(text) if part]


def _note_fiscal_year(era: str | None, year: str) -> int:
    if era is None:
        number = int(year)
        if number < 1900:
            raise UnknownEraError("")
        return number
    return era_to_western(era, year)


def _original_name(note: str, folded_name: str) -> str:
    """The predecessor's name as written in the note (NFKC was only for matching).

    Each character is folded on its own, and the folded name is found in the
    folded note; the lengths of the folded pieces lead back to the original text.
    """
    pieces = [unicodedata.normalize("NFKC", char) for char in note]
    folded = "".join(pieces)
    start = folded.find(folded_name)
    if start < 0:
        return folded_name
    end = start + len(folded_name)
    offsets = [0]
    for piece in pieces:
        offsets.append(offsets[-1] + len(piece))
    if start in offsets and end in offsets:
        return note[offsets.index(start) : offsets.index(end)].strip()
    return folded_name
