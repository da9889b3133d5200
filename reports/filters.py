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
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Replace, StrIndex
from django.db.models.lookups import LessThanOrEqual

from importers.eras import fiscal_year_label
from reports.models import (
    AnnualStatus,
    BasicGoal,
    Department,
    DepartmentSuccession,
    PolicyDirection,
    StatusDepartment,
    StatusSearchGrams,
)
from reports.search import EXACT_GRAM_LENGTH, QueryError, SearchQuery, parse_query
from reports.templatetags.plan_format import goal_numeral

KEYWORD_MAX_LENGTH = 100


@dataclass(frozen=True)
class StatusFilterOptions:
    """What a plan's filter can choose from, read once per request."""

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


COMMON_GRAM_FREQUENCY = 0.1
"""A gram in at least this share of the documents is not looked up in the
index: reading its entries and then nearly every page of the table costs more
than checking each document's text directly."""


def common_grams(grams: list[str]) -> frozenset[str]:
    """Those of ``grams`` that the planner's statistics (``ANALYZE``, run by
    every import) count as common; one query."""
    table = StatusSearchGrams._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = %s AND attname = 'grams'",
            [table],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return frozenset()
    frequencies = dict(zip(row[0], row[1], strict=False))
    return frozenset(g for g in grams if frequencies.get(g, 0) >= COMMON_GRAM_FREQUENCY)


def keyword_q(query: SearchQuery, *, common: frozenset[str] = frozenset()) -> Q:
    """Statuses whose folded texts contain every term and no excluded one.

    The GIN index on the documents' grams finds the candidates (a text holding a
    term holds each of its pairs of characters), except for ``common`` grams,
    which would select most of the table anyway; a ``LIKE`` on the folded text
    (case-sensitive: the texts are folded) then keeps exactly those that
    contain each term. A term of one or two characters is an index entry
    itself, so when its gram was looked up no re-check is needed."""
    looked_up = [g for g in query.grams if g not in common]
    q = Q(search_grams__grams__contains=looked_up) if looked_up else Q()
    for term in query.include:
        exact = len(term) <= EXACT_GRAM_LENGTH and term not in common
        if not exact:
            q &= Q(search_document__text__contains=term)
    for term in query.exclude:
        q &= ~Q(search_document__text__contains=term)
    return q


class OctetLength(Func):
    """The length of a text in bytes: constant time, where ``Length`` counts characters."""

    function = "OCTET_LENGTH"
    output_field = IntegerField()


def search_rank(query: SearchQuery) -> dict[str, object]:
    """Annotations that order search results: where the terms are, then how
    much of the status's text they cover.

    A term's weight is that of the heaviest field holding it: project name 8,
    事業内容 4, 実施状況 2, department names 1. The document joins the fields in
    that order, so one ``strpos`` (the first occurrence) says which it is
    (``reports.search.field_weight`` is the same rule in Python). Coverage is
    the share of the text's characters inside occurrences of the terms,
    counted in bytes (``octet_length`` is constant time; ``length`` is not)."""
    weight = Value(0)
    covered = Value(0.0)
    document = "search_document"
    text = F(f"{document}__text")
    for term in query.include:
        position = StrIndex(text, Value(term))
        weight = weight + Case(
            When(LessThanOrEqual(position, F(f"{document}__name_end")), then=Value(8)),
            When(LessThanOrEqual(position, F(f"{document}__content_end")), then=Value(4)),
            When(LessThanOrEqual(position, F(f"{document}__status_end")), then=Value(2)),
            default=Value(1),
        )
        removed = OctetLength(text) - OctetLength(Replace(text, Value(term), Value("")))
        chars_per_byte = len(term) / len(term.encode())
        covered = covered + Cast(removed, FloatField()) * Value(chars_per_byte)
    coverage = covered / Cast(Greatest(F(f"{document}__length"), Value(1)), FloatField())
    return {"search_weight": weight, "search_coverage": coverage}


SEARCH_ORDER = ("-search_weight", "-search_coverage", "-fiscal_year", "project__number", "pk")
"""Best match first; ties newest year first, then in the plan's order."""


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
        self.search_query: SearchQuery | None = None
        self._common_grams: frozenset[str] = frozenset()
        """The parsed keyword, once the keyword filter has run."""
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
        if self.search_query is None:
            self.search_query = parse_query(value)
            self._common_grams = common_grams(self.search_query.grams)
        return queryset.filter(keyword_q(self.search_query, common=self._common_grams))

    def queryset_without(self, excluded: str) -> QuerySet:
        """The statuses matching every active filter except ``excluded``: the base
        of that filter's facet counts."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset
