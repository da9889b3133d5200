"""Synthetic plans for the tests and the benchmarks.

A plan is described as plain rows (``SyntheticPlan``: goals, directions,
departments and which succeeds which from what year, import runs, projects,
statuses), drawn by the caller from a random alphabet or a word list, and then
either written straight into the database with PostgreSQL's COPY
(``write_plan``), with its search documents and index, or laid out as the
workbook a city publishes, for the importer to read (``write_workbook``).

It lives in tests/ because only the tests and the benchmarks use it: the apps
never import test code, and the benchmarks, run from the repository, import it
as ``tests.synthetic`` like the tests do.
"""

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from openpyxl import Workbook

if TYPE_CHECKING:
    from reports.models import Plan

NOW = datetime(2026, 1, 1, tzinfo=UTC)

# --- texts ---------------------------------------------------------------------

ALPHABET = (
    "相談支援事業被害者保護啓発研修会市民女性暴力防止周知実施状況担当課"
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよ"
    "アイウエオカキクケコサシスセソタチツテトデータドメスティックバイオレンスー"
    "ｱｲｳｴｵｶﾞｷﾞﾃﾞｰﾀ"
    "DVdvＤＶｄｖABCabcＡＢＣ0123０１２３"
    "-－−‐–—ー、。・（）()「」 　"
)
"""Japanese-like characters with full- and half-width letters, dash variants and
spaces: every fold the search makes has something to fold."""

KANJI = "相談支援事業被害者保護啓発研修会市民女性暴力防止周知実施状況担当課配偶者児童虐待通報体制整備充実自立生活住宅提供情報"
KANA = (
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
)
KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモラリルレロワン"


def random_text(rng: random.Random, low: int, high: int, alphabet: str = ALPHABET) -> str:
    """``low`` to ``high`` characters drawn from ``alphabet``."""
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    """Words of two to four kanji, hiragana or katakana (kanji twice as often)."""
    words = []
    for _ in range(size):
        pool = rng.choice([KANJI, KANJI, KANA, KATAKANA])
        words.append("".join(rng.choice(pool) for _ in range(rng.randint(2, 4))))
    return words


def sentence(rng: random.Random, words: Sequence[str], count: int) -> str:
    """``count`` words of ``words`` and a full stop."""
    return "".join(rng.choice(words) for _ in range(count)) + "。"


# --- the plan as rows ------------------------------------------------------------


class ProjectRow(NamedTuple):
    number: int
    goal: int
    """The goal's number."""
    direction: int
    """The direction's number within its goal."""
    name: str
    content: str


class StatusRow(NamedTuple):
    project: int
    """The project's number."""
    fiscal_year: int
    text: str
    departments: Sequence[int] = ()
    """Indexes into ``SyntheticPlan.departments``, in the order listed."""
    departments_text: str = ""
    """The department cell as published; the workbook's department column."""
    source_row: int = 0
    run: int = 0
    """Index into ``SyntheticPlan.runs``."""


class Succession(NamedTuple):
    successor: int
    """Index into ``SyntheticPlan.departments``; so is ``predecessor``."""
    predecessor: int
    fiscal_year: int
    note: str


class Run(NamedTuple):
    """An import run the statuses come from."""

    fiscal_year: int
    file_name: str
    file_format: str = "text"
    row_count: int = 0


@dataclass
class SyntheticPlan:
    """A plan as rows. ``projects`` and ``statuses`` may be generators: each is
    read once, the projects first, so a generator can draw both from one
    random sequence."""

    slug: str
    title: str
    goals: dict[int, str]
    """Titles by number."""
    directions: dict[tuple[int, int], str]
    """Titles by (goal number, direction number)."""
    projects: Iterable[ProjectRow]
    statuses: Iterable[StatusRow]
    """Ids are given in this order; a workbook lists them in this order."""
    departments: Sequence[str] = ()
    """Names; a department that already exists is reused."""
    successions: Sequence[Succession] = ()
    runs: Sequence[Run] = field(default_factory=lambda: [Run(2020, "synthetic.txt")])
    municipality: str = ""


def spread(projects: int, goals: int, directions_per_goal: int) -> Iterator[tuple[int, int, int]]:
    """(number, goal, direction) of each project, numbered from 1, in equal
    consecutive blocks over the directions (the last ones shorter)."""
    per_direction = -(-projects // (goals * directions_per_goal))
    for number in range(1, projects + 1):
        block = (number - 1) // per_direction
        yield number, block // directions_per_goal + 1, block % directions_per_goal + 1


def benchmark_plan(
    *,
    slug: str,
    rows: int,
    goals: int,
    directions_per_goal: int,
    fiscal_year: int,
    department_cell: Callable[[int], str],
) -> "SyntheticPlan":
    """The import benchmarks' plan: ``rows`` projects spread over the goals and
    directions, each with generated names, content and one year's status."""
    numbered = list(spread(rows, goals, directions_per_goal))
    return SyntheticPlan(
        slug=slug,
        title="ベンチマーク用 基本計画",
        goals={g: f"基本目標{g}の名称" for g in range(1, goals + 1)},
        directions={
            (g, d): f"施策の方向{d}の名称"
            for g in range(1, goals + 1)
            for d in range(1, directions_per_goal + 1)
        },
        projects=[
            ProjectRow(
                number,
                goal,
                direction,
                f"事業{number}の名称",
                f"事業{number}の内容。市民への啓発と相談体制の充実を図ります。" * 2,
            )
            for number, goal, direction in numbered
        ],
        statuses=(
            StatusRow(
                project=number,
                fiscal_year=fiscal_year,
                text=f"事業{number}を実施した（参加人数：{number % 500}人、開催回数：{number % 12}回）。"
                "関係機関と連携し、相談窓口の周知を行った。",
                departments_text=department_cell(number),
            )
            for number, _, _ in numbered
        ),
    )


def numbered_structure(
    goals: int,
    directions_per_goal: int,
    goal_title: Callable[[int], str],
    direction_title: Callable[[int, int], str],
) -> tuple[dict[int, str], dict[tuple[int, int], str]]:
    """``goals`` goals of ``directions_per_goal`` directions each, with their titles."""
    return (
        {g: goal_title(g) for g in range(1, goals + 1)},
        {
            (g, d): direction_title(g, d)
            for g in range(1, goals + 1)
            for d in range(1, directions_per_goal + 1)
        },
    )


# --- written with COPY -----------------------------------------------------------


def write_plan(plan: SyntheticPlan, *, index: bool = True) -> "Plan":
    """Write ``plan`` in one transaction and return its ``Plan``.

    Projects, statuses and their departments go with COPY, the rest through the
    ORM. With ``index``, the statuses' search documents and index are written by
    the loader's own writer. The planner's statistics are refreshed, as the
    loader does.
    """
    # Imported here, not above: the workbook writer runs without Django set up.
    from django.db import connection, transaction

    from importers.titles import municipality_slug
    from reports import search
    from reports.bulk import copy_rows
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

    with transaction.atomic():
        municipality, _ = Municipality.objects.get_or_create(
            name=plan.municipality, defaults={"slug": municipality_slug(plan.municipality)}
        )
        created = Plan.objects.create(slug=plan.slug, title=plan.title, municipality=municipality)
        goals = {
            goal.number: goal
            for goal in BasicGoal.objects.bulk_create(
                BasicGoal(plan=created, number=number, title=title)
                for number, title in plan.goals.items()
            )
        }
        directions = {
            (goal, number): direction.pk
            for (goal, number), direction in zip(
                plan.directions,
                PolicyDirection.objects.bulk_create(
                    PolicyDirection(goal=goals[goal], number=number, title=title)
                    for (goal, number), title in plan.directions.items()
                ),
                strict=True,
            )
        }
        Department.objects.bulk_create(
            (Department(municipality=municipality, name=name) for name in plan.departments),
            ignore_conflicts=True,
        )
        department_ids = dict(
            Department.objects.filter(
                municipality=municipality, name__in=plan.departments
            ).values_list("name", "pk")
        )
        departments = [department_ids[name] for name in plan.departments]
        DepartmentSuccession.objects.bulk_create(
            DepartmentSuccession(
                successor_id=departments[s.successor],
                predecessor_id=departments[s.predecessor],
                effective_fiscal_year=s.fiscal_year,
                note=s.note,
            )
            for s in plan.successions
        )
        runs = [
            run.pk
            for run in ImportRun.objects.bulk_create(
                ImportRun(
                    plan=created,
                    file_name=run.file_name,
                    sha256="0" * 64,
                    file_format=run.file_format,
                    fiscal_year=run.fiscal_year,
                    started_at=NOW,
                    finished_at=NOW,
                    outcome=ImportRun.Outcome.LOADED,
                    row_count=run.row_count,
                )
                for run in plan.runs
            )
        ]
        copy_rows(
            Project,
            ["plan_id", "direction_id", "number", "name", "content"],
            (
                (created.pk, directions[p.goal, p.direction], p.number, p.name, p.content)
                for p in plan.projects
            ),
        )
        projects = dict(Project.objects.filter(plan=created).values_list("number", "pk"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence('reports_annualstatus', 'id'))")
            first_id = cursor.fetchone()[0]
        status_ids = range(first_id, first_id)
        links: list[tuple[int, int, int]] = []

        def statuses() -> Iterator[tuple[object, ...]]:
            nonlocal status_ids
            for status_id, status in enumerate(plan.statuses, start=first_id):
                status_ids = range(first_id, status_id + 1)
                links.extend(
                    (status_id, departments[d], position)
                    for position, d in enumerate(status.departments, start=1)
                )
                yield (
                    status_id,
                    projects[status.project],
                    status.fiscal_year,
                    status.text,
                    status.departments_text,
                    runs[status.run],
                    status.source_row,
                )

        copy_rows(
            AnnualStatus,
            [
                "id",
                "project_id",
                "fiscal_year",
                "status_text",
                "departments_text",
                "import_run_id",
                "source_row",
            ],
            statuses(),
        )
        if status_ids:
            with connection.cursor() as cursor:
                # The ids were given here: the sequence goes on after the last.
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('reports_annualstatus', 'id'), %s)",
                    [status_ids[-1]],
                )
        copy_rows(StatusDepartment, ["status_id", "department_id", "position"], links)
        # The index's queries join what was just written: planned from the
        # statistics of much smaller tables, they nest loops over every row.
        _analyse()
        if index:
            search.index(status_ids)
            _analyse()
    return created


def _analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- laid out as a workbook ----------------------------------------------------------


class Line(NamedTuple):
    """One project's row of a status table whose goal and direction cells are
    merged down their blocks."""

    goal: object
    """What tells goals apart; so does ``direction`` within a goal."""
    goal_label: str
    direction: object
    direction_label: str
    cells: list[object]
    """The row's cells after the goal's and the direction's."""


def merged_blocks(
    lines: Iterable[Line],
    *,
    header: list[object],
    before: Sequence[list[object]] = (),
    after: Sequence[list[object]] = (),
    header_again_before: Callable[[object], bool] = lambda goal: False,
) -> tuple[list[list[object]], list[str]]:
    """The sheet's rows and merged ranges: ``before``, the header, the lines with
    each goal's and each direction's label on its first row only and merged
    down its block (when the block has more than one row), then ``after``.

    ``header_again_before(goal)`` repeats the header (after a blank row) before
    that goal's block, as a table does after a page break.
    """
    rows = [*before, header]
    merges: list[str] = []

    def close(column: str, start: int) -> None:
        if start and len(rows) > start:
            merges.append(f"{column}{start}:{column}{len(rows)}")

    goal_start = direction_start = 0
    previous = None
    for line in lines:
        if previous is None or line.goal != previous.goal:
            close("A", goal_start)
            close("B", direction_start)
            if header_again_before(line.goal):
                rows += [[], header]
            goal_start = direction_start = len(rows) + 1
        elif line.direction != previous.direction:
            close("B", direction_start)
            direction_start = len(rows) + 1
        rows.append(
            [
                line.goal_label if goal_start == len(rows) + 1 else None,
                line.direction_label if direction_start == len(rows) + 1 else None,
                *line.cells,
            ]
        )
        previous = line
    close("A", goal_start)
    close("B", direction_start)
    rows += after
    return rows, merges


def write_xlsx(
    path: Path,
    sheets: dict[str, list[list[object]]],
    merges: dict[str, list[str]] | None = None,
) -> Path:
    """A workbook with one sheet per entry, rows as given, and merged ranges.

    Not openpyxl's write-only mode: that leaves out the sheet's <dimension>,
    which Excel always writes (and without which openpyxl's read-only mode
    reads a sheet twice)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
    workbook.save(path)
    return path


def write_workbook(
    plan: SyntheticPlan,
    path: Path,
    *,
    heading: str,
    status_heading: str,
    sheet: str = "実施状況",
) -> Path:
    """One fiscal year's table of ``plan`` as a city publishes it: a title line,
    the header, goal and direction cells merged down their blocks, labels
    numbered as ``1 目標``, ``(1) 方向``, ``1 事業``. Every status is taken to be
    that year's, in the order of the projects."""
    projects = {p.number: p for p in plan.projects}

    def lines() -> Iterator[Line]:
        for status in plan.statuses:
            project = projects[status.project]
            goal, direction = project.goal, (project.goal, project.direction)
            yield Line(
                goal,
                f"{goal} {plan.goals[goal]}",
                direction,
                f"({project.direction}) {plan.directions[direction]}",
                [
                    f"{project.number} {project.name}",
                    project.content,
                    status.text,
                    status.departments_text,
                ],
            )

    header = ["基本目標", "施策の方向", "事業名称", "事業内容", status_heading, "担当課"]
    rows, merges = merged_blocks(lines(), header=header, before=[[heading], []])
    return write_xlsx(path, {sheet: rows}, {sheet: merges})


# --- the search tests' corpus ------------------------------------------------------


def synthetic_plan(*, projects: int, years: int, seed: int, slug: str = "synthetic"):
    """``projects`` × ``years`` statuses (from 2020) of random text from
    ``ALPHABET``, under one goal and one direction, each listing one or two of
    twenty departments, with their search documents."""
    rng = random.Random(seed)
    departments = [f"{slug}{random_text(rng, 2, 5)}課{i}" for i in range(20)]
    rows = [
        ProjectRow(number, 1, 1, random_text(rng, 4, 15), random_text(rng, 20, 80))
        for number in range(1, projects + 1)
    ]
    texts = [
        (number, 2020 + offset, random_text(rng, 20, 120))
        for number in range(1, projects + 1)
        for offset in range(years)
    ]
    statuses = [
        StatusRow(
            number,
            year,
            text,
            departments=rng.sample(range(len(departments)), rng.randint(1, 2)),
            source_row=number,
        )
        for number, year, text in texts
    ]
    return write_plan(
        SyntheticPlan(
            slug=slug,
            title="合成の計画",
            goals={1: "目標"},
            directions={(1, 1): "方向"},
            departments=departments,
            projects=rows,
            statuses=statuses,
        )
    )
