"""Keyword search over the statuses, and the index it reads.

What the rest of the site uses, and all it uses:

- ``index(statuses, sources=…)`` after writing what a status's document is made of (its
  texts, its project's, its departments, a correction), and
  ``remove(statuses)`` when deleting statuses: both in the caller's
  transaction;
- ``find(plan_id=…, query=…, conditions=…)``: a query's matches in a plan, their
  order and each filter's counts under the others (``Conditions`` of
  ``Filter``, which ``StatusFilter.conditions`` makes; how the index answers
  each filter is in ``filters``);
- ``parse_query`` (and ``QueryError``, ``SearchQuery``), ``normalise``, and the
  HTML snippets (``highlight``, ``highlight_snippets``, and ``search_snippets``
  for a result on the filter page);
- ``rebuild()`` and ``repair()`` for ``manage.py rebuild_search_index``.

Inside: ``text`` (folding, grams, query parsing), ``documents`` (a status's
texts folded and joined), ``layout`` (the stored layout, and how a block of it
is built), ``writer`` (writes documents and blocks), ``engine`` (answers a
query from the index), ``filters`` (how it answers each filter), ``snippets``,
``checks`` (is the stored index current).
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from reports.models import AnnualStatus
from reports.search import writer
from reports.search.engine import (
    Conditions,
    Filter,
    KeywordMatches,
    RankedStatuses,
    SearchResults,
)
from reports.search.engine import find as _find
from reports.search.snippets import SearchSnippets, highlight, highlight_snippets, search_snippets
from reports.search.text import QueryError, SearchQuery, normalise, parse_query
from reports.search.writer import StatusSource

__all__ = [
    "Conditions",
    "Filter",
    "KeywordMatches",
    "QueryError",
    "RankedStatuses",
    "SearchQuery",
    "SearchResults",
    "SearchSnippets",
    "StatusSource",
    "find",
    "highlight",
    "highlight_snippets",
    "index",
    "normalise",
    "parse_query",
    "rebuild",
    "remove",
    "repair",
    "search_snippets",
]

Statuses = QuerySet[AnnualStatus] | Iterable[AnnualStatus] | Iterable[int]
"""Statuses as a queryset, as instances or as ids."""


def _ids(statuses: Statuses) -> list[int]:
    if isinstance(statuses, QuerySet):
        return list(statuses.values_list("pk", flat=True))
    return [s if isinstance(s, int) else s.pk for s in statuses]


def index(statuses: Statuses, *, sources: Iterable[StatusSource] = ()) -> int:
    """Write the search documents of ``statuses`` and rewrite the blocks of the
    index that hold them; return how many documents were written. A status
    without a document is added; a status since deleted is taken out.

    ``sources``: statuses (indexed too) as their writer has just written them,
    with what their documents are made of, so that it is not read back."""
    return writer.search_documents_rebuild(status_ids=_ids(statuses), sources=sources)


def remove(statuses: Statuses) -> None:
    """Take ``statuses`` out of the index, in the transaction that deletes
    them (before or after the delete)."""
    writer.search_documents_remove(status_ids=_ids(statuses))


def find(
    *, plan_id: int, query: SearchQuery, conditions: Conditions | None = None
) -> SearchResults:
    """The statuses of a plan that match ``query``, read from the index as of
    one moment: ``len()``, ``ranked`` (best first) and ``facet_counts`` under
    ``conditions``."""
    return _find(plan_id, query, Conditions() if conditions is None else conditions)


def rebuild() -> int:
    """Write the documents and index of every status again; return how many."""
    return writer.search_documents_rebuild(
        status_ids=AnnualStatus.objects.values_list("pk", flat=True)
    )


def repair() -> int:
    """Index the statuses that have no document, and rewrite the blocks that
    list deleted statuses; return how many documents were written."""
    return writer.search_documents_repair()
