"""The seed a test starts from (on the seeded clone, or written back) is what
loading the fixtures makes, and writing it back takes away whatever a test added."""

from io import StringIO

import pytest
from django.core.management import call_command

from reports.models import AnnualStatus, Correction, StatusSearchDocument
from tests.importers.helpers import plan_contents


def contents() -> dict[str, list[tuple]]:
    """Every table by natural keys (ids and import times left out), with the
    corrections and the search documents."""
    return {
        **plan_contents(),
        "Correction": sorted(
            Correction.objects.values_list(
                "project__number", "field", "fiscal_year", "published", "corrected", "reason"
            )
        ),
        "StatusSearchDocument": sorted(
            StatusSearchDocument.objects.values_list(
                "status__project__number", "status__fiscal_year", "text"
            )
        ),
    }


@pytest.mark.django_db
def test_the_seed_is_what_loading_the_fixtures_makes(seeded, saved_empty):
    written_back = contents()
    assert len(written_back["AnnualStatus"]) == 57

    saved_empty.restore()
    assert AnnualStatus.objects.count() == 0
    call_command("load_fixtures", stdout=StringIO())

    assert contents() == written_back


@pytest.mark.django_db
def test_writing_the_seed_back_takes_away_what_a_test_added(seeded, saved_seed, import_seed_as):
    before = contents()
    import_seed_as("令和元年度実施状況")
    assert AnnualStatus.objects.count() == 2 * 57

    saved_seed.restore()

    assert contents() == before
