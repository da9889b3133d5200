"""This site's own downloads (reports/exports.py), read back: one table per plan and year.

A download holds every fiscal year (and, for the whole dataset, every plan) in
one sheet, with 計画ID and 年度 columns, and (in CSV and .xlsx) a ``'`` in front
of any cell that a spreadsheet would run as a formula; the JSON download reads
as the same table (``importers.readers``). It is split here into one source table per
plan and fiscal year (the .xlsx's sheet describing the columns is left
out), each with the plan's title above its header as a city's
table has, and with the ``'`` taken off again; each table then goes through the
normaliser like any other file. The plan's own fields (自治体, 計画の目標 and its
period), when the file has those columns, are carried beside each part for the
loader to set on the plan. Pure: no database.
"""

from dataclasses import dataclass

from importers.readers import JSON_FORMAT, SourceRow, SourceTable
from reports.cells import unneutralise

PLAN_COLUMN = "計画ID"
PLAN_TITLE_COLUMN = "計画名"
FISCAL_YEAR_COLUMN = "年度"
MUNICIPALITY_COLUMN = "自治体"
AIM_COLUMN = "計画の目標"
FIRST_FISCAL_YEAR_COLUMN = "計画期間（初年度）"
LAST_FISCAL_YEAR_COLUMN = "計画期間（最終年度）"


@dataclass(frozen=True)
class PlanFields:
    """The plan's fields besides slug and title, as a download carries them."""

    municipality: str
    aim: str
    first_fiscal_year: int | None
    last_fiscal_year: int | None


@dataclass(frozen=True)
class ExportedPart:
    plan_slug: str
    fiscal_year: int
    source: SourceTable
    plan_fields: PlanFields | None = None
    """None for a download made before the plan's fields were exported."""


def split_exported(source: SourceTable) -> list[ExportedPart] | None:
    """One part per plan and fiscal year, in the file's order; None when the
    file is not one of this site's downloads (its first row is not our header)."""
    rows = [row for row in source.rows if not row.is_blank()]
    if not rows:
        return None
    header = rows[0]
    names = [cell.strip() for cell in header.cells]
    if not {PLAN_COLUMN, PLAN_TITLE_COLUMN, FISCAL_YEAR_COLUMN} <= set(names):
        return None
    plan_at = names.index(PLAN_COLUMN)
    title_at = names.index(PLAN_TITLE_COLUMN)
    year_at = names.index(FISCAL_YEAR_COLUMN)
    plan_columns = (
        MUNICIPALITY_COLUMN,
        AIM_COLUMN,
        FIRST_FISCAL_YEAR_COLUMN,
        LAST_FISCAL_YEAR_COLUMN,
    )
    plan_field_at = (
        [names.index(name) for name in plan_columns] if set(plan_columns) <= set(names) else None
    )
    parts: dict[tuple[str, str], list[SourceRow]] = {}
    titles: dict[str, str] = {}
    plan_fields: dict[str, PlanFields] = {}
    for row in rows[1:]:
        if row.sheet != header.sheet:
            continue  # the workbook's second sheet describes the columns
        # The JSON download is never neutralised: its texts are exactly as stored.
        cells = (
            row.cells
            if source.file_format == JSON_FORMAT
            else tuple(unneutralise(cell) for cell in row.cells)
        )
        cells += ("",) * (len(names) - len(cells))  # a row may stop at its last filled cell
        key = (cells[plan_at], cells[year_at])
        titles.setdefault(cells[plan_at], cells[title_at])
        if plan_field_at is not None and cells[plan_at] not in plan_fields:
            municipality, aim, first, last = (cells[at] for at in plan_field_at)
            plan_fields[cells[plan_at]] = PlanFields(
                municipality=municipality,
                aim=aim,
                first_fiscal_year=_year_or_none(first),
                last_fiscal_year=_year_or_none(last),
            )
        parts.setdefault(key, []).append(SourceRow(row.sheet, row.number, cells))
    result = []
    for (slug, year), part_rows in parts.items():
        title = SourceRow(header.sheet, 0, (titles[slug],))
        result.append(
            ExportedPart(
                plan_slug=slug,
                fiscal_year=int(year),
                source=SourceTable(
                    source.file_name,
                    source.file_format,
                    [title, header, *part_rows],
                    source.sheet_names,
                ),
                plan_fields=plan_fields.get(slug),
            )
        )
    return result


def _year_or_none(cell: str) -> int | None:
    """An empty period cell is no year."""
    cell = cell.strip()
    return int(cell) if cell else None
