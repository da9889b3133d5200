"""Writes the search documents (``StatusSearchDocument``) of given statuses
and the blocks of the search index that hold them (``SearchBlock``,
``SearchPostings``; layout in ``reports.search.layout``).

Called by the loader inside its transaction, after statuses and their
department links are written, so a document never describes an old text.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import Model

from reports.bulk import foreign_keys_checked_meanwhile
from reports.corrections import CorrectionBook
from reports.models import (
    AnnualStatus,
    Correction,
    SearchBlock,
    SearchPostings,
    StatusSearchDocument,
)
from reports.search import layout
from reports.search.documents import (
    DOCUMENT_COLUMNS,
    DocumentFields,
    DocumentTexts,
    Readings,
    folded_document,
)
from reports.search.layout import (
    DEPARTMENT_LINK,
    STATUS_COLUMNS,
    IndexedDocument,
    block_postings,
)


@dataclass(frozen=True)
class StatusSource:
    """What a status's search document and its place in a block are made of:
    its texts as published, and the block's columns (``BLOCK_COLUMNS``) but
    the document's length. The loader hands these for the statuses it has
    just written (``index(..., sources=…)``); the others are read here."""

    status_id: int
    plan_id: int
    project_id: int
    fiscal_year: int
    project_number: int
    goal_id: int
    direction_id: int
    name: str
    content: str
    status_text: str
    departments: tuple[tuple[int, str], ...]
    """Each listed department's id and name, in published order."""


_STATUS_SOURCES = """
SELECT s.id, p.plan_id, p.id, s.fiscal_year, p.number, pd.goal_id, p.direction_id,
       p.name, p.content, s.status_text
FROM reports_annualstatus s
JOIN reports_project p ON p.id = s.project_id
JOIN reports_policydirection pd ON pd.id = p.direction_id
WHERE s.id = ANY(%s)
"""

_STATUS_DEPARTMENTS = """
SELECT sd.status_id, sd.department_id, d.name
FROM reports_statusdepartment sd
JOIN reports_department d ON d.id = sd.department_id
WHERE sd.status_id = ANY(%s)
ORDER BY sd.status_id, sd.position
"""


def status_sources(cursor, status_ids: list[int]) -> dict[int, StatusSource]:
    """The sources of the statuses of ``status_ids`` that exist, in two queries
    (each with one array parameter, however many statuses)."""
    departments: dict[int, list[tuple[int, str]]] = {}
    cursor.execute(_STATUS_DEPARTMENTS, [status_ids])
    for status_id, department_id, name in cursor.fetchall():
        departments.setdefault(status_id, []).append((department_id, name))
    cursor.execute(_STATUS_SOURCES, [status_ids])
    return {
        row[0]: StatusSource(*row, departments=tuple(departments.get(row[0], ())))
        for row in cursor.fetchall()
    }


class _Corrections:
    """The corrections of each plan's projects, read once per plan: a corrected
    text is searched as published and as corrected, both readings are given."""

    def __init__(self) -> None:
        self.by_plan: dict[int, CorrectionBook] = {}

    def read(self, plan_id: int) -> None:
        """Read the plan's corrections now, if they are not read yet."""
        if plan_id not in self.by_plan:
            found = Correction.objects.filter(project__plan_id=plan_id).order_by("pk")
            self.by_plan[plan_id] = CorrectionBook(found)

    def texts(self, source: StatusSource) -> DocumentTexts:
        self.read(source.plan_id)
        book = self.by_plan[source.plan_id]

        def readings(text: str, field: str) -> Readings:
            found = book.reading(source.project_id, field, text, source.fiscal_year)
            return (text, found.corrected) if found is not None and found.is_corrected else text

        return DocumentTexts(
            name=readings(source.name, Correction.Field.NAME),
            content=readings(source.content, Correction.Field.CONTENT),
            status=readings(source.status_text, Correction.Field.STATUS),
            departments=tuple(name for _, name in source.departments),
        )


def search_documents_rebuild(
    *, status_ids: Iterable[int], sources: Iterable[StatusSource] = ()
) -> int:
    """Replace the documents of ``status_ids`` (and of ``sources``) and the
    index blocks that hold them; return how many documents were written.

    ``sources`` are statuses as their writer has them in memory, so that they
    need not be read back; every other status is read from the database.
    Runs in the caller's transaction when there is one (the loader's), and is
    atomic on its own too: a status's document and its postings are never half
    rewritten. A status keeps its position in the index; a new one is appended
    to its plan's last block; one since deleted is taken out.

    The documents are written block by block, and a block whose documents are
    all among those just written is built from them as they are in memory;
    only a block that also holds other documents is read back."""
    known = {source.status_id: source for source in sources}
    ids = sorted(set(status_ids) | known.keys())
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        blocks, touched = _place(cursor, ids, known)
        corrections = _Corrections()
        for plan_id in {source.plan_id for source in known.values()}:
            corrections.read(plan_id)
        # Folding the statuses just written is the writer's longest work in
        # Python and needs no database: the server checks the keys of the rows
        # written before it meanwhile, instead of at commit.
        with foreign_keys_checked_meanwhile():
            folded = {
                status_id: folded_document(corrections.texts(source))
                for status_id, source in known.items()
            }
        analysed = False
        for (plan_id, number), placed in sorted(blocks.items()):
            written += len(placed)
            if not _write_block(cursor, plan_id, number, placed, known, folded, corrections):
                analysed = analysed or _analyse_before_reading(cursor, len(ids))
                search_block_rebuild(cursor, plan_id=plan_id, number=number)
        for plan_id, number in sorted(touched - blocks.keys()):
            analysed = analysed or _analyse_before_reading(cursor, len(ids))
            search_block_rebuild(cursor, plan_id=plan_id, number=number)
    return written


def _analyse_before_reading(cursor, statuses: int) -> bool:
    """Before a large rewrite reads blocks back, statistics of the tables as
    they now are: planned from those of much smaller (or empty) tables, the
    block's join can loop over every row for every row. Whether it analysed."""
    if statuses < BATCH_SIZE:
        return False
    cursor.execute(
        "ANALYZE reports_statussearchdocument, reports_annualstatus,"
        " reports_project, reports_statusdepartment"
    )
    return True


BATCH_SIZE = 5000
"""A rewrite of at least this many statuses refreshes the planner's
statistics before it reads any block back."""

Placed = list[tuple[int, int, bool]]
"""A block's statuses to write: (status id, ordinal, whether it has a document now)."""


def _place(
    cursor, ids: list[int], known: dict[int, StatusSource]
) -> tuple[dict[tuple[int, int], Placed], set[tuple[int, int]]]:
    """Where each status's document goes, by block: its present ordinal, or
    the next free one of its plan; and the blocks that held documents of
    statuses since deleted (their documents are deleted here)."""
    plans = {status_id: source.plan_id for status_id, source in known.items()}
    unknown = [status_id for status_id in ids if status_id not in known]
    if unknown:
        cursor.execute(
            "SELECT s.id, p.plan_id FROM reports_annualstatus s"
            " JOIN reports_project p ON p.id = s.project_id WHERE s.id = ANY(%s)",
            [unknown],
        )
        plans.update(cursor.fetchall())
    # The plans are locked before their documents are read: a rewrite of the
    # same statuses committed meanwhile is seen, not written a second time.
    next_ordinals = _next_ordinals(cursor, set(plans.values()))
    cursor.execute(
        "SELECT status_id, plan_id, ordinal FROM reports_statussearchdocument"
        " WHERE status_id = ANY(%s)",
        [ids],
    )
    documents = {status_id: (plan_id, ordinal) for status_id, plan_id, ordinal in cursor}
    size = layout.BLOCK_SIZE
    touched: set[tuple[int, int]] = set()
    gone = [status_id for status_id in ids if status_id not in plans]
    if gone:
        # Deleted statuses took their documents with them; any left are taken
        # out here, and the blocks that still list them are rewritten.
        cursor.execute(
            "DELETE FROM reports_statussearchdocument WHERE status_id = ANY(%s)"
            " RETURNING plan_id, ordinal",
            [gone],
        )
        touched = {(plan_id, ordinal // size) for plan_id, ordinal in cursor.fetchall()}
        touched |= _blocks_listing(cursor, set(gone))
    blocks: dict[tuple[int, int], Placed] = {}
    for status_id in ids:
        plan_id = plans.get(status_id)
        if plan_id is None:
            continue
        document = documents.get(status_id)
        if document is None:
            ordinal = next_ordinals[plan_id]
            next_ordinals[plan_id] += 1
        else:
            plan_id, ordinal = document
        blocks.setdefault((plan_id, ordinal // size), []).append(
            (status_id, ordinal, document is not None)
        )
    return blocks, touched


def _write_block(
    cursor,
    plan_id: int,
    number: int,
    placed: Placed,
    known: dict[int, StatusSource],
    folded: dict[int, DocumentFields],
    corrections: _Corrections,
) -> bool:
    """Write the documents ``placed`` in one block and, when they are all the
    block holds, the block itself from them; whether it did the block."""
    unknown = [status_id for status_id, _, _ in placed if status_id not in known]
    sources = status_sources(cursor, unknown) if unknown else {}
    rewritten = [status_id for status_id, _, present in placed if present]
    if rewritten:
        cursor.execute(
            "DELETE FROM reports_statussearchdocument WHERE status_id = ANY(%s)", [rewritten]
        )
    first = number * layout.BLOCK_SIZE
    statuses = np.zeros(layout.BLOCK_SIZE, dtype=STATUS_COLUMNS)
    documents: list[IndexedDocument] = []
    departments: list[tuple[int, int]] = []
    rows: list[list[object]] = []
    # Made before the COPY starts: the corrections are read on the same connection.
    placed = sorted(placed, key=lambda entry: entry[1])
    block_sources = [known.get(status_id) or sources[status_id] for status_id, _, _ in placed]
    # Taken out of ``folded`` as they are used: a large import's texts are
    # then held twice (as read and as folded) only until their block is written.
    block_fields = [
        folded.pop(source.status_id, None) or folded_document(corrections.texts(source))
        for source in block_sources
    ]
    for (status_id, ordinal, _), source, fields in zip(
        placed, block_sources, block_fields, strict=True
    ):
        rows.append([status_id, plan_id, ordinal, *fields])
        offset = ordinal - first
        statuses[offset] = (
            status_id,
            source.fiscal_year,
            source.project_number,
            source.goal_id,
            source.direction_id,
            fields.length,
        )
        departments.extend((offset, department) for department, _ in source.departments)
        documents.append(
            IndexedDocument(
                offset,
                fields.text,
                fields.name_end,
                fields.content_end,
                fields.status_end,
            )
        )
    with cursor.cursor.copy(_copy_sql(StatusSearchDocument, DOCUMENT_COPY_COLUMNS)) as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(
        "SELECT count(*) FROM reports_statussearchdocument"
        " WHERE plan_id = %s AND ordinal >= %s AND ordinal < %s",
        [plan_id, first, first + layout.BLOCK_SIZE],
    )
    if cursor.fetchone()[0] != len(documents):
        return False
    _store_block(
        cursor,
        plan_id,
        number,
        statuses,
        np.array(departments, dtype=DEPARTMENT_LINK),
        documents,
    )
    return True


def search_documents_remove(*, status_ids: Iterable[int]) -> None:
    """Take statuses out of the index: delete their documents and rewrite the
    blocks that held them.

    In the caller's transaction, before or after the statuses are deleted: a
    status deleted first took its document with it (the cascade), and the
    blocks that still list it are then found from their own columns."""
    ids = sorted(set(status_ids))
    with transaction.atomic(), connection.cursor() as cursor:
        documents = StatusSearchDocument.objects.filter(status_id__in=ids)
        found = list(documents.values_list("status_id", "plan_id", "ordinal"))
        touched = {(plan_id, ordinal // layout.BLOCK_SIZE) for _, plan_id, ordinal in found}
        gone = set(ids) - {status_id for status_id, _, _ in found}
        if gone:
            touched |= _blocks_listing(cursor, gone)
        documents.delete()
        for plan_id, number in sorted(touched):
            search_block_rebuild(cursor, plan_id=plan_id, number=number)


def _blocks_listing(cursor, status_ids: set[int]) -> set[tuple[int, int]]:
    """The blocks whose columns list one of ``status_ids``. Reads every block's
    columns (about 22 bytes a status): only a deletion or a repair needs it."""
    wanted = np.fromiter(status_ids, dtype=np.int64, count=len(status_ids))
    cursor.execute("SELECT plan_id, number, statuses FROM reports_searchblock")
    return {
        (plan_id, number)
        for plan_id, number, packed in cursor.fetchall()
        if np.isin(np.frombuffer(packed, dtype=STATUS_COLUMNS)["status"], wanted).any()
    }


def search_documents_repair() -> int:
    """Write the documents of statuses that have none (after the index's
    tables were recreated by a migration) and of those in blocks of another
    format (``layout.FORMAT``), and rewrite the blocks that still list a status
    deleted without ``search_documents_remove``; return how many documents
    were written."""
    missing = AnnualStatus.objects.filter(search_document__isnull=True).values_list("pk", flat=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.status_id FROM reports_statussearchdocument d"
            " JOIN reports_searchblock b ON b.plan_id = d.plan_id AND b.number = d.ordinal / %s"
            " WHERE b.format <> %s",
            [layout.BLOCK_SIZE, layout.FORMAT],
        )
        stale = [status_id for (status_id,) in cursor.fetchall()]
    written = search_documents_rebuild(status_ids=[*missing, *stale])
    with transaction.atomic(), connection.cursor() as cursor:
        for plan_id, number in sorted(_blocks_out_of_step(cursor)):
            search_block_rebuild(cursor, plan_id=plan_id, number=number)
    return written


def _blocks_out_of_step(cursor) -> set[tuple[int, int]]:
    """The blocks whose columns do not list exactly the statuses of their
    documents (a status deleted without ``search_documents_remove``), and the
    blocks missing for documents that have one."""
    size = layout.BLOCK_SIZE
    cursor.execute(
        "SELECT plan_id, ordinal / %s, array_agg(ordinal %% %s ORDER BY ordinal),"
        " array_agg(status_id ORDER BY ordinal)"
        " FROM reports_statussearchdocument GROUP BY 1, 2",
        [size, size],
    )
    documents = {(plan_id, number): (offsets, ids) for plan_id, number, offsets, ids in cursor}
    cursor.execute("SELECT plan_id, number, statuses FROM reports_searchblock")
    listed = {}
    for plan_id, number, packed in cursor.fetchall():
        statuses = np.frombuffer(packed, dtype=STATUS_COLUMNS)["status"]
        offsets = np.flatnonzero(statuses)
        listed[(plan_id, number)] = (offsets.tolist(), statuses[offsets].tolist())
    return {
        block
        for block in documents.keys() | listed.keys()
        if documents.get(block) != listed.get(block)
    }


def _next_ordinals(cursor, plan_ids: set[int]) -> dict[int, int]:
    """Lock the plans (two imports of one plan append one after the other) and
    read the first free position of each."""
    plans = sorted(plan_ids)
    if not plans:
        return {}
    cursor.execute("SELECT id FROM reports_plan WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [plans])
    cursor.execute(
        "SELECT plan_id, max(ordinal) FROM reports_statussearchdocument"
        " WHERE plan_id = ANY(%s) GROUP BY plan_id",
        [plans],
    )
    found = dict(cursor.fetchall())
    return {plan_id: found[plan_id] + 1 if plan_id in found else 0 for plan_id in plans}


DOCUMENT_COPY_COLUMNS = ("plan_id", "ordinal", *DOCUMENT_COLUMNS)

BLOCK_COLUMNS = {
    "status": "d.status_id",
    "fiscal_year": "s.fiscal_year",
    "project_number": "p.number",
    "goal": "pd.goal_id",
    "direction": "p.direction_id",
    "length": "d.length",
}
"""Where each of a block's columns (``layout.STATUS_COLUMNS``) comes from."""
assert tuple(BLOCK_COLUMNS) == STATUS_COLUMNS.names

_BLOCK_DOCUMENTS = f"""
SELECT d.ordinal, d.text, d.name_end, d.content_end, d.status_end, {", ".join(BLOCK_COLUMNS.values())}
FROM reports_statussearchdocument d
JOIN reports_annualstatus s ON s.id = d.status_id
JOIN reports_project p ON p.id = s.project_id
JOIN reports_policydirection pd ON pd.id = p.direction_id
WHERE d.plan_id = %s AND d.ordinal >= %s AND d.ordinal < %s
ORDER BY d.ordinal
"""

_BLOCK_DEPARTMENTS = """
SELECT d.ordinal, sd.department_id
FROM reports_statussearchdocument d
JOIN reports_statusdepartment sd ON sd.status_id = d.status_id
WHERE d.plan_id = %s AND d.ordinal >= %s AND d.ordinal < %s
ORDER BY d.ordinal, sd.position
"""


def search_block_rebuild(cursor, *, plan_id: int, number: int) -> None:
    """Rewrite one block of a plan's index from the documents now in it."""
    first = number * layout.BLOCK_SIZE
    bounds = [plan_id, first, first + layout.BLOCK_SIZE]
    cursor.execute(_BLOCK_DOCUMENTS, bounds)
    rows = cursor.fetchall()
    cursor.execute(_BLOCK_DEPARTMENTS, bounds)
    links = cursor.fetchall()
    if not rows:
        _delete_block(plan_id, number)
        return
    statuses = np.zeros(layout.BLOCK_SIZE, dtype=STATUS_COLUMNS)
    for ordinal, _, _, _, _, *columns in rows:
        statuses[ordinal - first] = tuple(columns)
    departments = np.array(
        [(ordinal - first, department) for ordinal, department in links], dtype=DEPARTMENT_LINK
    )
    documents = [
        IndexedDocument(ordinal - first, text, name_end, content_end, status_end)
        for ordinal, text, name_end, content_end, status_end, *_ in rows
    ]
    _store_block(cursor, plan_id, number, statuses, departments, documents)


def _delete_block(plan_id: int, number: int) -> None:
    SearchBlock.objects.filter(plan_id=plan_id, number=number).delete()
    SearchPostings.objects.filter(plan_id=plan_id, block=number).delete()


def _store_block(
    cursor,
    plan_id: int,
    number: int,
    statuses: np.ndarray,
    departments: np.ndarray,
    documents: list[IndexedDocument],
) -> None:
    """Replace a block: its columns, and the postings of ``documents`` (in
    position order)."""
    _delete_block(plan_id, number)
    SearchBlock.objects.create(
        plan_id=plan_id,
        number=number,
        version=secrets.randbits(62),
        format=layout.FORMAT,
        statuses=statuses.tobytes(),
        departments=departments.tobytes(),
    )
    postings = block_postings(documents)
    with cursor.cursor.copy(
        "COPY reports_searchpostings (plan_id, block, gram, postings) FROM STDIN (FORMAT BINARY)"
    ) as copy:
        # Binary: the packed postings go as they are, not spelled out in hex.
        copy.set_types(["bigint", "integer", "text", "bytea"])
        for gram, packed in postings.items():
            copy.write_row((plan_id, number, gram, packed))


def _copy_sql(model: type[Model], columns: Iterable[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in ["status_id", *columns])
    return f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
