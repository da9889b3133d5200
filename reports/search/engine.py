"""Keyword search over a plan's search index (layout in ``reports.search.layout``).

A term's matches come from the postings of its grams, read by index lookups
(plan, gram): a term of one or two characters is a gram itself, whose postings
say exactly which documents hold it, how often and in which field first. A
longer term's candidates hold all of its pairs; their texts are then read and
checked. The columns, postings and texts are read as of one moment
(``read_matches``). Counts, filters, facet counts and the order of the results
are computed over the matches' positions with numpy, from the plan's block
columns, which each process keeps until a block is rewritten. Filters are
``Filter``s, each with the function that gives the matches' keys for it
(``reports.search.filters``); masks and facet counts are the same for all.

The order (``ranked``): the sum over the terms of the weight of the heaviest
field holding each (project name 8, 事業内容 4, 実施状況 2, department names
1), then coverage (characters inside occurrences of the terms, as
``str.count`` counts them, per character of the document), then newest year,
project number and status id. ``reports.search.documents.field_weight`` states the
field rule for one document; the tests hold the whole order against a sort in
Python.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, reduce
from threading import Lock

import numpy as np
from django.db import connection

from reports.search import layout
from reports.search.documents import field_weight
from reports.search.layout import DEPARTMENT_LINK, POSTING, STATUS_COLUMNS
from reports.search.text import SearchQuery, query_grams

logger = logging.getLogger(__name__)

State = tuple[tuple[int, int], ...]
"""A plan's index as of one moment: each block's number and version, in order.
Every rewrite of a block gives it a new random ``version``."""


class IndexMoved(Exception):
    """The plan's index changed between two statements of one read."""


_STATE = (
    "(SELECT array_agg(number ORDER BY number) AS numbers,"
    " array_agg(version ORDER BY number) AS versions"
    " FROM reports_searchblock WHERE plan_id = %s) AS state"
)
"""The plan's ``State`` as one row, joined into each statement of a read
(a statement sees one snapshot, whatever the isolation level)."""


def _state(numbers: list[int] | None, versions: list[int] | None) -> State:
    return tuple(zip(numbers or (), versions or (), strict=True))


@dataclass(frozen=True)
class PlanColumns:
    """What every position of a plan's index stands for (``STATUS_COLUMNS``),
    and its department links as two parallel arrays."""

    state: State
    """The blocks these columns were read from."""
    unreadable: frozenset[int]
    """Blocks of another format (``layout.FORMAT``): left out until rebuilt."""
    statuses: dict[str, np.ndarray]
    """Each of ``STATUS_COLUMNS``' fields as an array of its own, by position."""
    link_ordinals: np.ndarray
    link_departments: np.ndarray


_columns_cache: dict[tuple[str, int], PlanColumns] = {}
_columns_lock = Lock()


def plan_columns(plan_id: int) -> PlanColumns:
    """The plan's block columns, read again only when a block was rewritten."""
    key = (connection.settings_dict["NAME"], plan_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number, version FROM reports_searchblock WHERE plan_id = %s ORDER BY number",
            [plan_id],
        )
        state = tuple(cursor.fetchall())
        cached = _columns_cache.get(key)
        if cached is not None and cached.state == state:
            return cached
        cursor.execute(
            "SELECT number, version, format, statuses, departments FROM reports_searchblock"
            " WHERE plan_id = %s ORDER BY number",
            [plan_id],
        )
        blocks = cursor.fetchall()
    size = (blocks[-1][0] + 1) * layout.BLOCK_SIZE if blocks else 0
    statuses = np.zeros(size, dtype=STATUS_COLUMNS)
    link_ordinals, link_departments = [], []
    unreadable = frozenset(number for number, _, format, _, _ in blocks if format != layout.FORMAT)
    if unreadable:
        logger.warning(
            "The search index of plan %s has %s blocks of another format than %s: they are"
            " left out of searches until `manage.py rebuild_search_index` rebuilds them.",
            plan_id,
            len(unreadable),
            layout.FORMAT,
        )
    for number, _, _, packed_statuses, packed_departments in blocks:
        if number in unreadable:
            continue
        first = number * layout.BLOCK_SIZE
        statuses[first : first + layout.BLOCK_SIZE] = np.frombuffer(
            packed_statuses, dtype=STATUS_COLUMNS
        )
        links = np.frombuffer(packed_departments, dtype=DEPARTMENT_LINK)
        link_ordinals.append(links["offset"].astype(np.int64) + first)
        link_departments.append(links["department"].astype(np.int64))
    columns = PlanColumns(
        state=tuple((number, version) for number, version, *_ in blocks),
        unreadable=unreadable,
        statuses={name: np.ascontiguousarray(statuses[name]) for name in STATUS_COLUMNS.names},
        link_ordinals=np.concatenate([np.zeros(0, np.int64), *link_ordinals]),
        link_departments=np.concatenate([np.zeros(0, np.int64), *link_departments]),
    )
    with _columns_lock:
        _columns_cache[key] = columns
    return columns


@dataclass(frozen=True)
class TermMatches:
    """The documents holding one term: positions (ascending), occurrences and weights."""

    ordinals: np.ndarray
    counts: np.ndarray
    weights: np.ndarray


_EMPTY = TermMatches(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))


def _postings(plan_id: int, grams: Iterable[str], columns: PlanColumns) -> dict[str, TermMatches]:
    """The postings of ``grams`` over the whole plan: one indexed read, of the
    index as the columns are."""
    found: dict[str, list[tuple[int, np.ndarray]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT state.numbers, state.versions, p.gram, p.block, p.postings"
            f" FROM {_STATE} LEFT JOIN reports_searchpostings p"
            " ON p.plan_id = %s AND p.gram = ANY(%s) ORDER BY p.gram, p.block",
            [plan_id, plan_id, sorted(set(grams))],
        )
        rows = cursor.fetchall()
    if _state(*rows[0][:2]) != columns.state:
        raise IndexMoved
    for _, _, gram, block, packed in rows:
        if gram is not None and block not in columns.unreadable:
            found.setdefault(gram, []).append((block, np.frombuffer(packed, dtype=POSTING)))
    result = {}
    for gram, blocks in found.items():
        postings = np.concatenate([p for _, p in blocks])
        bases = np.repeat([b * layout.BLOCK_SIZE for b, _ in blocks], [len(p) for _, p in blocks])
        result[gram] = TermMatches(
            ordinals=postings["offset"].astype(np.int64) + bases,
            counts=postings["count"].astype(np.int64),
            weights=postings["weight"].astype(np.int64),
        )
    return result


def _candidates(pairs: list[TermMatches]) -> np.ndarray:
    """Positions holding every one of ``pairs``; the rarest first keeps it quick."""
    ordered = sorted((p.ordinals for p in pairs), key=len)
    return reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), ordered)


def _checked(plan_id: int, terms: list[str], candidates: dict[str, np.ndarray], state: State):
    """Read the texts of the candidates that hold one of the long terms, once,
    and count each term in them. The database drops the other candidates
    (``strpos``), so only likely matches cross the connection."""
    wanted = reduce(np.union1d, candidates.values(), np.zeros(0, np.int64))
    texts: dict[int, tuple[str, int, int, int]] = {}
    if len(wanted):
        holds = " OR ".join(["strpos(d.text, %s) > 0"] * len(terms))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT state.numbers, state.versions,"
                " d.ordinal, d.text, d.name_end, d.content_end, d.status_end"
                f" FROM {_STATE} LEFT JOIN reports_statussearchdocument d"
                f" ON d.plan_id = %s AND d.ordinal = ANY(%s::integer[]) AND ({holds})",
                # An array literal: many times quicker to send than a list of ints.
                [plan_id, plan_id, "{" + ",".join(map(str, wanted.tolist())) + "}", *terms],
            )
            rows = cursor.fetchall()
        if _state(*rows[0][:2]) != state:
            raise IndexMoved
        texts = {row[2]: row[3:] for row in rows if row[2] is not None}
    result = {}
    for term in terms:
        ordinals, counts, weights = [], [], []
        for ordinal in candidates[term].tolist():
            if ordinal not in texts:
                continue
            text, name_end, content_end, status_end = texts[ordinal]
            count = text.count(term)
            if count:
                ordinals.append(ordinal)
                counts.append(count)
                weights.append(field_weight(text, name_end, content_end, status_end, term))
        result[term] = TermMatches(
            np.array(ordinals, np.int64), np.array(counts, np.int64), np.array(weights, np.int64)
        )
    return result


def term_matches(
    plan_id: int, terms: Sequence[str], columns: PlanColumns
) -> dict[str, TermMatches]:
    """Every document of the plan holding each of ``terms`` (folded), in the
    index as the columns are; raises ``IndexMoved`` if it is no longer so."""
    grams = {term: query_grams(term) for term in terms}
    postings = _postings(plan_id, (g for gs in grams.values() for g in gs), columns)
    result: dict[str, TermMatches] = {}
    candidates: dict[str, np.ndarray] = {}
    for term, term_grams in grams.items():
        if any(g not in postings for g in term_grams):
            result[term] = _EMPTY
        elif len(term_grams) == 1 and term_grams[0] == term:
            result[term] = postings[term]  # the term is a gram: exact
        else:
            candidates[term] = _candidates([postings[g] for g in term_grams])
    result.update(_checked(plan_id, list(candidates), candidates, columns.state))
    return result


READS = 10
"""Reads of a query before giving up: another is needed only when an import
commits during one, which takes a few milliseconds."""


def read_matches(plan_id: int, terms: Sequence[str]) -> tuple[PlanColumns, dict[str, TermMatches]]:
    """The plan's columns and the documents holding each of ``terms``, as of
    one moment.

    The read is two to four statements. Each of them reports the plan's block
    versions as it saw them (``_STATE``), and the read is kept only if they all
    saw the columns' versions; if an import committed in between, it is read
    again. So the answer never pairs postings with the columns or texts of
    another moment, whether or not the caller is in a transaction, at any
    isolation level (with ``ATOMIC_REQUESTS`` each statement of a READ
    COMMITTED transaction takes a new snapshot, as in autocommit), and without
    a query of its own to start a transaction."""
    for _ in range(READS):
        columns = plan_columns(plan_id)
        try:
            return columns, term_matches(plan_id, terms, columns)
        except IndexMoved:
            continue
    raise IndexMoved(f"the search index of plan {plan_id} changed during {READS} reads")


Keys = tuple[np.ndarray, np.ndarray]
"""Which option of a filter some matches have: (index into the matches, key),
each pair once. A key is what the filter's options stand for in the
database (an id, a year)."""


@dataclass(frozen=True)
class Filter:
    """One filter of the filter page, as the index answers it."""

    name: str
    keys: "Callable[[KeywordMatches], Keys]"
    """The matches' keys for this filter (``reports.search.filters``)."""
    chosen: object = None
    """The key a match must have; ``None``: the filter is not in force."""


@dataclass(frozen=True)
class Conditions:
    """The filters besides the keyword (``StatusFilter.conditions``): those in
    force narrow the matches, and each is counted under the others."""

    filters: tuple[Filter, ...] = ()


class Rows:
    """Some positions of a plan's index; a column is gathered when first asked for."""

    def __init__(self, columns: dict[str, np.ndarray], ordinals: np.ndarray) -> None:
        self.columns = columns
        self.ordinals = ordinals
        self._gathered: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.ordinals)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._gathered:
            self._gathered[name] = self.columns[name][self.ordinals]
        return self._gathered[name]

    def subset(self, index: np.ndarray) -> "Rows":
        return Rows(self.columns, self.ordinals[index])


@dataclass(frozen=True)
class GroupMatches:
    """The documents holding one of a group of terms (a word and its synonyms):
    positions ascending, the characters inside the group's occurrences, and the
    weight of the heaviest field holding one of them."""

    ordinals: np.ndarray
    characters: np.ndarray
    weights: np.ndarray


def _either(matches: dict[str, TermMatches], group: tuple[str, ...]) -> GroupMatches:
    found = [matches[term] for term in group]
    if len(group) == 1:
        return GroupMatches(found[0].ordinals, found[0].counts * len(group[0]), found[0].weights)
    ordinals, at = np.unique(np.concatenate([f.ordinals for f in found]), return_inverse=True)
    characters = np.zeros(len(ordinals), np.int64)
    np.add.at(
        characters,
        at,
        np.concatenate([f.counts * len(t) for f, t in zip(found, group, strict=True)]),
    )
    weights = np.zeros(len(ordinals), np.int64)
    np.maximum.at(weights, at, np.concatenate([f.weights for f in found]))
    return GroupMatches(ordinals, characters, weights)


class KeywordMatches:
    """The documents of a plan that match a query, and what the pages ask of them."""

    def __init__(self, plan_id: int, query: SearchQuery) -> None:
        self.query = query
        groups = query.groups()
        terms = dict.fromkeys([*(t for group in groups for t in group), *query.exclude])
        self.columns, matches = read_matches(plan_id, list(terms))
        included = [_either(matches, group) for group in groups]
        ordinals = reduce(
            lambda a, b: np.intersect1d(a, b, assume_unique=True), (m.ordinals for m in included)
        )
        for term in query.exclude:
            ordinals = np.setdiff1d(ordinals, matches[term].ordinals, assume_unique=True)
        # Postings and columns are written in one transaction and read as of
        # one moment; positions without a status are still dropped, so that an
        # index whose blocks were removed by hand answers nothing instead of failing.
        status = self.columns.statuses["status"]
        ordinals = ordinals[ordinals < len(status)]
        ordinals = ordinals[status[ordinals] != 0]
        self.ordinals = ordinals
        """Positions of the matches, ascending."""
        weight = np.zeros(len(ordinals), np.int64)
        covered = np.zeros(len(ordinals), np.int64)
        for found in included:
            if len(found.ordinals) == len(ordinals):  # every document holding it matches
                weight += found.weights
                covered += found.characters
                continue
            at = np.searchsorted(found.ordinals, ordinals)
            weight += found.weights[at]
            covered += found.characters[at]
        rows = Rows(self.columns.statuses, ordinals)
        self.rows = rows
        self.weights = weight
        self.coverage = covered / np.maximum(rows["length"], 1)
        self._keys: dict[str, Keys] = {}

    def __len__(self) -> int:
        return len(self.ordinals)

    def status_ids(self) -> list[int]:
        return self.rows["status"].tolist()

    def column(self, name: str) -> Keys:
        """Each match's value of one of the block columns (``STATUS_COLUMNS``)."""
        return np.arange(len(self.ordinals)), self.rows[name]

    @cached_property
    def department_links(self) -> Keys:
        """The departments listed on the matches: (index into the matches,
        department id), each pair once (a status lists a department once)."""
        columns = self.columns
        if not len(self.ordinals):
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        at = np.searchsorted(self.ordinals, columns.link_ordinals)
        at = np.minimum(at, len(self.ordinals) - 1)
        hit = self.ordinals[at] == columns.link_ordinals
        return at[hit], columns.link_departments[hit]

    def keys(self, condition: Filter) -> Keys:
        """The matches' keys for one filter, computed once."""
        if condition.name not in self._keys:
            self._keys[condition.name] = condition.keys(self)
        return self._keys[condition.name]

    def _chosen(self, condition: Filter) -> np.ndarray:
        """Which matches have the filter's chosen key."""
        at, keys = self.keys(condition)
        keep = np.zeros(len(self.ordinals), dtype=bool)
        keep[at[keys == condition.chosen]] = True
        return keep

    def mask(self, conditions: Conditions) -> np.ndarray:
        """Which matches meet every filter in force."""
        keep = np.ones(len(self.ordinals), dtype=bool)
        for condition in conditions.filters:
            if condition.chosen is not None:
                keep &= self._chosen(condition)
        return keep

    def facet_counts(self, conditions: Conditions) -> dict[str, dict[object, int]]:
        """For each filter, how many matches have each key, under the other
        filters in force (a filter's own choice does not narrow its counts)."""
        chosen = {c.name: self._chosen(c) for c in conditions.filters if c.chosen is not None}
        counts = {}
        for condition in conditions.filters:
            mask = np.ones(len(self.ordinals), dtype=bool)
            for name, keep in chosen.items():
                if name != condition.name:
                    mask &= keep
            at, keys = self.keys(condition)
            counts[condition.name] = _value_counts(keys[mask[at]])
        return counts

    def ranked(self, mask: np.ndarray) -> "RankedStatuses":
        """The matches in ``mask``, best first."""
        where = np.flatnonzero(mask)
        return RankedStatuses(
            rows=self.rows.subset(where), weights=self.weights[where], coverage=self.coverage[where]
        )


class SearchResults:
    """A query's matches in a plan under the filters: how many, in which
    order, and each filter's counts under the others."""

    def __init__(self, matches: KeywordMatches, conditions: Conditions) -> None:
        self.matches = matches
        """The keyword's matches, whatever the filters."""
        self.conditions = conditions

    @property
    def query(self) -> SearchQuery:
        return self.matches.query

    @cached_property
    def mask(self) -> np.ndarray:
        """Which of the keyword's matches meet the filters."""
        return self.matches.mask(self.conditions)

    @cached_property
    def ranked(self) -> "RankedStatuses":
        """The status ids under the filters, best first (sorted as far as sliced)."""
        return self.matches.ranked(self.mask)

    @cached_property
    def facet_counts(self) -> dict[str, dict[object, int]]:
        """For each filter, by key: how many matches have it under the other filters."""
        return self.matches.facet_counts(self.conditions)

    def __len__(self) -> int:
        return int(np.count_nonzero(self.mask))


def find(plan_id: int, query: SearchQuery, conditions: Conditions) -> SearchResults:
    return SearchResults(KeywordMatches(plan_id, query), conditions)


def unique_pairs(first: np.ndarray, second: np.ndarray) -> Keys:
    """Each (first, second) pair once, in order; both non-negative, below 2**31."""
    packed = np.unique((first.astype(np.int64) << 31) | second.astype(np.int64))
    return packed >> 31, packed & ((1 << 31) - 1)


def _value_counts(values: np.ndarray) -> dict[int, int]:
    if not len(values):
        return {}
    low, high = int(values.min()), int(values.max())
    if high - low > 1_000_000:  # ids far apart: sort instead of counting slots
        found, counts = np.unique(values, return_counts=True)
        return dict(zip(found.tolist(), counts.tolist(), strict=True))
    counts = np.bincount(values.astype(np.int64) - low)
    found = np.flatnonzero(counts)
    return dict(zip((found + low).tolist(), counts[found].tolist(), strict=True))


class RankedStatuses:
    """Status ids best first, sorted only as far as a slice asks: a paginator's
    first page sorts the best twenty, not every match.

    The order: weight (descending), coverage (descending), fiscal year
    (newest first), project number, status id. Each weight is sorted on its
    own; within the last weight a slice reaches, only the matches whose
    coverage can place them in the slice are sorted."""

    def __init__(self, *, rows: Rows, weights: np.ndarray, coverage: np.ndarray) -> None:
        self.rows = rows
        self.all_weights = weights
        self.all_coverage = coverage
        self._sorted = np.zeros(0, np.int64)
        """Indices of the best matches, in order, as far as sorted so far."""
        self._weights_left = sorted(set(np.unique(weights).tolist()), reverse=True)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: slice) -> list[int]:
        return self.rows["status"][self._order(index)].tolist()

    @property
    def weights(self) -> np.ndarray:
        return self.all_weights[self._order(slice(None))]

    @property
    def coverage(self) -> np.ndarray:
        return self.all_coverage[self._order(slice(None))]

    def _order(self, index: slice) -> np.ndarray:
        stop = len(self) if index.stop is None else min(index.stop, len(self))
        while len(self._sorted) < stop:
            self._sort_more(stop - len(self._sorted))
        return self._sorted[index]

    def _sort_more(self, needed: int) -> None:
        weight = self._weights_left[0]
        done = self._sorted[self.all_weights[self._sorted] == weight]
        candidates = np.flatnonzero(self.all_weights == weight)
        if len(done):
            candidates = np.setdiff1d(candidates, done, assume_unique=True)
        if len(candidates) > needed:
            # Only those at least as well covered as the needed-th best can place.
            coverage = self.all_coverage[candidates]
            threshold = np.partition(coverage, len(coverage) - needed)[len(coverage) - needed]
            candidates = candidates[coverage >= threshold]
        else:
            self._weights_left.pop(0)
        rows = self.rows.subset(candidates)
        order = np.lexsort(
            (
                rows["status"],
                rows["project_number"],
                -rows["fiscal_year"].astype(np.int64),
                -self.all_coverage[candidates],
            )
        )
        self._sorted = np.concatenate([self._sorted, candidates[order][:needed]])
