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

Each block records the ``FORMAT`` it was written in. A change to anything
stored (these layouts, the documents' folding or joining) raises ``FORMAT``
and comes with a migration that rebuilds the index (as 0005 does); until
then, a block of another format is not read, and ``manage.py check`` says so.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from reports.search.text import SEPARATOR

FORMAT = 2
"""The version of what the index stores, recorded in each block
(``SearchBlock.format``). 2: kana and long vowels folded (``text.normalise``)."""

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
"""What a position of a block stands for; ``status`` 0 where no document is.
Each column's source is in ``reports.search.writer.BLOCK_COLUMNS``."""

DEPARTMENT_LINK = np.dtype([("offset", "<u2"), ("department", "<i4")])
"""A department listed for the status at ``offset``, in published order."""

WEIGHTS = (8, 4, 2, 1)
"""Project name, 事業内容, 実施状況, department names."""


@dataclass(frozen=True)
class IndexedDocument:
    """A search document as the index needs it."""

    offset: int
    """Position in its block."""
    text: str
    name_end: int
    content_end: int
    status_end: int


_CODE_BITS = 21
"""Bits of a Unicode code point."""
_CODE_MASK = (1 << _CODE_BITS) - 1
_PAIR = 1 << 62
"""Marks a pair's key: ``_PAIR | first << 21 | second``; a character's key is its code."""
CHUNK_SIZE = 2048
"""Documents handled at once: bounds the memory of a block's arrays."""


def block_postings(documents: Iterable[IndexedDocument]) -> dict[str, bytes]:
    """Every gram of ``documents`` with its packed postings (``POSTING``), in
    position order. ``documents`` come in position order."""
    parts: dict[str, list[bytes]] = {}
    chunk: list[IndexedDocument] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) == CHUNK_SIZE:
            _add_chunk(parts, chunk)
            chunk = []
    _add_chunk(parts, chunk)
    return {gram: b"".join(found) for gram, found in parts.items()}


def _add_chunk(parts: dict[str, list[bytes]], documents: list[IndexedDocument]) -> None:
    """The postings of ``documents``, computed over all their characters at once.

    Every character and every adjacent pair of characters (none with the
    separator) becomes a key; sorting the keys (stably, so each key's
    occurrences stay in document and position order) groups each gram's
    occurrences per document: the group's first entry is the first occurrence,
    its size the number of occurrences. A doubled character's pair (``ああ``)
    can overlap itself; ``str.count`` counts it without overlaps, so within
    each run of consecutive positions only every other occurrence counts."""
    if not documents:
        return
    texts = [d.text for d in documents]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    # Each text followed by the separator: no pair spans two documents.
    joined = SEPARATOR.join(texts) + SEPARATOR
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.int64)
    document = np.repeat(np.arange(len(texts), dtype=np.int64), lengths + 1)
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    position = np.arange(len(codes), dtype=np.int64) - starts[document]
    is_char = codes != ord(SEPARATOR)
    is_pair = is_char[:-1] & is_char[1:]
    keys = np.concatenate(
        [codes[is_char], (_PAIR | (codes[:-1] << _CODE_BITS) | codes[1:])[is_pair]]
    )
    documents_of = np.concatenate([document[is_char], document[:-1][is_pair]])
    positions = np.concatenate([position[is_char], position[:-1][is_pair]])
    doubled = np.concatenate(
        [np.zeros(np.count_nonzero(is_char), bool), (codes[:-1] == codes[1:])[is_pair]]
    )
    del codes, document, position, is_char, is_pair
    if not len(keys):
        return
    order = np.argsort(keys, kind="stable")
    keys, documents_of, positions, doubled = (
        keys[order],
        documents_of[order],
        positions[order],
        doubled[order],
    )
    del order
    new_group = np.empty(len(keys), dtype=bool)
    new_group[0] = True
    new_group[1:] = (keys[1:] != keys[:-1]) | (documents_of[1:] != documents_of[:-1])
    # Runs of a doubled character: count the 1st, 3rd, 5th… occurrence of each run.
    run_start = new_group.copy()
    run_start[1:] |= positions[1:] != positions[:-1] + 1
    run_first = positions[run_start][np.cumsum(run_start) - 1]
    counted = ~doubled | ((positions - run_first) % 2 == 0)
    group_starts = np.flatnonzero(new_group)
    counts = np.add.reduceat(counted.astype(np.int64), group_starts)
    group_keys = keys[group_starts]
    group_documents = documents_of[group_starts]
    first = positions[group_starts] + 1  # strpos: from 1
    ends = np.array(
        [(d.offset, d.name_end, d.content_end, d.status_end) for d in documents], dtype=np.int64
    )[group_documents]
    postings = np.empty(len(group_starts), dtype=POSTING)
    postings["offset"] = ends[:, 0]
    postings["count"] = np.minimum(counts, np.iinfo(np.uint16).max)
    postings["weight"] = np.select(
        [first <= ends[:, 1], first <= ends[:, 2], first <= ends[:, 3]],
        WEIGHTS[:3],
        default=WEIGHTS[3],
    )
    packed, size = postings.tobytes(), POSTING.itemsize
    gram_starts = np.flatnonzero(np.r_[True, group_keys[1:] != group_keys[:-1]])
    gram_stops = np.r_[gram_starts[1:], len(group_keys)]
    for start, stop, key in zip(
        gram_starts.tolist(), gram_stops.tolist(), group_keys[gram_starts].tolist(), strict=True
    ):
        gram = (
            chr((key >> _CODE_BITS) & _CODE_MASK) + chr(key & _CODE_MASK)
            if key & _PAIR
            else chr(key)
        )
        parts.setdefault(gram, []).append(packed[start * size : stop * size])
