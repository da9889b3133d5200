"""The search index's writer takes shortcuts for speed: blocks built from the
documents it has just written rather than read back, and the loader's
statuses handed over rather than read back. Each gives exactly what the plain
way gives."""

import pytest
from django.db import connection

from reports.models import AnnualStatus, SearchBlock, SearchPostings, StatusSearchDocument
from reports.search import layout
from reports.search.writer import search_block_rebuild, search_documents_rebuild


def index_rows() -> tuple[list, list, list]:
    """Every document, block (but its random version) and postings row."""
    documents = list(
        StatusSearchDocument.objects.order_by("status_id").values_list(
            "status_id",
            "plan_id",
            "ordinal",
            "text",
            "length",
            "name_end",
            "content_end",
            "status_end",
        )
    )
    blocks = [
        (plan_id, number, fmt, bytes(statuses), bytes(departments))
        for plan_id, number, fmt, statuses, departments in SearchBlock.objects.order_by(
            "plan_id", "number"
        ).values_list("plan_id", "number", "format", "statuses", "departments")
    ]
    postings = [
        (plan_id, block, gram, bytes(packed))
        for plan_id, block, gram, packed in SearchPostings.objects.order_by(
            "plan_id", "block", "gram"
        ).values_list("plan_id", "block", "gram", "postings")
    ]
    return documents, blocks, postings


def blocks_read_back() -> None:
    """Every block rewritten from the documents in the database."""
    with connection.cursor() as cursor:
        for plan_id, number in SearchBlock.objects.values_list("plan_id", "number"):
            search_block_rebuild(cursor, plan_id=plan_id, number=number)


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 16 documents: the seed's 57 fill three and start a fourth."""
    monkeypatch.setattr(layout, "BLOCK_SIZE", 16)


@pytest.mark.django_db
def test_blocks_built_in_memory_are_those_read_back(seeded, small_blocks):
    search_documents_rebuild(status_ids=AnnualStatus.objects.values_list("pk", flat=True))
    built = index_rows()
    assert len(built[0]) == 57 and len(built[1]) == 4
    blocks_read_back()
    assert index_rows() == built


@pytest.mark.django_db
def test_an_import_indexes_as_a_rebuild_from_the_database_does(
    seeded, small_blocks, import_seed_as
):
    """The loader hands its statuses over; a later year's import appends to a
    block that already holds the first year's documents (read back) and fills
    new ones (built in memory)."""
    StatusSearchDocument.objects.all().delete()
    SearchBlock.objects.all().delete()
    SearchPostings.objects.all().delete()
    search_documents_rebuild(status_ids=AnnualStatus.objects.values_list("pk", flat=True))
    import_seed_as("平成30年度実施状況", {"相談": "相談支援"})
    imported = index_rows()
    assert len(imported[0]) == 114 and len(imported[1]) == 8
    blocks_read_back()
    assert index_rows() == imported
    StatusSearchDocument.objects.all().delete()
    SearchBlock.objects.all().delete()
    SearchPostings.objects.all().delete()
    search_documents_rebuild(
        status_ids=AnnualStatus.objects.order_by("pk").values_list("pk", flat=True)
    )
    assert index_rows() == imported
