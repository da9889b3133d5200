"""Building import files in tests, and reading back what the database holds."""

import codecs
import csv
import io
from pathlib import Path

from django.db import connection

from importers.normaliser import StatusTable
from reports.models import (
    AnnualStatus,
    BasicGoal,
    Department,
    DepartmentSuccession,
    ImportRun,
    Municipality,
    Plan,
    PolicyDirection,
    Project,
    StatusDepartment,
)
from tests.database import WRITTEN_BY_TRIGGERS, data_tables
from tests.synthetic import Line, merged_blocks, write_xlsx

MODELS = [
    Municipality,
    Plan,
    BasicGoal,
    PolicyDirection,
    Project,
    Department,
    DepartmentSuccession,
    AnnualStatus,
    StatusDepartment,
    ImportRun,
]

HEADER = ["基本目標", "施策の方向", "事業名称", "事業内容", "平成29年度実施状況", "担当課"]
GOAL = "Ⅰ 教育・啓発の推進"
ROWS = [
    # The seed's first three projects, as the seed's plan names them.
    [GOAL, "1 市民への意識啓発", "1 DVの防止・啓発", "内容1", "状況1", "男女共同参画課"],
    ["", "", "2 女性に対する暴力をなくす運動の周知", "内容2", "状況2", "男女共同参画課"],
    ["", "2 学校等における人権教育の推進", "3 人権教育の推進", "内容3", "状況3", "人権教育推進室"],
]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, ids included, for before/after comparisons."""
    return {
        model.__name__: sorted(
            tuple(str(value) for value in row) for row in model.objects.values_list()
        )
        for model in MODELS
    }


def every_table(*, leave_out: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Every row of every table of the schema (search index, corrections and
    all), each as PostgreSQL writes it as text, ids included; ``leave_out``
    names tables not compared."""
    quote = connection.ops.quote_name
    # The data version changes with every write, undone or not: it is what
    # tells caches that something changed (reports.dataversion).
    tables = [
        table
        for table in data_tables()
        if table not in leave_out and table not in WRITTEN_BY_TRIGGERS
    ]
    with connection.cursor() as cursor:
        contents = {}
        for table in tables:
            cursor.execute(f"SELECT t::text FROM {quote(table)} t")
            contents[table] = sorted(row for (row,) in cursor.fetchall())
        return contents


def plan_contents() -> dict[str, list[tuple]]:
    """Every table by its natural keys, for comparing two imports of the same data.

    Left out, because they differ between two files holding the same table:
    database ids, and on ImportRun the file name, its SHA-256, its format and the
    times; on AnnualStatus the source row (a row number in that file).
    """
    return {
        "Plan": sorted(
            Plan.objects.values_list(
                "slug",
                "title",
                "municipality__name",
                "aim",
                "first_fiscal_year",
                "last_fiscal_year",
            )
        ),
        "BasicGoal": sorted(BasicGoal.objects.values_list("plan__slug", "number", "title")),
        "PolicyDirection": sorted(
            PolicyDirection.objects.values_list(
                "goal__plan__slug", "goal__number", "number", "title"
            )
        ),
        "Project": sorted(
            Project.objects.values_list(
                "plan__slug",
                "number",
                "direction__goal__number",
                "direction__number",
                "name",
                "content",
            )
        ),
        "Department": sorted(Department.objects.values_list("municipality__name", "name", "kind")),
        "DepartmentSuccession": sorted(
            DepartmentSuccession.objects.values_list(
                "successor__municipality__name",
                "successor__name",
                "predecessor__name",
                "effective_fiscal_year",
                "note",
            )
        ),
        "AnnualStatus": sorted(
            AnnualStatus.objects.values_list(
                "project__number", "fiscal_year", "status_text", "departments_text"
            )
        ),
        "StatusDepartment": sorted(
            StatusDepartment.objects.values_list(
                "status__project__number", "status__fiscal_year", "position", "department__name"
            )
        ),
        "ImportRun": sorted(
            (
                run["plan__slug"],
                run["fiscal_year"],
                run["outcome"],
                run["row_count"],
                run["created_count"],
                run["updated_count"],
                run["unchanged_count"],
                repr(run["changes"]),
                repr(run["warnings"]),
            )
            for run in ImportRun.objects.values(
                "plan__slug",
                "fiscal_year",
                "outcome",
                "row_count",
                "created_count",
                "updated_count",
                "unchanged_count",
                "changes",
                "warnings",
            )
        ),
    }


def write_csv(path: Path, rows: list[list[object]], *, encoding: str = "utf-8") -> Path:
    """CSV as Excel writes it: CRLF rows, quoting where needed; ``utf-8-sig`` adds a BOM."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_csv_with_bom(path: Path, rows: list[list[object]], *, encoding: str) -> Path:
    """A UTF-8 byte order mark in front of text in another encoding."""
    write_csv(path, rows, encoding=encoding)
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    return path


# --- the seed, laid out again in the forms cities publish ---------------------


def _preamble(table: StatusTable) -> list[list[object]]:
    return [[table.title], [], ["計画の目標", table.aim], []]


def seed_as_merged_workbook(table: StatusTable, path: Path) -> Path:
    """One sheet; goal and direction cells merged down their blocks; the header
    repeated before goal IV as after a page break; footnotes at the end."""
    goals = {g.number: g for g in table.goals}
    directions = {(d.goal_number, d.number): d for d in table.directions}
    lines = (
        Line(
            goal=project.goal_number,
            goal_label=f"{chr(0x215F + project.goal_number)} {goals[project.goal_number].title}",
            direction=project.direction_number,
            direction_label=f"{direction.number} {direction.title}",
            cells=[
                f"{project.number} {project.name}",
                project.content,
                project.status_text,
                project.departments_text,
            ],
        )
        for project in table.projects
        for direction in [directions[(project.goal_number, project.direction_number)]]
    )
    rows, merges = merged_blocks(
        lines,
        header=HEADER,
        before=_preamble(table),
        after=[[], ["※ 担当課は年度末の組織名です。"]],
        header_again_before=lambda goal: goal == 4,
    )
    return write_xlsx(path, {"実施状況": rows}, {"実施状況": merges})


def seed_as_sheet_per_goal(table: StatusTable, path: Path) -> Path:
    """One sheet per basic goal, each with its own header; numbers in columns of
    their own (``第1``, ``（１）``, plain integers); full-width digits in the year."""
    header = [
        "No.",
        "基本目標",
        "施策番号",
        "施策の方向",
        "事業名",
        "事業の概要",
        "平成２９年度の取組実績",
        "所管課",
    ]
    directions = {(d.goal_number, d.number): d for d in table.directions}
    sheets: dict[str, list[list[object]]] = {}
    for goal in table.goals:
        rows = _preamble(table) if goal.number == 1 else [[f"基本目標{goal.number}"], []]
        rows.append(header)
        previous_direction = None
        for project in table.projects:
            if project.goal_number != goal.number:
                continue
            direction = directions[(project.goal_number, project.direction_number)]
            rows.append(
                [
                    project.number,
                    f"第{goal.number} {goal.title}",
                    f"（{chr(0xFF10 + direction.number)}）",
                    direction.title if direction.number != previous_direction else None,
                    project.name,
                    project.content,
                    project.status_text,
                    project.departments_text,
                ]
            )
            previous_direction = direction.number
        rows += [[], ["※ 数値は年度末現在"]]
        sheets[f"基本目標{goal.number}"] = rows
    return write_xlsx(path, sheets)


def seed_as_cp932_csv(table: StatusTable, path: Path) -> Path:
    """Columns in another order; labels only on a block's first row, as in the
    PDF; ``Ⅰ``, ``(1)`` and full-width project numbers; Shift_JIS (CP932)."""
    rows = _preamble(table)
    rows.append(["事業名称", "基本目標", "施策の方向", "担当課", "事業内容", "平成29年度 実施状況"])
    goals = {g.number: g for g in table.goals}
    directions = {(d.goal_number, d.number): d for d in table.directions}
    previous: tuple[int, int] | None = None
    for project in table.projects:
        key = (project.goal_number, project.direction_number)
        goal = goals[project.goal_number]
        direction = directions[key]
        number = "".join(chr(0xFF10 + int(digit)) for digit in str(project.number))
        rows.append(
            [
                f"{number}\u3000{project.name}",
                f"{chr(0x215F + goal.number)}\u3000{goal.title}"
                if previous is None or previous[0] != key[0]
                else "",
                f"({direction.number}) {direction.title}" if key != previous else "",
                project.departments_text,
                project.content,
                project.status_text,
            ]
        )
        previous = key
    return write_csv(path, rows, encoding="cp932")
