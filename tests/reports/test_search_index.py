"""The search index kept in step with the statuses: deleted statuses, a
repair, and a read that an import commits in the middle of."""

import logging
import os
import socket
import subprocess
import sys
import threading
from io import StringIO
from urllib.parse import quote

import pytest
from django.core import checks
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from reports import search
from reports.filters import StatusFilter
from reports.models import (
    AnnualStatus,
    Department,
    DepartmentSuccession,
    Plan,
    SearchBlock,
    StatusDepartment,
    StatusSearchDocument,
)
from reports.search import layout
from reports.search.checks import check_search_index, log_index_state
from reports.search.text import parse_query
from reports.selectors import plan_statuses, status_filter_options
from reports.selectors.facets import _facet_counts, _keyword_facet_counts
from tests.conftest import ROOT
from tests.reports.html import main_of
from tests.reports.test_filters import check_page
from tests.synthetic import synthetic_plan

URL = "/plans/saitama-dv-2/statuses/"
API = "/api/v1/plans/saitama-dv-2/statuses/"


def searched(text: str) -> set[int]:
    query = parse_query(text)
    return {
        pk
        # Ids only: an older migration's schema is read here too.
        for plan_id in Plan.objects.values_list("pk", flat=True)
        for pk in search.find(plan_id=plan_id, query=query).ranked[:]
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
    doomed = consultations()[0]
    others = {s.pk for s in consultations()[1:]}
    pages = listed_projects(client, {"q": "相談", "page": "1"})
    pages += listed_projects(client, {"q": "相談", "page": "2"})
    assert len(pages) == 33
    AnnualStatus.objects.filter(pk=doomed.pk).delete()
    # A write by hand publishes no data version: the site sees it once the
    # cached number expires (DATA_VERSION_RECHECK_SECONDS); here, at once.
    cache.clear()

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


def check_output() -> str:
    output = StringIO()
    call_command("check", stdout=output, stderr=output)
    return output.getvalue()


@pytest.mark.django_db
def test_check_names_the_repair_for_statuses_without_a_document(seeded, caplog):
    assert check_search_index() == []
    StatusSearchDocument.objects.filter(status__project__number__lte=3).delete()
    text = check_output()
    assert "(reports.W001)" in text
    assert "statuses without a search document: 3" in text
    assert "HINT: manage.py rebuild_search_index を実行してください" in text
    # What the WSGI entry point logs at start-up.
    with caplog.at_level(logging.WARNING, logger="reports.search.checks"):
        log_index_state()
    [record] = caplog.records
    assert "statuses without a search document: 3" in record.getMessage()
    assert "run manage.py rebuild_search_index" in record.getMessage()

    call_command("rebuild_search_index", stdout=StringIO())
    assert check_search_index() == []
    assert "reports.W001" not in check_output()
    assert len(searched("相談")) == 33


@pytest.mark.django_db
def test_blocks_of_another_format_are_left_out_until_rebuilt(client, seeded, caplog):
    SearchBlock.objects.update(format=layout.FORMAT + 1)
    [message] = check_search_index()
    assert message.id == "reports.W001"
    assert f"blocks in another format than {layout.FORMAT}: 1" in message.msg
    with caplog.at_level(logging.WARNING, logger="reports.search.engine"):
        response = client.get(URL, {"q": "相談"})
    assert response.status_code == 200
    assert main_of(response).one("span", cls="result-count").text == "0件"
    assert "rebuild_search_index" in caplog.text

    call_command("rebuild_search_index", stdout=StringIO())
    assert set(SearchBlock.objects.values_list("format", flat=True)) == {layout.FORMAT}
    assert check_search_index() == []
    assert check_page(client, {"q": "相談"}) == 33


@pytest.mark.django_db(transaction=True)
def test_check_warns_and_passes_when_the_database_is_unreachable(monkeypatch):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", str(port))
    try:
        [message] = check_search_index()
    finally:
        connection.close()
    assert message.id == "reports.W002"
    assert message.level == checks.WARNING
    assert "the database is unreachable" in message.msg


def test_manage_py_check_passes_with_a_warning_when_the_database_is_unreachable(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://nobody@127.0.0.1:{port}/nothing",
        "DJANGO_SECRET_KEY": "tests-only",
    }
    finished = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    assert "(reports.W002)" in finished.stdout + finished.stderr


@pytest.mark.django_db(transaction=True)
def test_the_migration_that_records_the_format_rebuilds_the_index(seeded):
    """A database left by migration 0004 with no index at all (it dropped the
    documents) answers searches as soon as it is migrated."""
    expected = searched("相談")
    assert len(expected) == 33
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("reports", "0004_search_index_blocks")])
        with connection.cursor() as cursor:
            for table in ("searchpostings", "searchblock", "statussearchdocument"):
                cursor.execute(f"DELETE FROM reports_{table}")
        executor = MigrationExecutor(connection)
        executor.migrate([("reports", "0005_search_block_format")])
        assert StatusSearchDocument.objects.count() == 57
        assert searched("相談") == expected
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert searched("相談") == expected
    assert check_search_index() == []


@pytest.mark.django_db
def test_department_counts_follow_the_coverage_in_the_index_and_the_database(client, db):
    """Departments with two predecessors each, statuses listing a successor and
    its predecessor together, and predecessors listed before and after the
    takeover: every department's count, with and without a keyword and under
    a year, is the same from the index, from the database and from the rule
    written here in Python."""
    plan = synthetic_plan(projects=80, years=3, seed=23, slug="coverage")
    departments = list(Department.objects.filter(name__startswith="coverage").order_by("pk"))
    for successor, predecessor, year in (
        (departments[0], departments[1], 2021),
        (departments[0], departments[2], 2022),
        (departments[3], departments[4], 2020),
        (departments[5], departments[0], 2022),
    ):
        DepartmentSuccession.objects.create(
            successor=successor,
            predecessor=predecessor,
            effective_fiscal_year=year,
            note="組織変更",
        )
    # Some statuses list a successor with one of its predecessors.
    for status in AnnualStatus.objects.filter(project__plan=plan, project__number__lte=10):
        listed = set(status.departments.values_list("pk", flat=True))
        for extra in (departments[0], departments[1]):
            if extra.pk not in listed:
                StatusDepartment.objects.create(
                    status=status, department=extra, position=len(listed) + 1
                )
                listed.add(extra.pk)
    search.index(AnnualStatus.objects.filter(project__plan=plan))

    covers: dict[int, list[tuple[int, int]]] = {d.pk: [(d.pk, 0)] for d in departments}
    for link in DepartmentSuccession.objects.all():
        covers[link.successor_id].append((link.predecessor_id, link.effective_fiscal_year))
    statuses = {
        s.pk: (s.fiscal_year, set(s.departments.values_list("pk", flat=True)))
        for s in AnnualStatus.objects.filter(project__plan=plan)
    }

    def expected(department: Department, among: set[int]) -> int:
        return sum(
            1
            for pk in among
            if any(
                covered in statuses[pk][1] and statuses[pk][0] >= first
                for covered, first in covers[department.pk]
            )
        )

    options = status_filter_options(plan=plan)
    compared = 0
    for data in ({"q": "課"}, {"q": "相"}, {"q": "課", "year": "2022"}, {}, {"year": "2021"}):
        filterset = StatusFilter(data, queryset=plan_statuses(plan=plan), options=options)
        assert filterset.is_valid(), filterset.errors
        among = set(filterset.qs.values_list("pk", flat=True))
        by_database = _facet_counts(filterset)["department"]
        if "q" in data:
            assert _keyword_facet_counts(filterset) == _facet_counts(filterset), data
        for department in departments:
            assert by_database[department.name] == expected(department, among), (data, department)
            compared += 1
        chosen = StatusFilter(
            {**data, "department": departments[0].name},
            queryset=plan_statuses(plan=plan),
            options=options,
        )
        assert chosen.is_valid()
        assert chosen.qs.count() == expected(departments[0], among)
        if "q" in data:
            assert len(chosen.search_results()) == expected(departments[0], among)
    assert compared == 5 * 20
    # The department page lists what the filter counts.
    department = departments[0]
    url = f"/m/{department.municipality.slug}/departments/{quote(department.name)}/"
    page = main_of(client.get(url))
    rows = [th for th in page.all("th", cls="col-project") if th.attrs["scope"] == "row"]
    assert len(rows) == expected(departments[0], set(statuses)) == 61
