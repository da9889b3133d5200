"""Reads for the pages. Each selector owns its joins, so a page's query count
stays the same whatever the size of the data."""

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString

from reports.corrections import Reading, project_reading, status_reading
from reports.exports import status_export_values
from reports.filters import (
    FacetFilter,
    StatusFilter,
    StatusFilterOptions,
    counted_as,
)
from reports.models import (
    AnnualStatus,
    BasicGoal,
    Correction,
    Department,
    DepartmentCoverage,
    DepartmentSuccession,
    ImportRun,
    Plan,
    PolicyDirection,
    Project,
    StatusDepartment,
)
from reports.search import RankedStatuses, SearchQuery, highlight, highlight_snippets


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.annotate(project_count=Count("projects", distinct=True)).order_by("slug")


def plan_get(*, slug: str) -> Plan:
    return get_object_or_404(Plan, slug=slug)


def _corrections(lookup: str = "corrections") -> Prefetch:
    """A project's reviewed corrections as ``correction_list``, which the
    ``corrected`` template filters read (``reports.corrections``); ``lookup``
    reaches the project from a status (``project__corrections``)."""
    return Prefetch(lookup, queryset=Correction.objects.order_by("pk"), to_attr="correction_list")


def plan_goals_tree(*, plan: Plan) -> list[BasicGoal]:
    """Goals → directions → projects (with their corrections), each with counts, in four queries."""
    projects = (
        Project.objects.order_by("number")
        .annotate(status_count=Count("statuses"))
        .prefetch_related(_corrections())
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


def _department_links() -> Prefetch:
    return Prefetch(
        "statusdepartment_set",
        queryset=StatusDepartment.objects.order_by("position").select_related("department"),
        to_attr="department_links",
    )


def _statuses_with_departments() -> QuerySet[AnnualStatus]:
    return AnnualStatus.objects.select_related("import_run").prefetch_related(_department_links())


def goal_get(*, plan: Plan, number: int) -> BasicGoal:
    """A goal with its directions and their projects, each project with its years."""
    projects = Project.objects.order_by("number").prefetch_related(
        Prefetch(
            "statuses",
            queryset=AnnualStatus.objects.order_by("-fiscal_year").only(
                "id", "project_id", "fiscal_year"
            ),
        ),
        _corrections(),
    )
    directions = (
        PolicyDirection.objects.order_by("number")
        .annotate(project_count=Count("projects"))
        .prefetch_related(Prefetch("projects", queryset=projects))
    )
    return get_object_or_404(
        BasicGoal.objects.annotate(
            project_count=Count("directions__projects", distinct=True)
        ).prefetch_related(Prefetch("directions", queryset=directions)),
        plan=plan,
        number=number,
    )


def direction_get(*, plan: Plan, goal_number: int, number: int) -> PolicyDirection:
    """A direction with its projects and every year's status of each, newest first."""
    projects = Project.objects.order_by("number").prefetch_related(
        Prefetch("statuses", queryset=_statuses_with_departments().order_by("-fiscal_year")),
        _corrections(),
    )
    return get_object_or_404(
        PolicyDirection.objects.select_related("goal").prefetch_related(
            Prefetch("projects", queryset=projects)
        ),
        goal__plan=plan,
        goal__number=goal_number,
        number=number,
    )


def project_get(*, plan: Plan, number: int) -> Project:
    """A project with every year's status, newest first, with departments and source."""
    return get_object_or_404(
        Project.objects.select_related("direction__goal").prefetch_related(
            Prefetch("statuses", queryset=_statuses_with_departments().order_by("-fiscal_year")),
            _corrections(),
        ),
        plan=plan,
        number=number,
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
        _statuses_with_departments()
        .filter(project__plan=plan, fiscal_year=fiscal_year)
        .select_related("project__direction__goal")
        .prefetch_related(_corrections("project__corrections"))
        .order_by(
            "project__direction__goal__number", "project__direction__number", "project__number"
        )
    )
    if not statuses:
        raise Http404("この年度の実施状況はありません")
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


# Departments and reorganisations.


def _succession_prefetches() -> tuple[Prefetch, Prefetch]:
    """A department's predecessor and successor links, oldest reorganisation first."""
    return (
        Prefetch(
            "predecessor_links",
            queryset=DepartmentSuccession.objects.select_related("predecessor").order_by(
                "effective_fiscal_year", "predecessor__name"
            ),
        ),
        Prefetch(
            "successor_links",
            queryset=DepartmentSuccession.objects.select_related("successor").order_by(
                "effective_fiscal_year", "successor__name"
            ),
        ),
    )


def department_list() -> list[Department]:
    """Every department with its counts and its predecessor and successor links."""
    return list(
        Department.objects.order_by("kind", "name")
        .annotate(
            status_count=Count("statuses", distinct=True),
            project_count=Count("statuses__project", distinct=True),
        )
        .prefetch_related(*_succession_prefetches())
    )


def department_get(*, name: str) -> Department:
    if "\x00" in name:
        # PostgreSQL text cannot hold NUL, so no department has it in its name.
        raise Http404("no such department")
    return get_object_or_404(
        Department.objects.prefetch_related(*_succession_prefetches()),
        name=name,
    )


@dataclass
class DepartmentEntry:
    """A status on a department's page; ``listed_as`` is the predecessor it was listed under."""

    status: AnnualStatus
    listed_as: Department | None = None


@dataclass
class DepartmentYear:
    fiscal_year: int
    entries: list[DepartmentEntry] = field(default_factory=list)


@dataclass
class DepartmentPlan:
    plan: Plan
    years: list[DepartmentYear] = field(default_factory=list)


def department_statuses(*, department: Department) -> list[DepartmentPlan]:
    """Every status of the department and its predecessors, by plan and year (newest first)."""
    links = list(department.predecessor_links.all())
    statuses = list(
        _statuses_with_departments()
        .filter(counted_as(department.pk))
        .select_related("project__plan")
        .prefetch_related(_corrections("project__corrections"))
        .order_by("project__plan__slug", "-fiscal_year", "project__number")
    )
    predecessors = {link.predecessor_id: link for link in links}
    plans: list[DepartmentPlan] = []
    for status in statuses:
        plan = status.project.plan
        if not plans or plans[-1].plan.pk != plan.pk:
            plans.append(DepartmentPlan(plan=plan))
        years = plans[-1].years
        if not years or years[-1].fiscal_year != status.fiscal_year:
            years.append(DepartmentYear(fiscal_year=status.fiscal_year))
        listed = [link.department for link in status.department_links]
        listed_as = None
        if all(d.pk != department.pk for d in listed):
            listed_as = next(d for d in listed if d.pk in predecessors)
        years[-1].entries.append(DepartmentEntry(status=status, listed_as=listed_as))
    return plans


def import_run_list() -> QuerySet[ImportRun]:
    """Every import, newest first, with its plan: where the published text came from."""
    return ImportRun.objects.select_related("plan").order_by("-started_at")


# The filter page.

STATUSES_PER_PAGE = 20


def status_filter_options(*, plan: Plan) -> StatusFilterOptions:
    """The goals, directions, departments and years a plan's statuses can be filtered by."""
    listed_in_plan = StatusDepartment.objects.filter(
        department__covered_by__department=OuterRef("pk"), status__project__plan=plan
    )
    departments = list(Department.objects.filter(Exists(listed_in_plan)).order_by("kind", "name"))
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


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]


def status_facets(*, filterset: StatusFilter) -> list[Facet]:
    """For each filter with options, how many statuses each option would give,
    combined with the other active filters."""
    chosen = filterset.form.cleaned_data
    counts = facet_counts(filterset)
    return [
        Facet(
            name=name,
            label=facet_filter.label,
            options=[
                FacetOption(value, label, counts[name][value], chosen.get(name) == value)
                for value, label in facet_filter.extra["choices"]
            ],
        )
        for name, facet_filter in filterset.facet_filters.items()
    ]


def facet_counts(filterset: StatusFilter) -> dict[str, dict[str, int]]:
    """Each filter's count of every option (by its value), under the other
    active filters: among a keyword's matches, by the search index; without
    one, by the database (one query per filter)."""
    if filterset.search_results() is not None:
        return _keyword_facet_counts(filterset)
    return _facet_counts(filterset)


def _by_value(facet_filter: FacetFilter, counts: dict[object, int]) -> dict[str, int]:
    return {value: counts.get(key, 0) for value, key in facet_filter.keys.items()}


def _facet_counts(filterset: StatusFilter) -> dict[str, dict[str, int]]:
    """Counted by the database."""
    return {
        name: _by_value(f, f.counts(filterset.queryset_without(name)))
        for name, f in filterset.facet_filters.items()
    }


def _keyword_facet_counts(filterset: StatusFilter) -> dict[str, dict[str, int]]:
    """Counted by the search index, among the keyword's matches."""
    counts = filterset.search_results().facet_counts
    return {name: _by_value(f, counts[name]) for name, f in filterset.facet_filters.items()}


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value: str
    query_without: str
    """The query string with this filter (and the page number) taken out."""


def status_active_filters(*, filterset: StatusFilter, facets: list[Facet]) -> list[ActiveFilter]:
    """The filters in force, each with the URL query that drops it."""

    def without(name: str) -> str:
        data = filterset.data.copy()
        for key in (name, "page"):
            data.pop(key, None)
        return data.urlencode()

    active = [
        ActiveFilter(facet.label, option.label, without(facet.name))
        for facet in facets
        for option in facet.options
        if option.selected
    ]
    keyword = filterset.form.cleaned_data.get("q")
    if keyword:
        active.insert(0, ActiveFilter("キーワード", keyword, without("q")))
    return active


class PageNumberError(ValueError):
    """A ``page`` parameter that is not a page of the results."""


@dataclass(frozen=True)
class SearchSnippets:
    """The marked-up pieces of one result: its name in full, and snippets of the rest."""

    name: SafeString
    fields: list[tuple[str, list[SafeString]]]


def _reading_snippets(label: str, reading: Reading, query: SearchQuery):
    """Snippets of the corrected reading, which the pages show; of the published
    text, labelled as such, when only that has the words."""
    snippets = highlight_snippets(reading.corrected, query)
    if snippets or not reading.is_corrected:
        return label, snippets
    return f"{label}（公表時の表記）", highlight_snippets(reading.published, query)


def search_snippets(*, status: AnnualStatus, query: SearchQuery) -> SearchSnippets:
    """From texts already loaded with the status (no query)."""
    fields = [
        _reading_snippets("事業内容", project_reading(status.project, "content"), query),
        _reading_snippets("実施状況", status_reading(status), query),
        (
            "担当課",
            [
                snippet
                for link in status.department_links
                for snippet in highlight_snippets(link.department.name, query)
            ],
        ),
    ]
    return SearchSnippets(
        name=highlight(project_reading(status.project, "name").corrected, query),
        fields=[(label, snippets) for label, snippets in fields if snippets],
    )


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
        _department_links(), _corrections("project__corrections")
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


class RankedStatusValues:
    """The keyword's matches under the filters, best first, as export value
    tuples (``reports.exports``), read a page at a time."""

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


def ranked_status_values(*, filterset: StatusFilter) -> RankedStatusValues:
    """A keyword search's results for the API, in the filter page's order."""
    return RankedStatusValues(_ranked_matches(filterset))


def _ranked_matches(filterset: StatusFilter) -> RankedStatuses:
    """The keyword's matches under the other active filters, best first."""
    return filterset.search_results().ranked


# The JSON API's lists, in a stable order.


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
    predecessor_links, _ = _succession_prefetches()
    return Department.objects.order_by("name").prefetch_related(predecessor_links)
