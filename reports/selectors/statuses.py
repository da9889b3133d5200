"""Reads for the filter page and what follows its filters (downloads, the API's
status list): the FilterSet with the plan's options, and a page of results."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from reports.exports import RankedStatusValues
from reports.filters import StatusFilter, StatusFilterOptions
from reports.models import (
    AnnualStatus,
    BasicGoal,
    Department,
    DepartmentCoverage,
    Plan,
    PolicyDirection,
)
from reports.search import RankedStatuses, search_snippets
from reports.selectors.plans import plan_fiscal_years
from reports.selectors.prefetches import corrections_prefetch, department_links_prefetch

STATUSES_PER_PAGE = 20

_DEPARTMENTS_COVERING_THE_PLAN = """
SELECT c.department_id FROM reports_departmentcoverage c
CROSS JOIN LATERAL (
    SELECT 1 FROM reports_statusdepartment sd
    JOIN reports_annualstatus s ON s.id = sd.status_id
    JOIN reports_project p ON p.id = s.project_id
    WHERE sd.department_id = c.covered_id AND p.plan_id = %s
    LIMIT 1
) listed
"""
"""The departments that cover one listed in the plan: one index probe per
coverage row, stopping at the first listing in the plan (a join or EXISTS is
planned as a read of every listing: 0.3 s at 100,000 statuses)."""


def status_filter_options(*, plan: Plan) -> StatusFilterOptions:
    """The goals, directions, departments and years a plan's statuses can be filtered by."""
    departments = list(
        Department.objects.filter(
            pk__in=RawSQL(_DEPARTMENTS_COVERING_THE_PLAN, [plan.pk])
        ).order_by("kind", "name")
    )
    return StatusFilterOptions(
        plan_id=plan.pk,
        goals=list(BasicGoal.objects.filter(plan=plan).order_by("number")),
        directions=list(
            PolicyDirection.objects.filter(goal__plan=plan)
            .select_related("goal")
            .order_by("goal__number", "number")
        ),
        departments=departments,
        fiscal_years=plan_fiscal_years(plan=plan),
        period=plan.period,
        coverage=list(
            DepartmentCoverage.objects.filter(department__in=[d.pk for d in departments])
            .select_related("covered")
            .order_by("first_fiscal_year", "covered__name")
        ),
    )


def plan_statuses(*, plan: Plan) -> QuerySet[AnnualStatus]:
    return AnnualStatus.objects.filter(project__plan=plan)


def plan_status_filter(*, plan: Plan, data: QueryDict) -> StatusFilter:
    """The FilterSet behind the filter page, its downloads and the API's status list."""
    return StatusFilter(
        data, queryset=plan_statuses(plan=plan), options=status_filter_options(plan=plan)
    )


def all_statuses() -> QuerySet[AnnualStatus]:
    """Every status of every plan: the whole dataset's downloads."""
    return AnnualStatus.objects.all()


class PageNumberError(ValueError):
    """A ``page`` parameter that is not a page of the results."""


def _page_number(page_number: str | None, paginator: Paginator) -> int:
    if page_number is None:
        return 1
    if not page_number.isascii() or not page_number.isdigit():
        raise PageNumberError(page_number)
    number = int(page_number)
    if number < 1 or number > paginator.num_pages:
        raise PageNumberError(page_number)
    return number


def _result_relations(statuses: QuerySet[AnnualStatus]) -> QuerySet[AnnualStatus]:
    """What a result on the filter page shows besides the status: its import,
    project, goal and direction, departments and corrections."""
    return statuses.select_related("import_run", "project__direction__goal").prefetch_related(
        department_links_prefetch(), corrections_prefetch("project__corrections")
    )


def status_search_page(*, filterset: StatusFilter, page_number: str | None) -> Page:
    """One page of the filtered statuses: best match first when there is a
    keyword, else newest year first, in the plan's order.

    With a keyword, the search index ranks the matches
    (``reports.search.engine``) and only the page's twenty statuses are read."""
    query = filterset.search_query
    if query is None:
        paginator = Paginator(
            _result_relations(filterset.qs).order_by("-fiscal_year", "project__number", "pk"),
            STATUSES_PER_PAGE,
        )
        return paginator.page(_page_number(page_number, paginator))
    paginator = Paginator(_ranked_matches(filterset), STATUSES_PER_PAGE)
    page = paginator.page(_page_number(page_number, paginator))
    ids = list(page.object_list)
    loaded = _result_relations(AnnualStatus.objects.filter(pk__in=ids)).in_bulk()
    # A status deleted without being taken out of the index is left out, not a 500.
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    for status in page.object_list:
        status.search_snippets = search_snippets(status=status, query=query)
    return page


def ranked_status_values(*, filterset: StatusFilter) -> RankedStatusValues:
    """A keyword search's results for the API, in the filter page's order."""
    return RankedStatusValues(_ranked_matches(filterset))


def _ranked_matches(filterset: StatusFilter) -> RankedStatuses:
    """The keyword's matches under the other active filters, best first."""
    return filterset.search_results().ranked
