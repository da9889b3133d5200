"""How the search index answers each filter of the filter page
(``reports.filters.StatusFilter``).

Every filter with options names one of these functions (its ``search``).
Given a keyword's matches, the function says which option each match has,
as ``Keys``: pairs of (index into the matches, key), each pair once, where a
key means what it means in the database (a goal's id, a fiscal year): the
FilterSet filters and counts statuses by the same key in SQL (its ``key``).
The engine keeps the matches that have the chosen key, and counts each key
among the matches under the other filters in force.

To add a filter: a ``FacetFilter`` in the FilterSet (its options and the
lookup from a status to its key) and a function here. If the index does not
hold what the function needs, add a column to ``layout.STATUS_COLUMNS`` and
its SQL to ``writer.BLOCK_COLUMNS``, raise ``layout.FORMAT``, and add a
migration that calls ``reports.search.rebuild()`` (as 0005 does).
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from reports.search.engine import Keys, KeywordMatches, unique_pairs


def goal(matches: KeywordMatches) -> Keys:
    return matches.column("goal")


def direction(matches: KeywordMatches) -> Keys:
    return matches.column("direction")


def fiscal_year(matches: KeywordMatches) -> Keys:
    return matches.column("fiscal_year")


@dataclass(frozen=True)
class Coverage:
    """``DepartmentCoverage`` as arrays: each department's own row (by the
    department, sorted) apart from the rows of its successors (sorted by the
    predecessor), which are few."""

    own: np.ndarray
    own_first_fiscal_year: np.ndarray
    successor: np.ndarray
    predecessor: np.ndarray
    successor_first_fiscal_year: np.ndarray

    @classmethod
    def of(cls, rows: Iterable[tuple[int, int, int]]) -> "Coverage":
        """From (department, covered, first fiscal year) rows."""
        table = np.array(sorted(rows, key=lambda row: row[1]), dtype=np.int64).reshape(-1, 3)
        own = table[table[:, 0] == table[:, 1]]
        other = table[table[:, 0] != table[:, 1]]
        return cls(own[:, 1], own[:, 2], other[:, 0], other[:, 1], other[:, 2])


def department(matches: KeywordMatches, *, coverage: Coverage) -> Keys:
    """Every department that covers, in the match's fiscal year, one of the
    departments listed on it."""
    at, listed = matches.department_links
    years = matches.rows["fiscal_year"]
    # A listed department's own row: the pair as listed, from its first year.
    own = _find(coverage.own, listed)
    counted = own >= 0
    counted[counted] = years[at[counted]] >= coverage.own_first_fiscal_year[own[counted]]
    own_at, own_department = at[counted], listed[counted]
    # Its successors' rows (few): each link against rows low..high-1.
    low = np.searchsorted(coverage.predecessor, listed, side="left")
    per_link = np.searchsorted(coverage.predecessor, listed, side="right") - low
    link = np.repeat(np.arange(len(at)), per_link)
    row = np.repeat(low - (np.cumsum(per_link) - per_link), per_link) + np.arange(len(link))
    match = at[link]
    counted = years[match] >= coverage.successor_first_fiscal_year[row]
    found_at, found = unique_pairs(match[counted], coverage.successor[row][counted])
    # Leave out a successor already counted because it is listed itself.
    listed_too = np.isin(own_department, found)
    found_at, found = _without((found_at, found), (own_at[listed_too], own_department[listed_too]))
    return np.concatenate([own_at, found_at]), np.concatenate([own_department, found])


def _find(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The position of each of ``values`` in ``sorted_values``, -1 where absent."""
    if not len(sorted_values):
        return np.full(len(values), -1)
    position = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return np.where(sorted_values[position] == values, position, -1)


def _without(pairs: Keys, others: Keys) -> Keys:
    """``pairs`` less those also in ``others``."""
    packed = (pairs[0] << 31) | pairs[1]
    kept = ~np.isin(packed, (others[0] << 31) | others[1])
    return pairs[0][kept], pairs[1][kept]
