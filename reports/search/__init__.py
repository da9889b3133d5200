"""Keyword search over the statuses: one package, and what the rest of the site uses of it.

- ``text``: folding (``normalise``), grams and query parsing (``parse_query``);
- ``documents``: a status's search document (its texts folded and joined);
- ``layout``: the index's stored layout, and how a block of it is built;
- ``writer``: writes the documents and blocks of given statuses;
- ``engine``: answers a query from the index;
- ``snippets``: HTML snippets with the matches marked.
"""

from reports.search.snippets import highlight, highlight_snippets
from reports.search.text import QueryError, SearchQuery, normalise, parse_query

__all__ = [
    "QueryError",
    "SearchQuery",
    "highlight",
    "highlight_snippets",
    "normalise",
    "parse_query",
]
