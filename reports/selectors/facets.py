"""The filter page's facets (each filter's options with their counts under the
other filters) and the filters in force, each with the link that drops it."""

from dataclasses import dataclass

from reports.filters import FacetFilter, StatusFilter


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
