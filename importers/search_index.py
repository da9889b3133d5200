"""Writes the search documents (``StatusSearchDocument``) of given statuses.

Called by the loader inside its transaction, after statuses and their
department links are written, so a document never describes an old text.
"""

from collections.abc import Iterable

from django.db import connection

from reports.models import AnnualStatus, StatusDepartment, StatusSearchDocument
from reports.search import DocumentTexts, document_fields

COLUMNS = ["name_text", "content_text", "status_text", "departments_text", "text", "grams"]


def status_document_texts(status_ids: Iterable[int]) -> dict[int, DocumentTexts]:
    """Each status's texts, in two queries."""
    ids = list(status_ids)
    departments: dict[int, list[str]] = {}
    for status_id, name in (
        StatusDepartment.objects.filter(status_id__in=ids)
        .order_by("status_id", "position")
        .values_list("status_id", "department__name")
    ):
        departments.setdefault(status_id, []).append(name)
    return {
        pk: DocumentTexts(
            name=name,
            content=content,
            status=status_text,
            departments=tuple(departments.get(pk, [])),
        )
        for pk, name, content, status_text in AnnualStatus.objects.filter(pk__in=ids)
        .order_by()
        .values_list("pk", "project__name", "project__content", "status_text")
    }


def search_documents_rebuild(*, status_ids: Iterable[int]) -> int:
    """Replace the documents of ``status_ids``; return how many were written."""
    texts = status_document_texts(status_ids)
    StatusSearchDocument.objects.filter(status_id__in=list(texts)).delete()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ["status_id", *COLUMNS])
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {quote(StatusSearchDocument._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        for pk, document in texts.items():
            fields = document_fields(document)
            copy.write_row([pk, *(fields[c] for c in COLUMNS)])
    return len(texts)
