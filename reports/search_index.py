"""The search index's layout and how a block of it is built: pure, no database.

A plan's search documents are numbered (``StatusSearchDocument.ordinal``) and
cut into blocks of ``BLOCK_SIZE``. For every gram (a character, or a pair of
adjacent characters, of the folded text) a block has one row of postings: for
each document that holds the gram, its position in the block, how many times
the gram occurs in it (as ``str.count`` counts) and the weight of the heaviest
field holding it. A block's columns say what each position stands for (status,
year, project number, goal, direction, length and departments), so that
counts, facets and the order of results need no other read.

Why blocks: an import rewrites only the blocks of the documents it changed
(a new year's documents are appended, so usually one or two), and a gram's
postings for a whole plan are one indexed read of a row per block.
"""

import operator
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from reports.search import SEPARATOR

BLOCK_SIZE = 8192
"""Documents per block; at most 65,536 (positions are two bytes)."""

POSTING = np.dtype([("offset", "<u2"), ("count", "<u2"), ("weight", "u1")])
"""One document's entry in a gram's postings. ``count`` stops at 65,535."""

STATUS_COLUMNS = np.dtype(
    [
        ("status", "<i4"),
        ("fiscal_year", "<i2"),
        ("project_number", "<i4"),
        ("goal", "<i4"),
        ("direction", "<i4"),
        ("length", "<i4"),
    ]
)
"""What a position of a block stands for; ``status`` 0 where no document is."""

DEPARTMENT_LINK = np.dtype([("offset", "<u2"), ("department", "<i4")])
"""A department listed for the status at ``offset``, in published order."""

WEIGHTS = (8, 4, 2, 1)
"""Project name, 事業内容, 実施状況, department names."""

_DOUBLED = re.compile(r"(.)\1", re.DOTALL)


@dataclass(frozen=True)
class IndexedDocument:
    """A search document as the index needs it."""

    offset: int
    """Position in its block."""
    text: str
    name_end: int
    content_end: int
    status_end: int


def _document_grams(text: str) -> tuple[dict[str, int], Counter]:
    """Each gram of ``text`` with the index of its first occurrence, and how many
    times it occurs without overlapping (``str.count``)."""
    # zip over the reversed text: a later (smaller) index overwrites a larger one.
    first = dict(zip(reversed(text), range(len(text) - 1, -1, -1), strict=True))
    counts = Counter(text)
    pairs = list(map(operator.add, text, text[1:]))
    first.update(zip(reversed(pairs), range(len(pairs) - 1, -1, -1), strict=True))
    counts.update(pairs)
    # Counter counts overlapping pairs; only a doubled character can overlap itself.
    for char in set(_DOUBLED.findall(text)):
        counts[char + char] = text.count(char + char)
    if SEPARATOR in first:
        position = text.find(SEPARATOR)
        while position >= 0:
            first.pop(text[position - 1 : position + 1], None)
            first.pop(text[position : position + 2], None)
            position = text.find(SEPARATOR, position + 1)
        first.pop(SEPARATOR, None)
    return first, counts


def block_postings(documents: Iterable[IndexedDocument]) -> dict[str, bytes]:
    """Every gram of ``documents`` with its packed postings (``POSTING``), in
    position order."""
    grams: list[str] = []
    counts: list[int] = []
    firsts: list[int] = []
    per_document: list[tuple[int, int, int, int, int]] = []
    for document in documents:
        first, counted = _document_grams(document.text)
        grams.extend(first)
        counts.extend(map(counted.__getitem__, first))
        firsts.extend(first.values())
        per_document.append(
            (
                len(first),
                document.offset,
                document.name_end,
                document.content_end,
                document.status_end,
            )
        )
    if not grams:
        return {}
    columns = np.array(per_document, dtype=np.int64)
    repeats = columns[:, 0]
    offsets = np.repeat(columns[:, 1], repeats)
    name_end, content_end, status_end = (np.repeat(columns[:, i], repeats) for i in (2, 3, 4))
    ids: defaultdict[str, int] = defaultdict()
    ids.default_factory = ids.__len__  # a new gram gets the next number
    gram_ids = np.fromiter(map(ids.__getitem__, grams), dtype=np.int64, count=len(grams))
    position = np.fromiter(firsts, dtype=np.int64, count=len(firsts)) + 1  # strpos: from 1
    weight = np.select(
        [position <= name_end, position <= content_end, position <= status_end],
        WEIGHTS[:3],
        default=WEIGHTS[3],
    )
    postings = np.empty(len(grams), dtype=POSTING)
    postings["offset"] = offsets
    postings["count"] = np.minimum(
        np.fromiter(counts, dtype=np.int64, count=len(counts)), np.iinfo(np.uint16).max
    )
    postings["weight"] = weight
    order = np.lexsort((postings["offset"], gram_ids))
    postings = postings[order]
    sorted_ids = gram_ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    stops = np.r_[starts[1:], len(sorted_ids)]
    names = list(ids)
    return {
        names[sorted_ids[start]]: postings[start:stop].tobytes()
        for start, stop in zip(starts.tolist(), stops.tolist(), strict=True)
    }
