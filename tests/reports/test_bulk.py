"""The one COPY helper: rows go in as given, in text or binary form, inside the caller's transaction."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from reports.bulk import copy_rows, copy_statement, foreign_keys_checked_meanwhile
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


@pytest.mark.django_db(transaction=True)
def test_keys_are_checked_on_the_server_while_python_goes_on():
    """Another connection holds the row a new department points at, so checking
    that key waits for it; the body of the helper lets it go. Had the helper
    checked the keys before running its body, the check would wait for a lock
    that only the body releases, and give up after the lock timeout."""
    city = Municipality.objects.create(name="さいたま市", slug="saitama-city")
    held, release = threading.Event(), threading.Event()

    def hold_the_city() -> None:
        try:
            with transaction.atomic():
                Municipality.objects.select_for_update().get(pk=city.pk)
                held.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_city)
    holder.start()
    try:
        assert held.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            Department.objects.create(municipality=city, name="市民総務課")
            with foreign_keys_checked_meanwhile():
                release.set()
    finally:
        release.set()
        holder.join()

    assert Department.objects.get().name == "市民総務課"


@pytest.mark.django_db
def test_a_key_that_points_nowhere_fails_at_the_check_and_later_keys_wait_for_commit():
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(municipality_id=2**31 - 1, name="どこにもない自治体の課")
        with foreign_keys_checked_meanwhile():
            pass

    # Deferred again after the check: a bad key written later is written, and
    # fails only when the keys are checked (at commit, or as here).
    written = False
    with pytest.raises(IntegrityError), transaction.atomic():
        with foreign_keys_checked_meanwhile():
            pass
        Department.objects.create(municipality_id=2**31 - 1, name="どこにもない自治体の課")
        written = True
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert written


@pytest.mark.django_db
def test_the_bodys_own_error_is_the_one_raised():
    class BodyError(Exception):
        pass

    with pytest.raises(BodyError), transaction.atomic():
        Department.objects.create(municipality_id=2**31 - 1, name="どこにもない自治体の課")
        with foreign_keys_checked_meanwhile():
            raise BodyError
