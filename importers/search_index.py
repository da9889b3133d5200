"""Writes the search documents (``StatusSearchDocument``) of given statuses.

Called by the loader inside its transaction, after statuses and their
department links are written, so a document never describes an old text.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Model

from reports.corrections import applicable, reading
from reports.models import (
    AnnualStatus,
    Correction,
    StatusDepartment,
    StatusSearchDocument,
    StatusSearchGrams,
)
from reports.search import DOCUMENT_COLUMNS, DocumentTexts, Readings, document_fields

INDEX_NAME = "status_search_grams"
PENDING_LIST_LIMIT_KB = 256 * 1024
"""The GIN index gathers new entries in a pending list and merges them in one
pass (``gin_clean_pending_list``) before the transaction ends: many times
faster than inserting each document's entries into the index one by one."""


def status_document_texts(status_ids: Iterable[int]) -> dict[int, DocumentTexts]:
    """Each status's texts, in three queries. A corrected text is searched as
    published and as corrected: both readings are given."""
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
            "pk", "project_id", "fiscal_year", "project__name", "project__content", "status_text"
        )
    )
    corrections: dict[int, list[Correction]] = {}
    for correction in Correction.objects.filter(project_id__in={row[1] for row in rows}).order_by(
        "pk"
    ):
        corrections.setdefault(correction.project_id, []).append(correction)

    def readings(text: str, field: str, fiscal_year: int, project_id: int) -> Readings:
        found = applicable(corrections.get(project_id, ()), field, fiscal_year)
        if not found:
            return text
        corrected = reading(text, found)
        return (text, corrected.corrected) if corrected.is_corrected else text

    return {
        pk: DocumentTexts(
            name=readings(name, Correction.Field.NAME, year, project_id),
            content=readings(content, Correction.Field.CONTENT, year, project_id),
            status=readings(status_text, Correction.Field.STATUS, year, project_id),
            departments=tuple(departments.get(pk, [])),
        )
        for pk, project_id, year, name, content, status_text in rows
    }


def array_literal(items: list[str]) -> str:
    """A PostgreSQL array literal of ``items``, each quoted: COPY takes it as text."""
    flat = "".join(items)
    if '"' not in flat and "\\" not in flat:
        return '{"' + '","'.join(items) + '"}' if items else "{}"
    quoted = (item.replace("\\", "\\\\").replace('"', '\\"') for item in items)
    return "{" + ",".join(f'"{item}"' for item in quoted) + "}"


BATCH_SIZE = 5000
"""Statuses read and written at a time: bounds the memory of a large import."""


def search_documents_rebuild(*, status_ids: Iterable[int]) -> int:
    """Replace the documents and grams of ``status_ids``; return how many were written.

    Runs in the caller's transaction when there is one (the loader's); the
    index's pending list is merged before returning, so searches right after
    see an index without a backlog."""
    ids = list(status_ids)
    written = 0
    # Atomic on its own too: the documents of a status are never half rewritten,
    # and ``SET LOCAL`` needs a transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL gin_pending_list_limit = {PENDING_LIST_LIMIT_KB}")
        for start in range(0, len(ids), BATCH_SIZE):
            written += _rewrite(cursor, ids[start : start + BATCH_SIZE])
        if written:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [INDEX_NAME])
        cursor.execute("RESET gin_pending_list_limit")
    return written


def _rewrite(cursor, status_ids: list[int]) -> int:
    texts = status_document_texts(status_ids)
    StatusSearchDocument.objects.filter(status_id__in=status_ids).delete()
    StatusSearchGrams.objects.filter(status_id__in=status_ids).delete()
    documents: list[list[object]] = []
    with cursor.cursor.copy(_copy_sql(StatusSearchGrams, ["grams"])) as copy:
        for pk, document in texts.items():
            fields = document_fields(document)
            copy.write_row([pk, array_literal(fields["grams"])])
            documents.append([pk, *(fields[c] for c in DOCUMENT_COLUMNS)])
    with cursor.cursor.copy(_copy_sql(StatusSearchDocument, DOCUMENT_COLUMNS)) as copy:
        for row in documents:
            copy.write_row(row)
    return len(texts)


def _copy_sql(model: type[Model], columns: Iterable[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in ["status_id", *columns])
    return f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
