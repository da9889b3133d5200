"""The one COPY helper: rows go in as given, in text or binary form, inside the caller's transaction."""

import pytest
from django.db import transaction

from reports.bulk import copy_rows, copy_statement
from reports.models import Department, ImportRun, Municipality, Plan

AWKWARD_TEXTS = ["改行\nと\tタブ", "バック\\スラッシュ", "\\N", "'=SUM(A1)", ""]
PLAN_FIELDS = ["slug", "title", "municipality", "aim", "first_fiscal_year"]


@pytest.mark.django_db
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_rows_are_written_exactly_as_given(binary):
    city = Municipality.objects.create(name="さいたま市", slug="saitama-city").pk
    rows = [
        (f"plan-{index}", text, city, text[::-1], index + 2016 if index % 2 else None)
        for index, text in enumerate(AWKWARD_TEXTS)
    ]

    written = copy_rows(Plan, PLAN_FIELDS, iter(rows), binary=binary)

    assert written == len(rows)
    assert list(Plan.objects.order_by("slug").values_list(*PLAN_FIELDS)) == rows


def test_a_foreign_key_is_named_by_its_field_or_its_column():
    expected = 'COPY "reports_importrun" ("plan_id", "file_name") FROM STDIN'
    assert copy_statement(ImportRun, ["plan", "file_name"]) == expected
    assert copy_statement(ImportRun, ["plan_id", "file_name"]) == expected
    assert copy_statement(ImportRun, ["plan"], binary=True) == (
        'COPY "reports_importrun" ("plan_id") FROM STDIN (FORMAT BINARY)'
    )


@pytest.mark.django_db
def test_rows_are_rolled_back_with_the_callers_transaction():
    class RefusedError(Exception):
        pass

    with pytest.raises(RefusedError), transaction.atomic():
        city = Municipality.objects.create(name="さいたま市", slug="saitama-city").pk
        rows = [(city, "市民総務課", "section")]
        assert copy_rows(Department, ["municipality", "name", "kind"], rows) == 1
        assert Department.objects.filter(name="市民総務課").exists()
        raise RefusedError

    assert not Department.objects.exists()
