"""The filter page's FilterSet: goal, policy direction, department, fiscal year, keyword.

The single definition of every filter. Parameter values are the ones a reader
can read and share: the goal's number, the direction as ``goal-direction``
(``2-4``), the department's name and the Western fiscal year. Each of them
stands for a key the database knows (the goal's id, the direction's id, the
department's id, the year): a ``FacetFilter`` names the lookup from a status
to that key, which filters and counts statuses in SQL, and the function of
``reports.search.filters`` that gives the same key for a keyword's matches in
the search index. The filter page, its facet counts, the downloads and the API
all go through this FilterSet.
"""

import unicodedata
from dataclasses import dataclass
from functools import cached_property, partial

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.utils import extend_schema_field

from reports import search
from reports.eras import fiscal_year_in_word, fiscal_year_label
from reports.models import (
    AnnualStatus,
    BasicGoal,
    Department,
    DepartmentCoverage,
    PolicyDirection,
    StatusDepartment,
)
from reports.search import KeywordMatches, QueryError, SearchQuery, parse_query
from reports.search import filters as search_filters
from reports.search.synonyms import synonym_table
from reports.templatetags.plan_format import goal_numeral

KEYWORD_MAX_LENGTH = 100


@dataclass(frozen=True)
class StatusFilterOptions:
    """What a plan's filter can choose from, read once per request."""

    plan_id: int
    goals: list[BasicGoal]
    directions: list[PolicyDirection]
    """With ``goal`` selected."""
    departments: list[Department]
    fiscal_years: list[int]
    """The years with statuses, newest first."""
    period: range
    """The plan's fiscal years, published or not."""
    coverage: list[DepartmentCoverage]
    """The departments' coverage (``DepartmentCoverage``), with ``covered``
    selected, by first fiscal year and the covered department's name."""

    def predecessors(self, department: Department) -> list[Department]:
        """The departments whose entries ``department`` also counts, in order."""
        return self._predecessors.get(department.pk, [])

    @cached_property
    def _predecessors(self) -> dict[int, list[Department]]:
        found: dict[int, list[Department]] = {}
        for c in self.coverage:
            if c.covered_id != c.department_id:
                found.setdefault(c.department_id, []).append(c.covered)
        return found


def direction_key(direction: PolicyDirection) -> str:
    return f"{direction.goal.number}-{direction.number}"


def department_label(department: Department, predecessors: list[Department]) -> str:
    """市民生活安全課（旧 市民総務課を含む）: the filter says which old names it includes."""
    if not predecessors:
        return department.name
    return f"{department.name}（旧 {'、'.join(p.name for p in predecessors)}を含む）"


def counted_listings() -> QuerySet[StatusDepartment]:
    """Each department listed on a status, once for every department it counts
    for in the status's fiscal year (``DepartmentCoverage``): ``counted_for``."""
    return StatusDepartment.objects.filter(
        department__covered_by__first_fiscal_year__lte=F("status__fiscal_year")
    ).annotate(counted_for=F("department__covered_by__department"))


def counted_as(department_id: int) -> Q:
    """Statuses that count as the department's: some department listed on them
    is covered by it in their fiscal year."""
    return Q(Exists(counted_listings().filter(status=OuterRef("pk"), counted_for=department_id)))


def validate_query(value: str) -> None:
    try:
        parse_query(value)
    except QueryError as error:
        raise ValidationError(str(error), code="query") from error


def canonical_filter_query(data: QueryDict) -> QueryDict:
    """The filter page's parameters as a shared URL should carry them: empty ones
    dropped, and a fiscal year written among the keyword's words (デートDV 2017,
    平成29年度, H29) made the year filter when no year is chosen."""
    canonical = QueryDict(mutable=True)
    for name, values in data.lists():
        kept = [value for value in values if value != ""]
        if kept:
            canonical.setlist(name, kept)
    keyword = canonical.get("q", "")
    if "year" in canonical or '"' in keyword:
        return canonical
    words = unicodedata.normalize("NFKC", keyword).split()
    years = [fiscal_year_in_word(word) for word in words]
    if not any(years):
        return canonical
    first = next(i for i, year in enumerate(years) if year)
    canonical["year"] = str(years[first])
    rest = " ".join(words[:first] + words[first + 1 :])
    if rest:
        canonical["q"] = rest
    else:
        del canonical["q"]
    return canonical


class KeywordField(forms.CharField):
    """Free text; control characters (NUL included) are refused with one clear message."""

    def __init__(self, **kwargs) -> None:
        # Not stripped: a query of spaces alone gets a message, not every status.
        kwargs["strip"] = False
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        self.validators.append(
            RegexValidator(
                r"[\x00-\x1f\x7f]",
                inverse_match=True,
                message="制御文字（改行やタブなど）は使えません。",
            )
        )
        self.validators.append(validate_query)


class KeywordFilter(django_filters.CharFilter):
    field_class = KeywordField


class FacetFilter(django_filters.ChoiceFilter):
    """A filter whose options the filter page counts.

    ``key`` is the lookup from a status to what an option stands for (an id,
    a year); ``search`` the function of ``reports.search.filters`` that gives
    the same for a keyword's matches in the search index. The options, with
    their keys, are set per request (``set_options``)."""

    def __init__(self, *, key: str | None, search, value_format: str, **kwargs) -> None:
        kwargs.setdefault("empty_label", "すべて")
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": f"「%(value)s」という{kwargs['label']}はこの計画にありません。"},
        )
        super().__init__(**kwargs)
        # The options are the plan's, known only per request: the OpenAPI
        # document says what a value is, as it is shared in a URL.
        extend_schema_field({"type": "string", "description": f"{self.label}: {value_format}"})(
            self
        )
        self.key = key
        self.search = search
        self.keys: dict[str, object] = {}

    def set_options(self, options: list[tuple[str, str, object]]) -> None:
        """(value in the URL, label, key) for each option."""
        self.extra["choices"] = [(value, label) for value, label, _ in options]
        self.keys = {value: key for value, _, key in options}

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(self.condition(self.keys[value]))

    def condition(self, key: object) -> Q:
        """Statuses whose key is ``key``."""
        return Q(**{self.key: key})

    def counts(self, statuses: QuerySet[AnnualStatus]) -> dict[object, int]:
        """How many of ``statuses`` have each key, counted by the database."""
        return dict(statuses.order_by().values_list(self.key).annotate(Count("pk")))

    def for_search(self, value: str | None) -> search.Filter:
        """This filter as the search index answers it, with ``value`` in force."""
        chosen = self.keys[value] if value not in EMPTY_VALUES else None
        return search.Filter(name=self.field_name, keys=self.search, chosen=chosen)


class DepartmentFilter(FacetFilter):
    """A status has the key of every department that counts it
    (``DepartmentCoverage``): those listed on it, and their successors from
    the takeover year. ``search`` is given the coverage (``set_coverage``)."""

    def __init__(self, *, search, **kwargs) -> None:
        super().__init__(key=None, search=search, **kwargs)
        self.search_function = search

    def set_coverage(self, coverage: list[DepartmentCoverage]) -> None:
        self.search = partial(
            self.search_function,
            coverage=search_filters.Coverage.of(
                (c.department_id, c.covered_id, c.first_fiscal_year) for c in coverage
            ),
        )

    def condition(self, key: object) -> Q:
        return counted_as(key)

    def counts(self, statuses: QuerySet[AnnualStatus]) -> dict[object, int]:
        return dict(
            counted_listings()
            .filter(status__in=statuses.values("pk"))
            .order_by()
            .values_list("counted_for")
            .annotate(Count("status", distinct=True))
        )


class FiscalYearField(django_filters.fields.ChoiceField):
    """A year the plan covers but has no statuses for gets its own message
    (``unpublished``: the message for each such value)."""

    def __init__(self, *, unpublished: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.unpublished = unpublished or {}

    def validate(self, value) -> None:
        if value in self.unpublished:
            raise ValidationError(self.unpublished[value], code="unpublished")
        super().validate(value)


class FiscalYearFilter(FacetFilter):
    field_class = FiscalYearField

    def set_period(self, period: range, published: list[int]) -> None:
        """Messages for the plan's years without statuses, and for years outside it."""
        years = "、".join(fiscal_year_label(year) for year in sorted(published)) or "なし"
        self.extra["unpublished"] = {
            str(year): f"{fiscal_year_label(year)}の実施状況はまだ掲載していません。"
            f"掲載している年度: {years}。"
            for year in period
            if year not in published
        }
        if period:
            self.extra["error_messages"] = {
                "invalid_choice": f"「%(value)s」という年度はこの計画にありません"
                f"（計画期間: {fiscal_year_label(period[0])}から"
                f"{fiscal_year_label(period[-1])}まで）。"
            }


class StatusFilter(django_filters.FilterSet):
    goal = FacetFilter(
        label="基本目標",
        key="project__direction__goal",
        search=search_filters.goal,
        value_format="the goal's number within the plan, e.g. 2",
    )
    direction = FacetFilter(
        label="施策の方向",
        key="project__direction",
        search=search_filters.direction,
        value_format="goal number and direction number joined by a hyphen, e.g. 2-4",
    )
    department = DepartmentFilter(
        label="担当課",
        search=search_filters.department,
        value_format="the department's name as published, e.g. 男女共同参画課; "
        "a successor also counts its predecessor's entries from the takeover year",
    )
    year = FiscalYearFilter(
        label="年度",
        key="fiscal_year",
        search=search_filters.fiscal_year,
        value_format="the Western fiscal year, e.g. 2017 for 平成29年度",
    )
    q = KeywordFilter(label="キーワード", method="filter_keyword", max_length=KEYWORD_MAX_LENGTH)

    class Meta:
        model = AnnualStatus
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, options: StatusFilterOptions, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.options = options
        self._search_results: search.SearchResults | None = None
        self.filters["goal"].set_options(
            [
                (str(g.number), f"基本目標{goal_numeral(g.number)} {g.title}", g.pk)
                for g in options.goals
            ]
        )
        self.filters["direction"].set_options(
            [
                (direction_key(d), f"{goal_numeral(d.goal.number)}-{d.number} {d.title}", d.pk)
                for d in options.directions
            ]
        )
        self.filters["department"].set_options(
            [
                (d.name, department_label(d, options.predecessors(d)), d.pk)
                for d in options.departments
            ]
        )
        self.filters["department"].set_coverage(options.coverage)
        self.filters["year"].set_options(
            [(str(year), fiscal_year_label(year), year) for year in options.fiscal_years]
        )
        self.filters["year"].set_period(options.period, options.fiscal_years)

    @property
    def facet_filters(self) -> dict[str, FacetFilter]:
        """The filters with counted options, in the page's order."""
        return {name: f for name, f in self.filters.items() if isinstance(f, FacetFilter)}

    def filter_keyword(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        ids = self.keyword_matches().status_ids()
        return queryset.filter(pk__in=RawSQL("SELECT unnest(%s::integer[])", [ids]))

    @property
    def search_query(self) -> SearchQuery | None:
        """The parsed keyword of a valid form; ``None`` without one."""
        results = self.search_results()
        return results.query if results is not None else None

    def search_results(self) -> search.SearchResults | None:
        """The keyword's matches under the other filters (read once), or ``None``
        when there is no keyword."""
        if not self.is_bound or not self.form.is_valid() or not self.form.cleaned_data.get("q"):
            return None
        if self._search_results is None:
            self._search_results = search.find(
                plan_id=self.options.plan_id,
                query=parse_query(
                    self.form.cleaned_data["q"], synonyms=synonym_table(settings.SYNONYMS_FILE)
                ),
                conditions=self.conditions(),
            )
        return self._search_results

    def keyword_matches(self) -> KeywordMatches | None:
        """The plan's statuses matching the keyword alone, whatever the other filters."""
        results = self.search_results()
        return results.matches if results is not None else None

    def conditions(self) -> search.Conditions:
        """Every filter with options, as the search index answers it, with the
        chosen option of each in force."""
        chosen = self.form.cleaned_data
        return search.Conditions(
            tuple(f.for_search(chosen.get(name)) for name, f in self.facet_filters.items())
        )

    def queryset_without(self, excluded: str) -> QuerySet:
        """The statuses matching every active filter except ``excluded``: the base
        of that filter's facet counts."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset
