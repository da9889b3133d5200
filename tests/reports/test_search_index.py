"""The search index kept in step with the statuses: deleted statuses, a
repair, and a read that an import commits in the middle of."""

import threading

import pytest
from django.db import connection, transaction

from reports import search
from reports.models import AnnualStatus, Plan
from reports.search.text import parse_query
from tests.reports.html import main_of
from tests.reports.test_filters import check_page

URL = "/plans/saitama-dv-2/statuses/"
API = "/api/v1/plans/saitama-dv-2/statuses/"


def searched(text: str) -> set[int]:
    query = parse_query(text)
    return {
        pk
        for plan in Plan.objects.all()
        for pk in search.find(plan_id=plan.pk, query=query).ranked[:]
    }


def listed_projects(client, params: dict[str, str]) -> list[str]:
    main = main_of(client.get(URL, params))
    return [h3.links()[0][1] for h3 in main.all("h3")]


def consultations() -> list[AnnualStatus]:
    """The seed's statuses that mention 相談 in their 実施状況, in id order."""
    return list(AnnualStatus.objects.filter(status_text__contains="相談").order_by("pk"))


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["remove, then delete", "delete, then remove"])
def test_deleted_statuses_are_taken_out_of_the_index(client, seeded, order):
    found = searched("相談")
    assert len(found) == 33
    doomed = consultations()[:5]
    assert {s.pk for s in doomed} <= found
    with transaction.atomic():
        if order == "remove, then delete":
            search.remove(doomed)
        AnnualStatus.objects.filter(pk__in=[s.pk for s in doomed]).delete()
        if order == "delete, then remove":
            search.remove(doomed)
    assert searched("相談") == found - {s.pk for s in doomed}
    # The page, every facet count and the API agree with a count of what is left.
    for params in ({"q": "相談"}, {"q": "相談", "year": "2017"}, {"q": "相"}, {"q": "相談 -DV"}):
        assert check_page(client, params) == len(searched(params["q"]))
    api = client.get(API, {"q": "相談"}).json()
    assert api["count"] == 28
    assert len(api["results"]) == 28


@pytest.mark.django_db
def test_a_status_deleted_without_remove_is_left_out_of_the_page_and_repaired(client, seeded):
    """The index still lists it until ``repair``: the page shows the others
    (no 500), and ``rebuild_search_index`` takes it out."""
    from io import StringIO

    from django.core.management import call_command

    doomed = consultations()[0]
    others = {s.pk for s in consultations()[1:]}
    pages = listed_projects(client, {"q": "相談", "page": "1"})
    pages += listed_projects(client, {"q": "相談", "page": "2"})
    assert len(pages) == 33
    AnnualStatus.objects.filter(pk=doomed.pk).delete()

    response = client.get(URL, {"q": "相談"})
    assert response.status_code == 200
    shown = listed_projects(client, {"q": "相談", "page": "1"})
    shown += listed_projects(client, {"q": "相談", "page": "2"})
    assert len(shown) == 32
    assert f"/plans/saitama-dv-2/projects/{doomed.project.number}/" not in shown
    assert client.get(API, {"q": "相談"}).status_code == 200

    output = StringIO()
    call_command("rebuild_search_index", stdout=output)
    assert "0 documents written" in output.getvalue()
    assert doomed.pk not in searched("相談")
    assert others <= searched("相談")
    assert check_page(client, {"q": "相談"}) == 32


@pytest.mark.django_db
def test_indexing_a_deleted_status_takes_it_out(seeded):
    doomed = consultations()[0]
    AnnualStatus.objects.filter(pk=doomed.pk).delete()
    assert doomed.pk in searched("相談")
    assert search.index([doomed.pk]) == 0
    assert doomed.pk not in searched("相談")
    assert len(searched("相談")) == 32


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("atomic_requests", [True, False], ids=["ATOMIC_REQUESTS", "autocommit"])
def test_a_read_is_of_one_moment_when_an_import_commits_in_the_middle(
    client, seeded, monkeypatch, atomic_requests
):
    """Another connection commits, between the read of the plan's columns and
    the read of the postings, a status that gains 虹色 and a new status (a new
    position in the index) with 虹色. The page finds both, as the index is
    after the commit: not the changed one alone, which is what the new postings
    read with the old columns would give (the new position is empty in them)."""
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", atomic_requests)
    committed: dict[str, int] = {}

    def commit_elsewhere() -> None:
        try:
            with transaction.atomic():
                changed = AnnualStatus.objects.get(project__number=2)
                changed.status_text += "虹色"
                changed.save()
                first = AnnualStatus.objects.get(project__number=1)
                added = AnnualStatus.objects.create(
                    project=first.project,
                    fiscal_year=2030,
                    status_text="虹色の取り組み",
                    import_run=first.import_run,
                    source_row=1,
                )
                search.index([changed, added])
            committed.update(changed=changed.pk, added=added.pk)
        finally:
            connection.close()

    statements: list[str] = []

    def between_statements(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        statements.append(sql)
        if "statuses, departments FROM reports_searchblock" in sql and not committed:
            writer = threading.Thread(target=commit_elsewhere)
            writer.start()
            writer.join()
        return result

    with connection.execute_wrapper(between_statements):
        response = client.get(URL, {"q": "虹色"})
    assert committed
    assert response.status_code == 200
    main = main_of(response)
    assert main.one("span", cls="result-count").text == "2件"
    assert sorted(h3.links()[0][1] for h3 in main.all("h3")) == [
        "/plans/saitama-dv-2/projects/1/",
        "/plans/saitama-dv-2/projects/2/",
    ]
    # The postings were read twice: the first read saw the index move.
    assert sum("reports_searchpostings" in sql for sql in statements) == 2
