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

from reports.corrections import applicable, reading
from reports.models import (
    AnnualStatus,
    Correction,
    SearchBlock,
    SearchPostings,
    StatusDepartment,
    StatusSearchDocument,
)
from reports.search import layout
from reports.search.documents import DOCUMENT_COLUMNS, DocumentTexts, Readings, document_fields
from reports.search.layout import (
    DEPARTMENT_LINK,
    STATUS_COLUMNS,
    IndexedDocument,
    block_postings,
)


@dataclass(frozen=True)
class StatusTexts:
    plan_id: int
    texts: DocumentTexts


def status_document_texts(status_ids: Iterable[int]) -> dict[int, StatusTexts]:
    """Each status's plan and texts, in three queries. A corrected text is
    searched as published and as corrected: both readings are given."""
    ids = list(status_ids)
    departments: dict[int, list[str]] = {}
    for status_id, name in (
        StatusDepartment.objects.filter(status_id__in=ids)
        .order_by("status_id", "position")
        .values_list("status_id", "department__name")
    ):
        departments.setdefault(status_id, []).append(name)
    rows = list(
        AnnualStatus.objects.filter(pk__in=ids)
        .order_by()
        .values_list(
            "pk",
            "project__plan_id",
            "project_id",
            "fiscal_year",
            "project__name",
            "project__content",
            "status_text",
        )
    )
    corrections: dict[int, list[Correction]] = {}
    for correction in Correction.objects.filter(project_id__in={row[2] for row in rows}).order_by(
        "pk"
    ):
        corrections.setdefault(correction.project_id, []).append(correction)

    def readings(text: str, field: str, fiscal_year: int, project_id: int) -> Readings:
        if project_id not in corrections:  # most projects: no reading but the published one
            return text
        found = applicable(corrections[project_id], field, fiscal_year)
        if not found:
            return text
        corrected = reading(text, found)
        return (text, corrected.corrected) if corrected.is_corrected else text

    return {
        pk: StatusTexts(
            plan_id,
            DocumentTexts(
                name=readings(name, Correction.Field.NAME, year, project_id),
                content=readings(content, Correction.Field.CONTENT, year, project_id),
                status=readings(status_text, Correction.Field.STATUS, year, project_id),
                departments=tuple(departments.get(pk, [])),
            ),
        )
        for pk, plan_id, project_id, year, name, content, status_text in rows
    }


BATCH_SIZE = 5000
"""Statuses read and written at a time: bounds the memory of a large import."""


def search_documents_rebuild(*, status_ids: Iterable[int]) -> int:
    """Replace the documents of ``status_ids`` and the index blocks that hold
    them; return how many documents were written.

    Runs in the caller's transaction when there is one (the loader's), and is
    atomic on its own too: a status's document and its postings are never half
    rewritten. A status keeps its position in the index; a new one is appended
    to its plan's last block; one since deleted is taken out."""
    ids = sorted(set(status_ids))
    written = 0
    touched: set[tuple[int, int]] = set()
    next_ordinals: dict[int, int] = {}
    gone: set[int] = set()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH_SIZE):
            written += _rewrite(
                cursor, ids[start : start + BATCH_SIZE], next_ordinals, touched, gone
            )
        if gone:
            touched |= _blocks_listing(cursor, gone)
        if written >= BATCH_SIZE:
            # Statistics of the tables as they now are, before the blocks are
            # read from them: planned from those of much smaller (or empty)
            # tables, the block's join can loop over every row for every row.
            cursor.execute(
                "ANALYZE reports_statussearchdocument, reports_annualstatus,"
                " reports_project, reports_statusdepartment"
            )
        for plan_id, number in sorted(touched):
            search_block_rebuild(cursor, plan_id=plan_id, number=number)
    return written


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


def _next_ordinals(cursor, plan_ids: set[int], next_ordinals: dict[int, int]) -> None:
    """Lock the plans (two imports of one plan append one after the other) and
    read the first free position of each."""
    new = sorted(plan_ids - next_ordinals.keys())
    if not new:
        return
    cursor.execute("SELECT id FROM reports_plan WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [new])
    cursor.execute(
        "SELECT plan_id, max(ordinal) FROM reports_statussearchdocument"
        " WHERE plan_id = ANY(%s) GROUP BY plan_id",
        [new],
    )
    found = dict(cursor.fetchall())
    for plan_id in new:
        next_ordinals[plan_id] = found[plan_id] + 1 if plan_id in found else 0


def _rewrite(
    cursor,
    status_ids: list[int],
    next_ordinals: dict[int, int],
    touched: set[tuple[int, int]],
    gone: set[int],
) -> int:
    texts = status_document_texts(status_ids)
    gone.update(set(status_ids) - texts.keys())
    _next_ordinals(cursor, {t.plan_id for t in texts.values()}, next_ordinals)
    documents = StatusSearchDocument.objects.filter(status_id__in=status_ids)
    ordinals = {}
    for status_id, plan_id, ordinal in documents.values_list("status_id", "plan_id", "ordinal"):
        ordinals[status_id] = ordinal
        # Also the blocks of statuses deleted since: they no longer hold them.
        touched.add((plan_id, ordinal // layout.BLOCK_SIZE))
    documents.delete()
    with cursor.cursor.copy(_copy_sql(StatusSearchDocument, DOCUMENT_COPY_COLUMNS)) as copy:
        for pk, found in texts.items():
            plan_id = found.plan_id
            ordinal = ordinals.get(pk)
            if ordinal is None:
                ordinal = next_ordinals[plan_id]
                next_ordinals[plan_id] += 1
            fields = document_fields(found.texts)
            copy.write_row([pk, plan_id, ordinal, *(fields[c] for c in DOCUMENT_COLUMNS)])
            touched.add((plan_id, ordinal // layout.BLOCK_SIZE))
    return len(texts)


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
    SearchBlock.objects.filter(plan_id=plan_id, number=number).delete()
    SearchPostings.objects.filter(plan_id=plan_id, block=number).delete()
    if not rows:
        return
    statuses = np.zeros(layout.BLOCK_SIZE, dtype=STATUS_COLUMNS)
    for ordinal, _, _, _, _, *columns in rows:
        statuses[ordinal - first] = tuple(columns)
    departments = np.array(
        [(ordinal - first, department) for ordinal, department in links], dtype=DEPARTMENT_LINK
    )
    SearchBlock.objects.create(
        plan_id=plan_id,
        number=number,
        version=secrets.randbits(62),
        format=layout.FORMAT,
        statuses=statuses.tobytes(),
        departments=departments.tobytes(),
    )
    postings = block_postings(
        IndexedDocument(ordinal - first, text, name_end, content_end, status_end)
        for ordinal, text, name_end, content_end, status_end, *_ in rows
    )
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
