"""Resource limits on an import file, checked before and while it is read.

A year's table is 60–1,000 rows of a few hundred characters a cell; the limits
are settings (``dvplan/settings.py``, docs/importing.md) set far above that, so
that only a hostile or broken file meets them, and it is refused at once, in
little memory, with a message that names the limit and the setting that raises it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from importers.problems import ImportProblems, Place, error

DEFAULTS = {
    "IMPORT_MAX_FILE_BYTES": 30_000_000,
    "IMPORT_MAX_EXPANDED_BYTES": 200_000_000,
    "IMPORT_MAX_ROWS": 200_000,
    "IMPORT_MAX_COLUMNS": 100,
    # Excel's own limit for one cell: no cell typed in Excel is longer.
    "IMPORT_MAX_CELL_CHARS": 32_767,
}
"""Each limit's setting and its default; ``dvplan/settings.py`` reads them from the
environment. Plain data, so that the readers stay free of Django."""


@dataclass(frozen=True)
class ImportLimits:
    file_bytes: int
    """The file's size on disk."""
    expanded_bytes: int
    """An .xlsx's parts, uncompressed, all together (as its zip directory says)."""
    rows: int
    """Rows read, all sheets together; for an .xlsx, also each sheet's recorded size."""
    columns: int
    """Cells in one row (for an .xlsx, up to the column of its last cell)."""
    cell_chars: int
    """Characters in one cell."""

    @classmethod
    def from_settings(cls, values: Mapping[str, int] = DEFAULTS) -> "ImportLimits":
        """From a mapping of the settings' names to values (the loader passes
        ``settings.IMPORT_LIMITS``), each missing one at its default."""
        value = {name: values.get(name, default) for name, default in DEFAULTS.items()}
        return cls(
            file_bytes=value["IMPORT_MAX_FILE_BYTES"],
            expanded_bytes=value["IMPORT_MAX_EXPANDED_BYTES"],
            rows=value["IMPORT_MAX_ROWS"],
            columns=value["IMPORT_MAX_COLUMNS"],
            cell_chars=value["IMPORT_MAX_CELL_CHARS"],
        )


def _over(
    place: Place, what_ja: str, what_en: str, setting: str, value: str | None = None
) -> ImportProblems:
    return ImportProblems(
        [
            error(
                place,
                f"{what_ja}。上限は設定 {setting} で変えられます",
                f"{what_en}; raise the limit with the setting {setting}",
                value,
            )
        ]
    )


def file_too_large(place: Place, size: int, limit: int) -> ImportProblems:
    return _over(
        place,
        f"ファイルが大きすぎます（{size:,} バイト、上限 {limit:,} バイト）",
        f"the file is too large ({size:,} bytes, the limit is {limit:,})",
        "IMPORT_MAX_FILE_BYTES",
    )


def expands_too_far(place: Place, size: int, limit: int) -> ImportProblems:
    return _over(
        place,
        f"Excel ファイルの中身が展開すると大きすぎます（{size:,} バイト、上限 {limit:,} バイト）",
        f"the Excel file expands to too much data ({size:,} bytes, the limit is {limit:,})",
        "IMPORT_MAX_EXPANDED_BYTES",
    )


def sheet_too_large(place: Place, reference: str, limit: int) -> ImportProblems:
    return _over(
        place,
        f"シートの範囲が行数の上限（{limit:,} 行）を超えています",
        f"the sheet's recorded range has more rows than the limit ({limit:,})",
        "IMPORT_MAX_ROWS",
        reference,
    )


def too_many_rows(place: Place, limit: int) -> ImportProblems:
    return _over(
        place,
        f"行数が上限（{limit:,} 行）を超えています",
        f"more rows than the limit ({limit:,})",
        "IMPORT_MAX_ROWS",
    )


def too_many_columns(place: Place, limit: int) -> ImportProblems:
    return _over(
        place,
        f"列数が上限（{limit:,} 列）を超えています",
        f"more columns than the limit ({limit:,})",
        "IMPORT_MAX_COLUMNS",
    )


def cell_too_long(place: Place, length: int, limit: int) -> ImportProblems:
    return _over(
        place,
        f"セルの文字数が上限を超えています（{length:,} 字、上限 {limit:,} 字）",
        f"the cell holds {length:,} characters, more than the limit ({limit:,})",
        "IMPORT_MAX_CELL_CHARS",
    )


class RowBudget:
    """Counts the rows read from a file, all sheets together, and refuses the
    row (with its place) that crosses a limit: the reader stops there."""

    def __init__(self, file_name: str, limits: ImportLimits) -> None:
        self.file_name = file_name
        self.limits = limits
        self.count = 0

    def reaching(self, sheet: str | None, number: int, rows_before: int) -> None:
        """Refuse before ``rows_before`` rows are given ahead of row ``number``
        (empty ones for rows missing from a sheet) if that crosses the row limit."""
        if self.count + rows_before + 1 > self.limits.rows:
            raise too_many_rows(Place(self.file_name, sheet, number), self.limits.rows)

    def take(self, sheet: str | None, number: int, cells: list[str] | tuple[str, ...]) -> None:
        self.count += 1
        if self.count > self.limits.rows:
            raise too_many_rows(Place(self.file_name, sheet, number), self.limits.rows)
        if len(cells) > self.limits.columns:
            raise too_many_columns(
                Place(self.file_name, sheet, number, self.limits.columns), self.limits.columns
            )
        limit = self.limits.cell_chars
        if cells and max(map(len, cells)) > limit:
            column, cell = next((i, c) for i, c in enumerate(cells) if len(c) > limit)
            raise cell_too_long(Place(self.file_name, sheet, number, column), len(cell), limit)
