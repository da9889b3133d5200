"""Readers: a file in, rows of cells with their places out. No structure, no database."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from importers.problems import ImportProblems, Place, error


@dataclass(frozen=True)
class SourceRow:
    sheet: str | None
    number: int
    """1-based line or row number in the source."""
    cells: tuple[str, ...]

    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True)
class SourceTable:
    file_name: str
    file_format: str
    rows: list[SourceRow]
    sheet_names: tuple[str | None, ...] = (None,)


def read_table(path: Path) -> SourceTable:
    """Read any supported file, choosing the reader by the file's content."""
    data = path.read_bytes()
    place = Place(path.name)
    if not data.strip():
        raise ImportProblems([error(place, "ファイルが空です", "the file is empty")])
    text = _decode(data, place)
    return SourceTable(path.name, "tsv", list(_tab_separated_rows(text)))


def _decode(data: bytes, place: Place) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportProblems(
            [
                error(
                    place,
                    f"文字コードを UTF-8 として読めません（{exc.start} バイト目）",
                    f"the file is not valid UTF-8 (byte {exc.start})",
                )
            ]
        ) from exc


def _tab_separated_rows(text: str) -> Iterator[SourceRow]:
    """Text extracted from a PDF table: one row a line, cells separated by tabs."""
    for number, line in enumerate(text.splitlines(), start=1):
        yield SourceRow(None, number, tuple(line.split("\t")))
