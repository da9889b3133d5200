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
    """``DepartmentCoverage`` as arrays, in the order of the covered department."""

    department: np.ndarray
    covered: np.ndarray
    first_fiscal_year: np.ndarray

    @classmethod
    def of(cls, rows: Iterable[tuple[int, int, int]]) -> "Coverage":
        """From (department, covered, first fiscal year) rows."""
        table = np.array(sorted(rows, key=lambda row: row[1]), dtype=np.int64).reshape(-1, 3)
        return cls(table[:, 0], table[:, 1], table[:, 2])


def department(matches: KeywordMatches, *, coverage: Coverage) -> Keys:
    """Every department that covers, in the match's fiscal year, one of the
    departments listed on it."""
    at, listed = matches.department_links
    # Each link against every coverage row of its department: rows low..high-1.
    low = np.searchsorted(coverage.covered, listed, side="left")
    per_link = np.searchsorted(coverage.covered, listed, side="right") - low
    link = np.repeat(np.arange(len(at)), per_link)
    row = np.repeat(low - (np.cumsum(per_link) - per_link), per_link) + np.arange(len(link))
    match = at[link]
    counted = matches.rows["fiscal_year"][match] >= coverage.first_fiscal_year[row]
    return unique_pairs(match[counted], coverage.department[row][counted])
