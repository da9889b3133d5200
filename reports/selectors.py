"""Reads for the pages. Each selector owns its joins, so a page's query count
stays the same whatever the size of the data."""

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from reports.models import (
    AnnualStatus,
    BasicGoal,
    Plan,
    PolicyDirection,
    Project,
    StatusDepartment,
)


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.annotate(project_count=Count("projects", distinct=True)).order_by("slug")


def plan_get(*, slug: str) -> Plan:
    return get_object_or_404(Plan, slug=slug)


def plan_goals_tree(*, plan: Plan) -> list[BasicGoal]:
    """Goals → directions → projects, each with counts, in three queries."""
    projects = Project.objects.order_by("number").annotate(status_count=Count("statuses"))
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


def plan_fiscal_years(*, plan: Plan) -> list[int]:
    return list(
        AnnualStatus.objects.filter(project__plan=plan)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def project_get(*, plan: Plan, number: int) -> Project:
    statuses = (
        AnnualStatus.objects.order_by("-fiscal_year")
        .select_related("import_run")
        .prefetch_related(
            Prefetch(
                "statusdepartment_set",
                queryset=StatusDepartment.objects.order_by("position").select_related("department"),
                to_attr="department_links",
            )
        )
    )
    return get_object_or_404(
        Project.objects.select_related("direction__goal").prefetch_related(
            Prefetch("statuses", queryset=statuses)
        ),
        plan=plan,
        number=number,
    )
