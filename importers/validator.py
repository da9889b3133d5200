"""Checks of a normalised table against the plan already in the database.

Checks that need only the file (numbering, empty cells, eras) happen in the
normaliser; these need the plan, which the loader reads inside its transaction.

A plan's projects are fixed by the plan itself, so once a plan has projects, a
status row for a number the plan lacks is refused as a likely typo; a revised
plan that really adds projects is imported with ``allow_new_projects``. The
first file imported into an empty plan creates its projects.
"""

import unicodedata
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db import models

from importers.normaliser import ProjectRecord, StatusTable
from importers.problems import Place, Problem, error, warning
from importers.readers import SourceTable
from reports.models import BasicGoal, Department, Plan, PolicyDirection, Project


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


def field_length_problems(table: StatusTable, source: SourceTable) -> list[Problem]:
    """Every value longer than its model field allows, placed at its cell.

    The lengths are read from the models, so a migration that changes one
    changes this check too. ``source`` finds the column of a department cell
    (a project's record keeps only its row).
    """
    limit = _max_length(Department, "name")
    problems: list[Problem] = []
    for record in table.projects:
        for name in _department_names(record):
            if len(name) > limit:
                problems.append(
                    error(
                        _departments_place(record, source),
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


def _departments_place(record: ProjectRecord, source: SourceTable) -> Place:
    """The place of the record's department cell: the cell of its row that holds
    the department text as published."""
    place = record.place
    for row in source.rows:
        if row.sheet == place.sheet and row.number == place.row:
            for column, cell in enumerate(row.cells):
                if cell.strip() == record.departments_text:
                    return Place(place.file, place.sheet, place.row, column)
    return place


def validate_against_plan(
    table: StatusTable, plan: Plan, *, allow_new_projects: bool = False
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
    return problems


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())
