"""Checks of a normalised table against the plan already in the database.

Checks that need only the file (numbering, empty cells, eras) happen in the
normaliser; these need the plan, which the loader reads inside its transaction.

A plan's projects are fixed by the plan itself, so once a plan has projects, a
status row for a number the plan lacks is refused as a likely typo; a revised
plan that really adds projects is imported with ``allow_new_projects``. The
first file imported into an empty plan creates its projects, numbered from 1
without gaps. A later file must hold every project of the plan, unless it says
it is ``partial``: a file cut short looks exactly like one that lost its tail.
"""

import bisect
import unicodedata
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet

from importers.normaliser import ProjectRecord, StatusTable
from importers.problems import Place, Problem, error, warning
from reports.models import AnnualStatus, BasicGoal, Department, Plan, PolicyDirection, Project


def plan_slug_problem(slug: str, place: Place) -> Problem | None:
    """A plan's slug must be one the site's URLs can hold, checked with the
    field's own validators (letters, digits, hyphens and underscores, up to its
    length), before any file is read."""
    field = Plan._meta.get_field("slug")
    try:
        field.run_validators(slug)
    except ValidationError:
        return error(
            place,
            f"計画の識別子（--plan）に使えるのは半角英数字・ハイフン・下線で、{field.max_length} 字までです"
            "（例: saitama-dv-2）",
            f"a plan's slug (--plan) may hold only ASCII letters, digits, hyphens and "
            f"underscores, at most {field.max_length} characters (e.g. saitama-dv-2)",
            slug,
        )
    return None


def _max_length(model: type[models.Model], name: str) -> int:
    length = model._meta.get_field(name).max_length
    assert length is not None
    return length


def field_length_problems(table: StatusTable) -> list[Problem]:
    """Every value longer than its model field allows, placed at its cell.

    The lengths are read from the models, so a migration that changes one
    changes this check too.
    """
    limit = _max_length(Department, "name")
    problems: list[Problem] = []
    for record in table.projects:
        for name in _department_names(record):
            if len(name) > limit:
                problems.append(
                    error(
                        departments_place(record),
                        f"担当課の名称が長すぎます（{len(name):,} 字、上限 {limit} 字）",
                        f"the department name is too long ({len(name):,} characters, "
                        f"at most {limit})",
                        name,
                    )
                )
    return problems


def _department_names(record: ProjectRecord) -> Iterator[str]:
    for entry in record.departments:
        yield entry.name
        if entry.predecessor:
            yield entry.predecessor


def departments_place(record: ProjectRecord) -> Place:
    """The place of the record's department cell (its row, and the column the
    normaliser found the departments in)."""
    place = record.place
    return Place(place.file, place.sheet, place.row, record.departments_column)


def validate_against_plan(
    table: StatusTable, plan: Plan, *, allow_new_projects: bool = False, partial: bool = False
) -> list[Problem]:
    problems: list[Problem] = []
    goals = dict(BasicGoal.objects.filter(plan=plan).values_list("number", "title"))
    directions = {
        (goal_number, number): title
        for goal_number, number, title in PolicyDirection.objects.filter(
            goal__plan=plan
        ).values_list("goal__number", "number", "title")
    }
    projects = {
        number: (name, goal_number, direction_number)
        for number, name, goal_number, direction_number in Project.objects.filter(
            plan=plan
        ).values_list("number", "name", "direction__goal__number", "direction__number")
    }
    for goal in table.goals:
        if goal.number in goals and _folded(goals[goal.number]) != _folded(goal.title):
            problems.append(
                warning(
                    goal.place,
                    f"基本目標 {goal.number} の名称が計画の表記と違います（計画: {goals[goal.number]}）",
                    f"basic goal {goal.number} is worded differently from the plan",
                    goal.title,
                )
            )
    for direction in table.directions:
        key = (direction.goal_number, direction.number)
        if key in directions and _folded(directions[key]) != _folded(direction.title):
            problems.append(
                warning(
                    direction.place,
                    f"施策の方向 {key[0]}-{key[1]} の名称が計画の表記と違います"
                    f"（計画: {directions[key]}）",
                    f"policy direction {key[0]}-{key[1]} is worded differently from the plan",
                    direction.title,
                )
            )
    for project in table.projects:
        known = projects.get(project.number)
        if known is None:
            if projects and not allow_new_projects:
                problems.append(
                    error(
                        project.place,
                        f"事業 {project.number} は計画にありません（計画の事業番号は "
                        f"{min(projects)}〜{max(projects)}）。計画の改定で加わった事業なら "
                        f"--allow-new-projects を付けてください",
                        f"project {project.number} is not in the plan (its projects are "
                        f"{min(projects)}–{max(projects)}); if a revision of the plan added it, "
                        f"use --allow-new-projects",
                        project.name,
                    )
                )
            continue
        name, goal_number, direction_number = known
        if (goal_number, direction_number) != (project.goal_number, project.direction_number):
            problems.append(
                error(
                    project.place,
                    f"事業 {project.number} は計画では {goal_number}-{direction_number} "
                    f"にありますが、このファイルでは {project.goal_number}-"
                    f"{project.direction_number} にあります",
                    f"project {project.number} is under {goal_number}-{direction_number} in the "
                    f"plan but under {project.goal_number}-{project.direction_number} here",
                    project.name,
                )
            )
        elif _folded(name) != _folded(project.name):
            problems.append(
                warning(
                    project.place,
                    f"事業 {project.number} の名称が計画の表記と違います（計画: {name}）",
                    f"project {project.number} is named differently from the plan",
                    project.name,
                )
            )
    problems += completeness_problems(table, set(projects), partial=partial)
    problems += department_prefix_problems(table, plan)
    problems += cut_last_row_problems(table, plan)
    return problems


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def known_departments(plan: Plan) -> QuerySet[Department]:
    """The departments a file for ``plan`` is checked against, and its
    department names are matched to: the one place that says which
    departments a plan shares: those of its municipality (another city's
    department of the same name is another department)."""
    return Department.objects.filter(municipality_id=plan.municipality_id)


def completeness_problems(
    table: StatusTable, plan_numbers: set[int], *, partial: bool
) -> list[Problem]:
    """The plan's projects the file lacks, a problem for each run of them at its
    place: before the project that follows the gap, or at the file's last
    project when the tail is missing.

    A plan with projects expects them all unless ``partial``; the first file of
    a plan must number its projects from 1 without gaps (a tail it lacks
    cannot be told from a shorter plan)."""
    if not table.projects or (plan_numbers and partial):
        return []
    seen = {project.number: project for project in table.projects}
    expected = sorted(plan_numbers or range(1, max(seen) + 1))
    missing_runs: list[list[int]] = []
    previous_index = -2
    for index, number in enumerate(expected):
        if number in seen:
            continue
        if index == previous_index + 1:
            missing_runs[-1].append(number)
        else:
            missing_runs.append([number])
        previous_index = index
    problems = []
    for run in missing_runs:
        numbers_ja, numbers_en = _numbers(run, "、", "〜"), _numbers(run, ", ", "–")
        following = [number for number in seen if number > run[-1]]
        if following:
            after = seen[min(following)]
            if plan_numbers:
                hint_ja = (
                    "計画の事業をすべて載せるか、一部の事業だけの表なら --partial を付けてください"
                )
                hint_en = "a file holds every project of the plan; for a table of only some projects, use --partial"
            else:
                hint_ja = "計画の最初のファイルは事業番号を 1 から抜けなく載せてください"
                hint_en = "a plan's first file numbers its projects from 1 without gaps"
            problems.append(
                error(
                    after.place,
                    f"事業 {numbers_ja} がありません（事業 {after.number} の前）。{hint_ja}",
                    f"project(s) {numbers_en} missing (before project {after.number}); {hint_en}",
                    after.name,
                )
            )
            continue
        last = seen[max(seen)]
        problems.append(
            error(
                last.place,
                f"事業 {numbers_ja} がありません（ファイルは事業 {last.number} で終わっています）。"
                "ファイルが途中で切れていないか確かめてください。一部の事業だけの表なら --partial を付けてください",
                f"project(s) {numbers_en} missing (the file ends at project {last.number}): check "
                "that the file is not cut short; for a table of only some projects, use --partial",
                last.name,
            )
        )
    return problems


def _numbers(numbers: list[int], separator: str, dash: str) -> str:
    """[2] → "2"; [4, 5] → "4、5"; [4, 5, 6] → "4〜6" (a run of the plan's numbers)."""
    if len(numbers) > 2:
        return f"{numbers[0]}{dash}{numbers[-1]}"
    return separator.join(map(str, numbers))


def department_prefix_problems(table: StatusTable, plan: Plan) -> list[Problem]:
    """A department name that is new but the beginning of a known one
    (「消費生活総」 beside 「消費生活総合センター」) is refused as a cell cut
    short or misread, naming the known one. Names new and not such a
    beginning are new departments, listed in the summary."""
    known = sorted(known_departments(plan).values_list("name", flat=True))
    known_set = set(known)
    problems: list[Problem] = []
    for record in table.projects:
        for name in dict.fromkeys(_department_names(record)):
            if name in known_set:
                continue
            # The known names that begin with ``name`` sort right after it.
            index = bisect.bisect_right(known, name)
            if index < len(known) and known[index].startswith(name):
                problems.append(
                    error(
                        record.place,
                        f"担当課「{name}」は既にある担当課「{known[index]}」の途中までです。"
                        "セルが途中で切れているか、読み違いではありませんか",
                        f"the department '{name}' is the beginning of the known department "
                        f"'{known[index]}': is the cell cut short or misread?",
                        record.departments_text,
                        may_be_cut=True,
                    )
                )
    return problems


def cut_last_row_problems(table: StatusTable, plan: Plan) -> list[Problem]:
    """The file's last project row, when one of its cells is the beginning of
    what the plan already holds for it (「男女共同参画課」 where 「男女共同参画課
    全庁」 was): a file cut short there, at a space or between two cells, would
    otherwise replace the whole text with its beginning. Only the last row: a
    cut file ends with its cut row, and elsewhere a shorter text is an edit."""
    if not table.projects:
        return []
    last = table.projects[-1]
    stored: list[tuple[str, str, str, str]] = []
    project = Project.objects.filter(plan=plan, number=last.number).first()
    if project is not None:
        stored += [
            ("事業名称", "project name", project.name, last.name),
            ("事業内容", "project content", project.content, last.content),
        ]
    status = AnnualStatus.objects.filter(
        project__plan=plan, project__number=last.number, fiscal_year=table.fiscal_year
    ).first()
    if status is not None:
        stored += [
            ("実施状況", "status", status.status_text, last.status_text),
            ("担当課", "department", status.departments_text, last.departments_text),
        ]
    return [
        error(
            last.place,
            f"最後の行（事業 {last.number}）の{label_ja}の欄は、取り込み済みの「{_clipped(old)}」の途中までです。"
            "ファイルが途中で切れていないか確かめてください",
            f"the {label_en} cell of the last row (project {last.number}) is the beginning of what "
            "the plan holds for it: check that the file is not cut short",
            new,
            may_be_cut=True,
        )
        for label_ja, label_en, old, new in stored
        if new != old and new and old.startswith(new)
    ]


def _clipped(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"
