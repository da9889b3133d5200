"""Reads for the plan's pages: the plan, its goals, directions, projects and years, and its imports."""

from dataclasses import dataclass, field
from itertools import pairwise

from django.db import connection
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from reports import textdiff
from reports.corrections import status_reading
from reports.models import (
    AnnualStatus,
    BasicGoal,
    Department,
    ImportRun,
    Municipality,
    Plan,
    PolicyDirection,
    Project,
    SourceDocument,
)
from reports.selectors.prefetches import corrections_prefetch, statuses_with_departments


def plan_list() -> QuerySet[Plan]:
    return (
        Plan.objects.select_related("municipality")
        .annotate(project_count=Count("projects", distinct=True))
        .order_by("slug")
    )


def plan_source_documents(*, plan: Plan) -> dict[int, SourceDocument]:
    """The municipality's publication of each year's table, by fiscal year."""
    return {document.fiscal_year: document for document in plan.source_documents.all()}


def plan_list_with_sources() -> QuerySet[Plan]:
    """``plan_list`` with each plan's source documents, oldest year first."""
    return plan_list().prefetch_related("source_documents")


def plan_municipalities() -> list[str]:
    """The municipalities whose plans the site holds, by name."""
    return list(
        Municipality.objects.filter(plans__isnull=False)
        .exclude(name="")
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )


def plan_get(*, slug: str) -> Plan:
    return get_object_or_404(Plan.objects.select_related("municipality"), slug=slug)


def plan_goals_tree(*, plan: Plan) -> list[BasicGoal]:
    """Goals → directions → projects (with their corrections), each with counts, in four queries."""
    projects = (
        Project.objects.order_by("number")
        .annotate(status_count=Count("statuses"))
        .prefetch_related(corrections_prefetch())
    )
    directions = (
        PolicyDirection.objects.order_by("number")
        .annotate(project_count=Count("projects"))
        .prefetch_related(Prefetch("projects", queryset=projects))
    )
    return list(
        BasicGoal.objects.filter(plan=plan)
        .order_by("number")
        .annotate(
            direction_count=Count("directions", distinct=True),
            project_count=Count("directions__projects", distinct=True),
        )
        .prefetch_related(Prefetch("directions", queryset=directions))
    )


_PLAN_YEARS_SQL = """
WITH RECURSIVE years (fiscal_year) AS (
    ({newest})
    UNION ALL
    SELECT ({newest_before}) FROM years WHERE years.fiscal_year IS NOT NULL
)
SELECT fiscal_year FROM years WHERE fiscal_year IS NOT NULL
"""
_PLAN_NEWEST_YEAR_SQL = (
    "SELECT s.fiscal_year FROM {statuses} s JOIN {projects} p ON p.id = s.project_id"
    " WHERE p.plan_id = %s {before} ORDER BY s.fiscal_year DESC LIMIT 1"
)


def plan_fiscal_years(*, plan: Plan) -> list[int]:
    """The fiscal years for which the plan has statuses, newest first.

    One query that steps down the fiscal-year index from one year to the next
    (a loose index scan): a dozen index probes, however many statuses there are."""
    quote = connection.ops.quote_name
    tables = {
        "statuses": quote(AnnualStatus._meta.db_table),
        "projects": quote(Project._meta.db_table),
    }
    sql = _PLAN_YEARS_SQL.format(
        newest=_PLAN_NEWEST_YEAR_SQL.format(before="", **tables),
        newest_before=_PLAN_NEWEST_YEAR_SQL.format(
            before="AND s.fiscal_year < years.fiscal_year", **tables
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan.pk, plan.pk])
        return [year for (year,) in cursor.fetchall()]


_PARTIAL_YEARS_SQL = """
SELECT DISTINCT r.fiscal_year FROM {runs} r
WHERE r.plan_id = %s AND r.partial AND r.reverted_at IS NULL
  AND (SELECT count(*) FROM {statuses} s JOIN {projects} p ON p.id = s.project_id
       WHERE p.plan_id = r.plan_id AND s.fiscal_year = r.fiscal_year)
    < (SELECT count(*) FROM {projects} p WHERE p.plan_id = r.plan_id)
ORDER BY r.fiscal_year DESC
"""


def plan_partial_fiscal_years(*, plan: Plan) -> list[int]:
    """The years, newest first, whose table was imported as holding only some
    of the plan's projects (``--partial``) and that still lack some: the pages
    say so, so that a project without that year's status is not read as one
    that did nothing. One query."""
    quote = connection.ops.quote_name
    sql = _PARTIAL_YEARS_SQL.format(
        runs=quote(ImportRun._meta.db_table),
        statuses=quote(AnnualStatus._meta.db_table),
        projects=quote(Project._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan.pk])
        return [year for (year,) in cursor.fetchall()]


def projects_with_latest_status() -> QuerySet[Project]:
    """Projects in order, each with ``latest_status`` (its newest year's status,
    with departments, or None) and ``status_count`` (how many years it has)."""
    latest = (
        statuses_with_departments().order_by("project_id", "-fiscal_year").distinct("project_id")
    )
    return (
        Project.objects.order_by("number")
        .annotate(status_count=Count("statuses"))
        .prefetch_related(
            Prefetch("statuses", queryset=latest, to_attr="latest_statuses"),
            corrections_prefetch(),
        )
    )


def _with_latest_status(projects) -> None:
    for project in projects:
        project.latest_status = project.latest_statuses[0] if project.latest_statuses else None


def goal_get(*, plan: Plan, number: int) -> BasicGoal:
    """A goal with its directions and their projects, each project with its newest status."""
    directions = (
        PolicyDirection.objects.order_by("number")
        .annotate(project_count=Count("projects"))
        .prefetch_related(Prefetch("projects", queryset=projects_with_latest_status()))
    )
    goal = get_object_or_404(
        BasicGoal.objects.annotate(
            project_count=Count("directions__projects", distinct=True)
        ).prefetch_related(Prefetch("directions", queryset=directions)),
        plan=plan,
        number=number,
    )
    for direction in goal.directions.all():
        _with_latest_status(direction.projects.all())
    return goal


def direction_get(*, plan: Plan, goal_number: int, number: int) -> PolicyDirection:
    """A direction with its projects, each with its newest status."""
    direction = get_object_or_404(
        PolicyDirection.objects.select_related("goal").prefetch_related(
            Prefetch("projects", queryset=projects_with_latest_status())
        ),
        goal__plan=plan,
        goal__number=goal_number,
        number=number,
    )
    _with_latest_status(direction.projects.all())
    return direction


def project_get(*, plan: Plan, number: int) -> Project:
    """A project with every year's status, newest first, with departments and source."""
    return get_object_or_404(
        Project.objects.select_related("direction__goal").prefetch_related(
            Prefetch("statuses", queryset=statuses_with_departments().order_by("-fiscal_year")),
            corrections_prefetch(),
        ),
        plan=plan,
        number=number,
    )


@dataclass
class YearChange:
    """What changed in a project between two of its published years: the
    status texts (their corrected readings) as a diff, and the departments."""

    before: AnnualStatus
    after: AnnualStatus
    pieces: list[textdiff.Piece]
    departments_added: list[Department]
    departments_removed: list[Department]

    @property
    def text_unchanged(self) -> bool:
        return textdiff.is_unchanged(self.pieces)

    def before_html(self):
        return textdiff.old_html(self.pieces)

    def after_html(self):
        return textdiff.new_html(self.pieces)


@dataclass
class ProjectYear:
    fiscal_year: int
    status: AnnualStatus | None
    """None: no status published for this year."""


@dataclass
class ProjectYears:
    years: list[ProjectYear]
    """The plan's period (and any other year with a status), oldest first."""
    changes: list[YearChange]
    """Between each published year and the next one published, oldest first."""


def project_years(*, plan: Plan, project: Project) -> ProjectYears:
    """A project (from ``project_get``) year by year over the plan's period, and
    what changed between its published years; no query."""
    statuses = {status.fiscal_year: status for status in project.statuses.all()}
    years = sorted(set(plan.period) | set(statuses))
    published = [statuses[year] for year in years if year in statuses]
    changes = []
    for before, after in pairwise(published):
        departments_before = [link.department for link in before.department_links]
        departments_after = [link.department for link in after.department_links]
        changes.append(
            YearChange(
                before=before,
                after=after,
                pieces=textdiff.diff(
                    status_reading(before).corrected, status_reading(after).corrected
                ),
                departments_added=[d for d in departments_after if d not in departments_before],
                departments_removed=[d for d in departments_before if d not in departments_after],
            )
        )
    return ProjectYears(
        years=[ProjectYear(year, statuses.get(year)) for year in years], changes=changes
    )


@dataclass
class DirectionRows:
    """One policy direction's rows in a fiscal year's table."""

    direction: PolicyDirection
    statuses: list[AnnualStatus] = field(default_factory=list)


@dataclass
class GoalRows:
    goal: BasicGoal
    directions: list[DirectionRows] = field(default_factory=list)


def fiscal_year_table(*, plan: Plan, fiscal_year: int) -> list[GoalRows]:
    """A year's statuses grouped goal → direction, in the plan's order, as the city prints them."""
    statuses = list(
        statuses_with_departments()
        .filter(project__plan=plan, fiscal_year=fiscal_year)
        .select_related("project__direction__goal")
        .prefetch_related(corrections_prefetch("project__corrections"))
        .order_by(
            "project__direction__goal__number", "project__direction__number", "project__number"
        )
    )
    goals: list[GoalRows] = []
    for status in statuses:
        direction = status.project.direction
        if not goals or goals[-1].goal.pk != direction.goal_id:
            goals.append(GoalRows(goal=direction.goal))
        rows = goals[-1].directions
        if not rows or rows[-1].direction.pk != direction.pk:
            rows.append(DirectionRows(direction=direction))
        rows[-1].statuses.append(status)
    return goals


def import_run_list() -> QuerySet[ImportRun]:
    """Every import, newest first, with its plan: where the published text came from."""
    return ImportRun.objects.select_related("plan").order_by("-started_at")
