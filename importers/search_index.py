"""Writes the search documents (``StatusSearchDocument``) of given statuses.

Called by the loader inside its transaction, after statuses and their
department links are written, so a document never describes an old text.
"""

from collections.abc import Iterable

from django.db import connection

from reports.corrections import reading
from reports.models import AnnualStatus, Correction, StatusDepartment, StatusSearchDocument
from reports.search import SEPARATOR, DocumentTexts, document_fields

COLUMNS = ["name_text", "content_text", "status_text", "departments_text", "text", "grams"]


def status_document_texts(status_ids: Iterable[int]) -> dict[int, DocumentTexts]:
    """Each status's texts, in three queries. A corrected text is searched as
    published and as corrected: the two readings joined by ``SEPARATOR``."""
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

    def both(text: str, field: str, fiscal_year: int, project_id: int) -> str:
        found = [
            c
            for c in corrections.get(project_id, ())
            if c.field == field
            and (field != Correction.Field.STATUS or c.fiscal_year == fiscal_year)
        ]
        corrected = reading(text, found)
        # A line break inside a text is folded to a space by the search anyway;
        # SEPARATOR then only ever stands between the two readings.
        readings = [text, corrected.corrected] if corrected.is_corrected else [text]
        return SEPARATOR.join(t.replace(SEPARATOR, " ") for t in readings)

    return {
        pk: DocumentTexts(
            name=both(name, Correction.Field.NAME, year, project_id),
            content=both(content, Correction.Field.CONTENT, year, project_id),
            status=both(status_text, Correction.Field.STATUS, year, project_id),
            departments=tuple(departments.get(pk, [])),
        )
        for pk, project_id, year, name, content, status_text in rows
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
