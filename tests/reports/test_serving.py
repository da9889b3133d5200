"""Serving from the data version: pages cached by it, ETags and 304s, the cache
headers, a cold page computed once, imports seen at once on every worker, the
whole-dataset downloads written once, and GET/HEAD only."""

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from io import BytesIO, StringIO
from urllib.parse import unquote_to_bytes

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, connections
from django.test import Client, override_settings
from django.test.signals import template_rendered
from django.utils.http import http_date
from openpyxl import load_workbook

from dvplan.page_cache import cached_application, release_fingerprint
from reports.dataversion import data_version_read
from reports.downloads import dataset_files_build
from reports.models import Plan
from tests.conftest import ROOT
from tests.deploy.stack import free_port
from tests.pages import API_URLS, BAD_REQUEST_PAGES, PAGE_URLS, PLAN

DEPARTMENT = PAGE_URLS["department"]
FILTER = f"/plans/{PLAN}/statuses/"
API_STATUSES = f"/api/v1/plans/{PLAN}/statuses/"
HTML_POLICY = ("no-store", "public, max-age=86400")
FILE_POLICY = ("public, max-age=0, must-revalidate, s-maxage=86400", "public, max-age=86400")


def policy(response) -> tuple[str, str]:
    return response["Cache-Control"], response["CDN-Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(PAGE_URLS) - BAD_REQUEST_PAGES))
def test_a_second_request_for_a_page_runs_no_sql(client, seeded, django_assert_num_queries, name):
    first = client.get(PAGE_URLS[name])
    with django_assert_num_queries(0):
        second = client.get(PAGE_URLS[name])
    assert second.status_code == first.status_code
    assert second.content == first.content


SECOND_REQUEST_QUERIES = {
    "api_statuses": 0,
    "api_plan": 0,
    "export_csv": 8,  # streamed: the plan, five option lists, the corrections, the rows
    "export_json": 2,  # no file written yet: the corrections, the rows, streamed
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", SECOND_REQUEST_QUERIES)
def test_a_second_api_request_runs_no_sql_and_a_streamed_download_no_more_than_its_own(
    client, seeded, django_assert_num_queries, name
):
    client.get(API_URLS[name])
    with django_assert_num_queries(SECOND_REQUEST_QUERIES[name]):
        response = client.get(API_URLS[name])
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200


@pytest.mark.django_db
def test_every_spelling_of_a_query_is_one_cached_page(client, seeded, django_assert_num_queries):
    first = client.get(f"{FILTER}?year=2017&goal=2")
    with django_assert_num_queries(0):
        again = client.get(f"{FILTER}?year=2017&goal=2")
        # A page's URL with empty parameters redirects to the one without them.
        short = client.get(f"{FILTER}?goal=2&q=&year=2017&department=")
    assert (short.status_code, short["Location"]) == (302, f"{FILTER}?goal=2&year=2017")
    assert short["Cache-Control"] == "no-store"
    with django_assert_num_queries(0):
        reordered = client.get(short["Location"])
    assert again.content == first.content == reordered.content
    assert again["ETag"] == first["ETag"] == reordered["ETag"]
    # To the API an empty value is a value: ?page= is no whole number.
    assert client.get(f"{API_STATUSES}?page=").status_code == 400
    assert client.get(f"{API_STATUSES}?page=").status_code == 400


@pytest.mark.django_db
def test_pages_carry_the_data_versions_etag_and_last_modified_and_answer_304(
    client, seeded, django_assert_num_queries
):
    version = data_version_read()
    response = client.get(DEPARTMENT)
    assert response["ETag"].startswith(f'W/"{version.number}-')
    assert response["Last-Modified"] == http_date(version.changed_at.timestamp())
    assert policy(response) == HTML_POLICY
    with django_assert_num_queries(0):
        unchanged = client.get(DEPARTMENT, headers={"If-None-Match": response["ETag"]})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged["ETag"] == response["ETag"]
    assert policy(unchanged) == HTML_POLICY
    since = client.get(DEPARTMENT, headers={"If-Modified-Since": response["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(PAGE_URLS["project"], headers={"If-None-Match": response["ETag"]})
    assert other.status_code == 200
    assert other["ETag"] != response["ETag"]


@pytest.mark.django_db
def test_api_answers_and_files_may_be_kept_by_browsers_if_they_ask_again(client, seeded):
    api = client.get(API_URLS["api_plans"])
    assert policy(api) == FILE_POLICY
    assert (
        client.get(API_URLS["api_plans"], headers={"If-None-Match": api["ETag"]}).status_code == 304
    )
    download = client.get(f"/plans/{PLAN}/statuses.csv?goal=2")
    assert policy(download) == FILE_POLICY
    revalidated = client.get(
        f"/plans/{PLAN}/statuses.csv?goal=2", headers={"If-None-Match": download["ETag"]}
    )
    assert policy(revalidated) == FILE_POLICY
    assert revalidated.status_code == 304


@pytest.mark.django_db
def test_errors_and_probes_are_neither_cached_nor_validated(client, seeded):
    missing = client.get("/plans/no-such-plan/")
    assert missing.status_code == 404
    assert missing["Cache-Control"] == "no-store"
    assert "ETag" not in missing and "CDN-Cache-Control" not in missing
    bad = client.get(PAGE_URLS["filter_bad_parameter"])
    assert (bad.status_code, bad["Cache-Control"], "ETag" in bad) == (400, "no-store", False)
    probe = client.get("/healthz")
    assert (probe.status_code, probe["Cache-Control"], "ETag" in probe) == (200, "no-store", False)


@pytest.mark.django_db
def test_an_import_is_seen_on_the_next_request(client, seeded, import_seed_as):
    before = client.get(PAGE_URLS["fiscal_year"])
    assert "平成30年度" not in before.content.decode()
    import_seed_as("平成30年度実施状況")
    after = client.get(PAGE_URLS["fiscal_year"])
    assert "平成30年度（2018年度）" in after.content.decode()
    assert after["ETag"] != before["ETag"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [PAGE_URLS["plan"], f"/plans/{PLAN}/statuses.xlsx?goal=2", "/data/statuses.csv"]
)
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch", "options"])
def test_pages_and_downloads_allow_only_get_and_head(
    client, seeded, django_assert_num_queries, url, method
):
    with django_assert_num_queries(0):
        response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    head = client.head(url)
    head.close()
    assert head.status_code == 200


@pytest.mark.django_db
def test_every_public_table_changes_the_data_version():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
              AND c.relname NOT IN ('django_migrations', 'reports_dataversion')
              AND NOT EXISTS (
                SELECT FROM pg_trigger t
                WHERE t.tgrelid = c.oid AND t.tgname = 'bump_data_version' AND t.tgenabled = 'O'
              )
            """
        )
        assert cursor.fetchall() == []


@pytest.mark.django_db
def test_any_write_changes_the_data_version_in_its_transaction(seeded):
    before = data_version_read()
    Plan.objects.filter(slug=PLAN).update(title="新しい名前")
    written = data_version_read()
    assert written.number > before.number
    assert written.changed_at > before.changed_at
    Plan.objects.filter(slug="no-such-plan").update(title="x")  # a statement that changes no row
    assert data_version_read().number > written.number


@pytest.mark.django_db(transaction=True)
def test_a_cold_page_is_computed_once_under_a_stampede(seeded):
    """Six requests at once for a cold page, each on a thread (and a database
    connection) of its own: one renders it, the others wait for it. The seed
    is committed, so that every thread's connection sees it."""
    renders = []

    def count(sender, template, **kwargs):
        if template.name == "reports/department_detail.html":
            renders.append(threading.get_ident())

    template_rendered.connect(count, weak=False)
    start = threading.Barrier(6)
    answers = []

    def reader() -> None:
        try:
            start.wait()
            response = Client().get(DEPARTMENT)
            answers.append((response.status_code, response.content))
        finally:
            connections.close_all()

    try:
        threads = [threading.Thread(target=reader) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        template_rendered.disconnect(count)
    assert len(answers) == 6
    assert len(set(answers)) == 1
    assert answers[0][0] == 200
    assert len(renders) == 1


@pytest.mark.django_db
def test_the_whole_dataset_files_are_written_once_and_served_as_files(
    client, seeded, settings, django_assert_num_queries, tmp_path
):
    settings.DOWNLOADS_DIR = tmp_path
    streamed = {suffix: client.get(f"/data/statuses{suffix}") for suffix in (".csv", ".json")}
    version = dataset_files_build()
    assert version == data_version_read().number
    assert sorted(p.name for p in settings.DOWNLOADS_DIR.iterdir()) == [
        "current.json",
        f"statuses-{version}-excel.csv",
        f"statuses-{version}.csv",
        f"statuses-{version}.json",
        f"statuses-{version}.xlsx",
    ]
    assert dataset_files_build() is None  # current already
    for suffix in (".csv", "-excel.csv", ".xlsx", ".json"):
        cache.clear()
        path = settings.DOWNLOADS_DIR / f"statuses-{version}{suffix}"
        with django_assert_num_queries(1):  # the data version
            response = client.get(f"/data/statuses{suffix}")
        body = b"".join(response.streaming_content)
        assert body == path.read_bytes()
        assert response["Content-Length"] == str(path.stat().st_size)
        assert response["ETag"].startswith(f'W/"{version}-')
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="all_statuses{suffix}"'
        )
        if suffix in streamed:
            assert body == b"".join(streamed[suffix].streaming_content)
    workbook = load_workbook(settings.DOWNLOADS_DIR / f"statuses-{version}.xlsx")
    assert workbook["実施状況"].max_row == 58  # the header and the seed's 57 statuses

    # A write makes the files stale: the site streams from the database until
    # they are written again, and the old ones are removed then.
    Plan.objects.filter(slug=PLAN).update(title="新しい名前")
    cache.clear()
    assert "新しい名前" in b"".join(client.get("/data/statuses.csv").streaming_content).decode()
    newer = dataset_files_build()
    assert sorted(p.name for p in settings.DOWNLOADS_DIR.iterdir())[1:] == [
        f"statuses-{newer}-excel.csv",
        f"statuses-{newer}.csv",
        f"statuses-{newer}.json",
        f"statuses-{newer}.xlsx",
    ]


@pytest.mark.django_db
@override_settings(EXPORT_XLSX_ROW_LIMIT=13)
def test_an_xlsx_over_the_row_limit_points_to_the_csv(client, seeded):
    query = "goal=2&year=2017"
    response = client.get(f"/plans/{PLAN}/statuses.xlsx?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    text = response.content.decode()
    assert (
        "この条件に当てはまる実施状況は 14 件あり、Excel（.xlsx）形式で作れるのは 13 件までです。"
        in text
    )
    assert f'href="/plans/{PLAN}/statuses.csv?{query.replace("&", "&amp;")}"' in text
    assert f'href="/plans/{PLAN}/statuses-excel.csv?{query.replace("&", "&amp;")}"' in text
    whole = client.get("/data/statuses.xlsx")
    assert whole.status_code == 400
    assert 'href="/data/statuses.csv"' in whole.content.decode()
    smaller = client.get(
        f"/plans/{PLAN}/statuses.xlsx?{query}&department=%E7%94%B7%E5%A5%B3%E5%85%B1%E5%90%8C%E5%8F%82%E7%94%BB%E8%AA%B2"
    )
    assert smaller.status_code == 200
    smaller.close()  # its temporary file; last, as it also ends the request's connection


def _database_url() -> str:
    settings = connection.settings_dict
    host = settings["HOST"] or settings["OPTIONS"].get("host", "")
    return (
        f"postgresql://{settings['USER']}:{settings['PASSWORD']}@"
        f"{'' if host.startswith('/') else host}{':' + str(settings['PORT']) if settings['PORT'] else ''}"
        f"/{settings['NAME']}" + (f"?host={host}" if host.startswith("/") else "")
    )


def _get(port: int, path: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
            return answer.status, answer.headers["ETag"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""
    except urllib.error.URLError:
        return 0, "", b""  # not listening yet


@pytest.mark.django_db(transaction=True)
def test_an_import_is_seen_at_once_by_every_worker(seeded, import_seed_as, tmp_path):
    """Two gunicorn processes sharing the default kind of cache, a directory of
    files: both cache the API's list, an import commits here, and the very next
    request to either shows the new year."""
    shared = {
        "default": {
            "BACKEND": "dvplan.cache.FileCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",
        "DOWNLOADS_DIR": str(tmp_path / "downloads"),
        "DJANGO_SECRET_KEY": "tests-only-not-a-secret",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "0",
    }
    ports = [free_port(), free_port()]
    logs = [(tmp_path / f"worker-{port}.log").open("wb") for port in ports]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "deploy/gunicorn.conf.py",
                "dvplan.wsgi",
            ],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    for log in logs:
        log.close()  # the workers hold their own copies
    url = f"/api/v1/plans/{PLAN}/statuses/?year=2018"
    try:
        for port in ports:
            deadline = time.monotonic() + 60
            while _get(port, "/healthz")[0] != 200:
                assert time.monotonic() < deadline, (tmp_path / f"worker-{port}.log").read_text()
                time.sleep(0.1)
        before = [_get(port, url) for port in ports]
        assert [status for status, _, _ in before] == [400, 400]  # no such year yet
        # Each worker's URLs name its own port, hence its own ETag; the version is one.
        plan = [_get(port, f"/api/v1/plans/{PLAN}/")[1].split("-")[0] for port in ports]
        assert plan[0] == plan[1]
        with override_settings(CACHES=shared):
            import_seed_as("平成30年度実施状況")
        after = [_get(port, url) for port in ports]
        assert [status for status, _, _ in after] == [200, 200]
        assert [body.count(b'"fiscal_year": 2018') for _, _, body in after] == [57, 57]
        renewed = [_get(port, f"/api/v1/plans/{PLAN}/")[1].split("-")[0] for port in ports]
        assert renewed[0] == renewed[1] != plan[0]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)


@pytest.fixture
def wsgi():
    """The site's WSGI application as gunicorn serves it (dvplan/wsgi.py), called
    directly; the connection is kept open across requests, as the test client
    keeps it, so that the test's transaction lives on."""
    application = cached_application(WSGIHandler())
    entered = []

    def count(**kwargs) -> None:
        entered.append(True)

    def call(path: str, query: str = "", **environ: str) -> tuple[str, dict, bytes]:
        sent = {}

        def start_response(status, headers):
            sent.update(status=status, headers=dict(headers))

        body = application(
            {
                "REQUEST_METHOD": "GET",
                # As a server hands it over: percent-decoded, as Latin-1.
                "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
                "QUERY_STRING": query,
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "8000",
                "HTTP_HOST": "127.0.0.1:8000",
                "wsgi.url_scheme": "http",
                "wsgi.input": BytesIO(),
                "wsgi.errors": StringIO(),
                **environ,
            },
            start_response,
        )
        content = b"".join(body)
        if hasattr(body, "close"):
            body.close()
        return sent["status"], sent["headers"], content

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.connect(count)
    try:
        yield call, entered
    finally:
        request_started.disconnect(count)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_a_kept_answer_is_sent_again_without_entering_django(
    seeded, wsgi, django_assert_num_queries
):
    call, entered = wsgi
    first = call(DEPARTMENT)
    assert first[0] == "200 OK"
    assert (first[1]["Cache-Control"], first[1]["X-Frame-Options"]) == ("no-store", "DENY")
    entered.clear()
    with django_assert_num_queries(0):
        again = call(DEPARTMENT)
    assert again == first
    assert entered == []


@pytest.mark.django_db
def test_django_answers_what_only_it_may_answer(seeded, wsgi, settings):
    call, entered = wsgi
    _, headers, _ = call(DEPARTMENT)
    for environ, expected in [
        ({"HTTP_HOST": "elsewhere.example"}, "400 Bad Request"),
        ({"HTTP_IF_NONE_MATCH": headers["ETag"]}, "304 Not Modified"),
        ({"REQUEST_METHOD": "POST"}, "405 Method Not Allowed"),
    ]:
        for _ in range(2):
            entered.clear()
            assert call(DEPARTMENT, **environ)[0] == expected
            assert entered == [True]
    # HTTP that Django would send to HTTPS (its middleware read the setting
    # when it started, so here it answers as before, but it is asked).
    settings.SECURE_SSL_REDIRECT = True
    entered.clear()
    call(DEPARTMENT)
    assert entered == [True]
    # A request answered other than 200 is never kept.
    assert call("/plans/no-such-plan/")[0] == "404 Not Found"
    entered.clear()
    settings.SECURE_SSL_REDIRECT = False
    assert call("/plans/no-such-plan/")[0] == "404 Not Found"
    assert entered == [True]


def test_other_code_or_settings_have_answers_of_their_own(settings, tmp_path):
    """A deployment is not answered from what the code before it cached: the
    keys and ETags carry a fingerprint of the code, templates and settings."""
    before = release_fingerprint()
    assert release_fingerprint() == before
    settings.CDN_MAX_AGE_SECONDS = 60
    assert release_fingerprint() != before
    settings.CDN_MAX_AGE_SECONDS = 86400
    template = tmp_path / "templates" / "base.html"
    template.parent.mkdir()
    template.write_text("<p>another release</p>")
    settings.BASE_DIR = tmp_path
    assert release_fingerprint() != before
