"""The filter page's FilterSet: goal, policy direction, department, fiscal year, keyword.

Parameter values are the ones a reader can read and share: the goal's number,
the direction as ``goal-direction`` (``2-4``), the department's name and the
Western fiscal year.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from reports.eras import fiscal_year_label
from reports.models import (
    AnnualStatus,
    BasicGoal,
    Department,
    DepartmentSuccession,
    PolicyDirection,
    StatusDepartment,
)
from reports.search import QueryError, SearchQuery, parse_query
from reports.search_engine import Conditions, DepartmentCondition, KeywordMatches
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
    predecessor_links: dict[int, list[DepartmentSuccession]]
    """Successor department id → its predecessor links."""


def direction_key(direction: PolicyDirection) -> str:
    return f"{direction.goal.number}-{direction.number}"


def department_label(department: Department, links: list[DepartmentSuccession]) -> str:
    """市民生活安全課（旧 市民総務課を含む）: the filter says which old names it includes."""
    if not links:
        return department.name
    return f"{department.name}（旧 {'、'.join(link.predecessor.name for link in links)}を含む）"


def department_q(*, department_id: int, links: list[DepartmentSuccession]) -> Q:
    """Statuses that count as the department's: listed under it, or listed under a
    predecessor in or after the fiscal year from which the successor took over."""
    q = Q(
        Exists(StatusDepartment.objects.filter(status=OuterRef("pk"), department_id=department_id))
    )
    for link in links:
        q |= Q(
            Exists(
                StatusDepartment.objects.filter(
                    status=OuterRef("pk"), department_id=link.predecessor_id
                )
            ),
            fiscal_year__gte=link.effective_fiscal_year,
        )
    return q


def validate_query(value: str) -> None:
    try:
        parse_query(value)
    except QueryError as error:
        raise ValidationError(str(error), code="query") from error


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


class StatusFilter(django_filters.FilterSet):
    goal = django_filters.ChoiceFilter(label="基本目標", method="filter_goal", empty_label="すべて")
    direction = django_filters.ChoiceFilter(
        label="施策の方向", method="filter_direction", empty_label="すべて"
    )
    department = django_filters.ChoiceFilter(
        label="担当課", method="filter_department", empty_label="すべて"
    )
    year = django_filters.ChoiceFilter(label="年度", method="filter_year", empty_label="すべて")
    q = KeywordFilter(label="キーワード", method="filter_keyword", max_length=KEYWORD_MAX_LENGTH)

    class Meta:
        model = AnnualStatus
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, options: StatusFilterOptions, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.options = options
        self._keyword_matches: KeywordMatches | None = None
        self._departments = {d.name: d for d in options.departments}
        self.filters["goal"].extra["choices"] = [
            (str(g.number), f"基本目標{goal_numeral(g.number)} {g.title}") for g in options.goals
        ]
        self.filters["direction"].extra["choices"] = [
            (direction_key(d), f"{goal_numeral(d.goal.number)}-{d.number} {d.title}")
            for d in options.directions
        ]
        self.filters["department"].extra["choices"] = [
            (d.name, department_label(d, options.predecessor_links.get(d.pk, [])))
            for d in options.departments
        ]
        self.filters["year"].extra["choices"] = [
            (str(year), fiscal_year_label(year)) for year in options.fiscal_years
        ]

    def filter_goal(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(project__direction__goal__number=int(value))

    def filter_direction(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        goal_number, number = (int(part) for part in value.split("-"))
        return queryset.filter(
            project__direction__goal__number=goal_number, project__direction__number=number
        )

    def filter_department(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        department = self._departments[value]
        links = self.options.predecessor_links.get(department.pk, [])
        return queryset.filter(department_q(department_id=department.pk, links=links))

    def filter_year(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(fiscal_year=int(value))

    def filter_keyword(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        ids = self.keyword_matches().status_ids()
        return queryset.filter(pk__in=RawSQL("SELECT unnest(%s::integer[])", [ids]))

    @property
    def search_query(self) -> SearchQuery | None:
        """The parsed keyword of a valid form; ``None`` without one."""
        matches = self.keyword_matches()
        return matches.query if matches is not None else None

    def keyword_matches(self) -> KeywordMatches | None:
        """The plan's statuses matching the keyword alone (read once), or ``None``
        when there is no keyword."""
        if not self.is_bound or not self.form.is_valid() or not self.form.cleaned_data.get("q"):
            return None
        if self._keyword_matches is None:
            query = parse_query(self.form.cleaned_data["q"])
            self._keyword_matches = KeywordMatches(self.options.plan_id, query)
        return self._keyword_matches

    def conditions(self, *, excluded: str | None = None) -> Conditions:
        """The active filters other than the keyword (and ``excluded``), by id."""
        chosen = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value and name not in ("q", excluded)
        }
        department = chosen.get("department")
        return Conditions(
            goal=next(
                (g.pk for g in self.options.goals if str(g.number) == chosen.get("goal")), None
            ),
            direction=next(
                (
                    d.pk
                    for d in self.options.directions
                    if direction_key(d) == chosen.get("direction")
                ),
                None,
            ),
            department=(
                self._department_condition(self._departments[department]) if department else None
            ),
            fiscal_year=int(chosen["year"]) if "year" in chosen else None,
        )

    def department_conditions(self) -> list[DepartmentCondition]:
        """Each department option as a condition, in the options' order."""
        return [self._department_condition(d) for d in self.options.departments]

    def _department_condition(self, department: Department) -> DepartmentCondition:
        return DepartmentCondition(
            department=department.pk,
            predecessors=tuple(
                (link.predecessor_id, link.effective_fiscal_year)
                for link in self.options.predecessor_links.get(department.pk, [])
            ),
        )

    def queryset_without(self, excluded: str) -> QuerySet:
        """The statuses matching every active filter except ``excluded``: the base
        of that filter's facet counts."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset
