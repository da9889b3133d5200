"""Problems found in an import file, each with its place and a message a clerk can act on."""

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "エラー"
    WARNING = "警告"


@dataclass(frozen=True)
class Place:
    """Where in the source a value sits: file, sheet, row (1-based) and column."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    """0-based index; shown as a spreadsheet letter (A, B, …)."""

    def __str__(self) -> str:
        parts = [self.file, self.sheet or "-"]
        parts.append(str(self.row) if self.row is not None else "-")
        parts.append(column_letter(self.column) if self.column is not None else "-")
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    severity: Severity
    place: Place
    message_ja: str
    message_en: str
    value: str | None = None
    may_be_cut: bool = False
    """The error says a cell looks cut short, as in a file cut off: in a table
    read from a scan through OCR it is a misreading to review instead (a
    warning), since a page's image holds every cell whole."""

    def __str__(self) -> str:
        text = f"{self.place}: {self.severity} {self.message_ja} / {self.message_en}"
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "…"
            text += f"「{shown}」"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity.name.lower(),
            "place": str(self.place),
            "message_ja": self.message_ja,
            "message_en": self.message_en,
            "value": self.value,
        }


def error(
    place: Place, ja: str, en: str, value: str | None = None, *, may_be_cut: bool = False
) -> Problem:
    return Problem(Severity.ERROR, place, ja, en, value, may_be_cut=may_be_cut)


def warning(place: Place, ja: str, en: str, value: str | None = None) -> Problem:
    return Problem(Severity.WARNING, place, ja, en, value)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


class ImportProblems(Exception):
    """Raised when a file has errors: nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]
