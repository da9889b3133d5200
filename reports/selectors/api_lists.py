"""The JSON API's lists, in a stable order."""

from django.db.models import QuerySet

from reports.models import BasicGoal, Department, Plan, PolicyDirection, Project
from reports.selectors.prefetches import succession_prefetches


def api_goals(*, plan: Plan) -> QuerySet[BasicGoal]:
    return BasicGoal.objects.filter(plan=plan).order_by("number")


def api_directions(*, plan: Plan) -> QuerySet[PolicyDirection]:
    return (
        PolicyDirection.objects.filter(goal__plan=plan)
        .select_related("goal")
        .order_by("goal__number", "number")
    )


def api_projects(*, plan: Plan) -> QuerySet[Project]:
    return Project.objects.filter(plan=plan).select_related("direction__goal").order_by("number")


def api_departments() -> QuerySet[Department]:
    """By municipality, then name: a name may recur in another municipality."""
    predecessor_links, _ = succession_prefetches()
    return (
        Department.objects.select_related("municipality")
        .order_by("municipality__name", "name")
        .prefetch_related(predecessor_links)
    )
