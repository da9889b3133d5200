"""Downloads of annual statuses: CSV (UTF-8, and UTF-8 with a BOM for Excel), Excel and JSON.

One row per annual status, one datum per cell, the Western fiscal year beside
the era form, in the order of ``EXPORT_COLUMNS``. Rows are read with a
server-side cursor and written as they come, so memory stays flat however many
statuses are exported.

Formula injection: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return would be run as a formula by a spreadsheet, so it is
written with a ``'`` in front. A text cell that already begins with ``'`` gets
one more ``'``, so the scheme is reversible: the importer removes exactly one
leading ``'`` from every cell of a file in this format (``reports.cells``).
"""

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from reports.cells import neutralise
from reports.corrections import CorrectionBook
from reports.eras import fiscal_year_label
from reports.models import AnnualStatus, Correction
from reports.search import RankedStatuses

DEPARTMENT_SEPARATOR = "、"
"""Joins department names in the 担当課一覧 column (not 担当課名, which the importer
would read as the department cell instead of 担当課). The importer splits department
cells on it, so no department name can contain it."""

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ExportColumn:
    key: str
    """The JSON field name and the English name."""
    label: str
    """The header cell, in Japanese."""
    description_ja: str
    description_en: str
    width: int
    """Width of the Excel column, in characters."""


EXPORT_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn(
        "id",
        "ID",
        "実施状況の識別子（計画ID/年度/事業番号。取り込み直しても変わらない）",
        "Status identifier (plan/fiscal year/project number; the same after any re-import)",
        22,
    ),
    ExportColumn(
        "plan", "計画ID", "計画の識別子（URL に使う英数字）", "Plan identifier (as in URLs)", 14
    ),
    ExportColumn("plan_title", "計画名", "計画の名称", "Plan title", 30),
    ExportColumn(
        "plan_municipality", "自治体", "計画を定めた自治体", "Municipality of the plan", 14
    ),
    ExportColumn(
        "plan_aim", "計画の目標", "計画の目標（計画に記載のとおり）", "Aim of the plan", 40
    ),
    ExportColumn(
        "plan_first_fiscal_year",
        "計画期間（初年度）",
        "計画期間の初年度（西暦、未定なら空欄）",
        "First fiscal year of the plan (Western; empty if not set)",
        8,
    ),
    ExportColumn(
        "plan_last_fiscal_year",
        "計画期間（最終年度）",
        "計画期間の最終年度（西暦、未定なら空欄）",
        "Last fiscal year of the plan (Western; empty if not set)",
        8,
    ),
    ExportColumn(
        "goal_number", "基本目標番号", "基本目標の番号（Ⅰ＝1）", "Basic goal number (Ⅰ = 1)", 8
    ),
    ExportColumn("goal", "基本目標", "基本目標の名称", "Basic goal", 24),
    ExportColumn(
        "direction_number",
        "施策の方向番号",
        "基本目標の中での施策の方向の番号",
        "Policy direction number within its goal",
        8,
    ),
    ExportColumn("direction", "施策の方向", "施策の方向の名称", "Policy direction", 24),
    ExportColumn(
        "project_number", "事業番号", "計画の中での事業の番号", "Project number within the plan", 8
    ),
    ExportColumn(
        "project", "事業名称", "事業の名称（公表のとおり）", "Project name, as published", 24
    ),
    ExportColumn(
        "project_corrected",
        "名称（補正後）",
        "事業の名称に確認済みの補正（誤読・誤字の訂正）を当てたもの。補正がなければ公表のとおり",
        "Project name with the reviewed corrections of misreadings applied "
        "(as published where there is none)",
        24,
    ),
    ExportColumn(
        "content",
        "事業内容",
        "事業の内容（公表のとおり）",
        "What the project does, as published",
        40,
    ),
    ExportColumn(
        "content_corrected",
        "事業内容（補正後）",
        "事業内容に確認済みの補正を当てたもの。補正がなければ公表のとおり",
        "What the project does, with the reviewed corrections applied "
        "(as published where there is none)",
        40,
    ),
    ExportColumn(
        "fiscal_year", "年度", "年度（西暦、4月始まり）", "Fiscal year (Western, from April)", 8
    ),
    ExportColumn(
        "fiscal_year_era", "年度（和暦）", "年度（和暦）", "Fiscal year in the Japanese era", 12
    ),
    ExportColumn(
        "status",
        "実施状況",
        "その年度の実施状況（公表のとおり）",
        "Status that year, as published",
        60,
    ),
    ExportColumn(
        "status_corrected",
        "実施状況（補正後）",
        "その年度の実施状況に確認済みの補正を当てたもの。補正がなければ公表のとおり",
        "Status that year, with the reviewed corrections applied "
        "(as published where there is none)",
        60,
    ),
    ExportColumn(
        "department_names",
        "担当課一覧",
        f"担当課の名称を記載順に「{DEPARTMENT_SEPARATOR}」で区切ったもの",
        f"Departments in the order listed, separated by 「{DEPARTMENT_SEPARATOR}」",
        20,
    ),
    ExportColumn(
        "departments",
        "担当課",
        "担当課の欄の原文（組織変更の注記を含む）",
        "The department cell as published, reorganisation notes included",
        24,
    ),
    ExportColumn(
        "source_file", "取り込み元ファイル", "取り込んだファイルの名前", "Imported file name", 24
    ),
    ExportColumn(
        "source_row",
        "取り込み元の行",
        "取り込んだファイルでの行番号",
        "Row in the imported file",
        8,
    ),
)

_KEYS = tuple(column.key for column in EXPORT_COLUMNS)

_VALUES = (
    "project__plan__slug",
    "project__plan__title",
    "project__plan__municipality__name",
    "project__plan__aim",
    "project__plan__first_fiscal_year",
    "project__plan__last_fiscal_year",
    "project__direction__goal__number",
    "project__direction__goal__title",
    "project__direction__number",
    "project__direction__title",
    "project__number",
    "project__name",
    "project__content",
    "fiscal_year",
    "status_text",
    "department_names",
    "departments_text",
    "import_run__file_name",
    "source_row",
    "project_id",
)
"""What ``status_export_values`` reads of each status; ``export_row`` makes the
columns from it (the project's id, last, finds its corrections)."""


EXPORT_ORDER = ("project__plan__slug", "-fiscal_year", "project__number", "pk")


def status_export_values(
    *, statuses: QuerySet[AnnualStatus], order: tuple[str, ...] = EXPORT_ORDER
) -> QuerySet:
    """The statuses as value tuples (``_VALUES``), by default in export order."""
    return (
        statuses.annotate(
            department_names=StringAgg(
                F("statusdepartment__department__name"),
                delimiter=DEPARTMENT_SEPARATOR,
                order_by="statusdepartment__position",
                default="",
            )
        )
        .order_by(*order)
        .values_list(*_VALUES)
    )


def status_id(plan: str, fiscal_year: int, project_number: int) -> str:
    """A status's identifier: ``saitama-dv-2/2017/7``. Made of what the city
    published (the plan, the year, the project's number), so re-importing a
    year, reverting an import or loading the data into another copy of the
    site gives the status the same identifier; it is also the API's path to it."""
    return f"{plan}/{fiscal_year}/{project_number}"


def corrections_of_statuses(statuses: QuerySet[AnnualStatus]) -> CorrectionBook:
    """The reviewed corrections of the statuses' projects, read in one query."""
    projects = statuses.order_by().values("project_id")
    return CorrectionBook(Correction.objects.filter(project__in=projects).order_by())


def corrections_of_values(rows: Iterable[tuple[Any, ...]]) -> CorrectionBook:
    """The same for value tuples already read (a page of the API)."""
    projects = {values[-1] for values in rows}
    if not projects:
        return CorrectionBook(())
    return CorrectionBook(Correction.objects.filter(project__in=projects).order_by())


def export_row(values: tuple[Any, ...], corrections: CorrectionBook) -> tuple[Any, ...]:
    """A value tuple (``_VALUES``) as a row in ``EXPORT_COLUMNS`` order: with the
    status's identifier, the era form of its year and the corrected readings."""
    (
        plan, plan_title, municipality, aim, first_year, last_year,
        goal_number, goal, direction_number, direction,
        number, name, content, year, status, department_names, departments,
        file_name, row, project_id,
    ) = values  # fmt: skip
    return (
        status_id(plan, year, number),
        plan, plan_title, municipality, aim, first_year, last_year,
        goal_number, goal, direction_number, direction,
        number, name, corrections.corrected(project_id, "name", name),
        content, corrections.corrected(project_id, "content", content),
        year, era_fiscal_year(year),
        status, corrections.corrected(project_id, "status", status, year),
        department_names, departments, file_name, row,
    )  # fmt: skip


def export_record(values: tuple[Any, ...], corrections: CorrectionBook) -> dict[str, Any]:
    """A value tuple as a JSON object keyed by ``EXPORT_COLUMNS``' keys."""
    return dict(zip(_KEYS, export_row(values, corrections), strict=True))


def era_fiscal_year(fiscal_year: int) -> str:
    """2017 → 平成29年度."""
    return fiscal_year_label(fiscal_year).split("（")[0]


def status_export_rows(*, statuses: QuerySet[AnnualStatus]) -> Iterator[tuple[Any, ...]]:
    """One tuple per status, in ``EXPORT_COLUMNS`` order, read in chunks from one cursor."""
    corrections = corrections_of_statuses(statuses)
    for values in status_export_values(statuses=statuses).iterator(chunk_size=CHUNK_SIZE):
        yield export_row(values, corrections)


def _cell(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def _text_rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[Any]]:
    yield [column.label for column in EXPORT_COLUMNS]
    for row in rows:
        yield [_cell(value) for value in row]


class _Echo:
    """A file-like object whose ``write`` hands back what it is given."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[tuple[Any, ...]], *, bom: bool = False) -> Iterator[bytes]:
    """CSV lines in UTF-8 (CRLF line ends, RFC 4180), with a BOM first for Excel."""
    writer = csv.writer(_Echo())
    if bom:
        yield "\ufeff".encode()
    for row in _text_rows(rows):
        yield writer.writerow(row).encode()


def json_chunks(rows: Iterable[tuple[Any, ...]], *, licence: dict[str, str]) -> Iterator[bytes]:
    """``{"licence": …, "fields": […], "statuses": [{…}, …]}``, one status per line."""
    fields = [
        {"name": c.key, "label_ja": c.label, "description_ja": c.description_ja,
         "description_en": c.description_en}
        for c in EXPORT_COLUMNS
    ]  # fmt: skip
    head = {"licence": licence, "fields": fields}
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "statuses": [\n').encode()
    keys = [column.key for column in EXPORT_COLUMNS]
    separator = ""
    for row in rows:
        yield (
            separator + json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False)
        ).encode()
        separator = ",\n"
    yield b"\n]}\n"


def xlsx_file(rows: Iterable[tuple[Any, ...]]) -> IO[bytes]:
    """``xlsx_write`` into a temporary file, at its start."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    xlsx_write(rows, output)
    output.seek(0)
    return output


def xlsx_write(rows: Iterable[tuple[Any, ...]], output: IO[bytes]) -> None:
    """An Excel workbook: the statuses (header frozen, text wrapped), then a
    sheet describing the columns. openpyxl's write-only mode keeps only the
    current row in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("実施状況")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def cells(values: Iterable[Any], font: Font | None = None) -> list[WriteOnlyCell]:
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it begins with
            cell.alignment = wrap
            if font is not None:
                cell.font = font
            out.append(cell)
        return out

    first = True
    for row in _text_rows(rows):
        sheet.append(cells(row, bold if first else None))
        first = False

    about = workbook.create_sheet("列の説明")
    for letter, width in zip("ABCD", (20, 20, 40, 50), strict=True):
        about.column_dimensions[letter].width = width
    about.append(["列名", "Field", "説明", "Description"])
    for column in EXPORT_COLUMNS:
        about.append([column.label, column.key, column.description_ja, column.description_en])

    workbook.save(output)


def content_disposition(*, filename: str, ascii_filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the real name as ``filename*`` (RFC 6266, 5987)."""
    return f"attachment; filename=\"{ascii_filename}\"; filename*=UTF-8''{quote(filename, safe='')}"


@dataclass(frozen=True)
class ExportFormat:
    suffix: str
    """What follows ``statuses`` in the URL and the file name."""
    label: str
    content_type: str


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.suffix: f
    for f in (
        ExportFormat(".csv", "CSV（UTF-8）", "text/csv; charset=utf-8"),
        ExportFormat("-excel.csv", "Excel用CSV（UTF-8 BOM付き）", "text/csv; charset=utf-8"),
        ExportFormat(
            ".xlsx",
            "Excel（.xlsx）",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ExportFormat(".json", "JSON", "application/json"),
    )
}


def dataset_jsonld(*, request, plans, import_runs) -> str:
    """schema.org ``Dataset`` for the data page, as JSON safe inside a ``<script>`` element."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils.safestring import mark_safe

    modified = max((run.finished_at for run in import_runs), default=None)
    dataset = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": "計画の年度実施状況",
        "description": "自治体の基本計画の事業ごとの年度実施状況（"
        + "、".join(plan.title for plan in plans)
        + "）。",
        "url": request.build_absolute_uri(reverse("reports:data")),
        "inLanguage": "ja",
        "license": settings.DATA_LICENCE["url"],
        "isAccessibleForFree": True,
        "creator": [
            {"@type": "GovernmentOrganization", "name": name}
            for name in dict.fromkeys(plan.municipality.name for plan in plans)
            if name
        ],
        "variableMeasured": [column.label for column in EXPORT_COLUMNS],
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": export_format.content_type.split(";")[0],
                "contentUrl": request.build_absolute_uri(reverse(f"reports:data{suffix}")),
                "name": export_format.label,
            }
            for suffix, export_format in EXPORT_FORMATS.items()
        ],
    }
    if modified is not None:
        dataset["dateModified"] = modified.date().isoformat()
    text = json.dumps(dataset, ensure_ascii=False, indent=1)
    # As django.utils.html.json_script does: no "</script>" or "<!--" can appear.
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return mark_safe(text)  # escaped above


class RankedStatusValues:
    """A keyword's matches under the filters, best first, as export value
    tuples (``status_export_values``), read a page at a time: the API's list
    of a keyword search."""

    def __init__(self, ranked: RankedStatuses) -> None:
        self.ranked = ranked

    def __len__(self) -> int:
        return len(self.ranked)

    def __getitem__(self, page: slice) -> list[tuple[Any, ...]]:
        ids = self.ranked[page]
        position = RawSQL("array_position(%s::integer[], reports_annualstatus.id)", [ids])
        return list(
            status_export_values(
                statuses=AnnualStatus.objects.filter(pk__in=ids), order=(position.asc(),)
            )
        )
