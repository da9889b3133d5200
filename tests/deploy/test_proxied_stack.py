"""The production stack through `make serve-proxied`: Debian's nginx with
deploy/nginx.conf, in front of gunicorn (two workers) on a unix socket, on an
embedded PostgreSQL of its own.

The stack is started once for this module; when the module is done, it gets
Ctrl-C, and every process it started must be gone, the database included,
although one test stops PostgreSQL and starts it again by hand.
"""

import json
import re
import socket
import time
import urllib.parse

import pytest

from dvplan.embedded_db import stop_server
from tests.deploy import stack as proxied

PLAN = "saitama-dv-2"

# On one worker in a parallel run: the stack is started once per module.
pytestmark = pytest.mark.xdist_group("proxied-stack")
# A reader's search words: none of their forms may reach any log.
SEARCH_WORD = "シェルター相談"
SEARCH_FORMS = [
    SEARCH_WORD,
    urllib.parse.quote(SEARCH_WORD),
    urllib.parse.quote(SEARCH_WORD).lower(),
    SEARCH_WORD.encode().decode("latin-1"),
    SEARCH_WORD.encode("unicode_escape").decode(),
]
SEARCH_PATH = f"/plans/{PLAN}/statuses/?q={urllib.parse.quote(SEARCH_WORD)}"
ACCESS_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\S+ (?P<method>[A-Z]+) (?P<path>/\S*) \d{3} \d+ \d+\.\d{3}$"
)
PRIVACY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
NGINX_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = proxied.start(
        tmp_path_factory.mktemp("stack"), WEB_CONCURRENCY="2", DJANGO_SECURE_HSTS_SECONDS="3600"
    )
    try:
        # Each worker's first page loads the templates: not what is measured here.
        for _ in range(4):
            assert proxied.get(running, "/about/").status == 200
        yield running
    finally:
        if not running.stopped:
            _ctrl_c_stops_everything(running)


def _ctrl_c_stops_everything(running: proxied.Stack) -> None:
    processes = running.processes()
    names = {p.pid: p.name() for p in processes}
    assert {"nginx", "postgres"} <= set(names.values()), names
    proxied.interrupt(running)
    left = [
        f"{p.pid} {names[p.pid]}" for p in processes if p.is_running() and p.status() != "zombie"
    ]
    assert left == [], running.log()
    assert not (running.pgdata / "postmaster.pid").exists()
    assert not running.gunicorn_socket.parent.exists()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", running.port)) != 0


def _settled_size(log, quiet: float = 0.5, limit: float = 10) -> int:
    """The log's size once it has not grown for ``quiet`` seconds."""
    size, since, deadline = log.stat().st_size, time.monotonic(), time.monotonic() + limit
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.05)
        if (grown := log.stat().st_size) != size:
            size, since = grown, time.monotonic()
    return size


def test_twenty_slow_clients_do_not_hold_the_readers(stack):
    # Straight to gunicorn, two slow clients are enough to hold both workers...
    held = proxied.SlowClients(str(stack.gunicorn_socket), 2, family=socket.AF_UNIX)
    try:
        time.sleep(0.5)
        with pytest.raises(TimeoutError):
            proxied.raw_request(
                str(stack.gunicorn_socket),
                b"GET /about/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
                family=socket.AF_UNIX,
                timeout=2,
            )
    finally:
        held.close()

    # ...while nginx holds twenty of them itself, and the readers get their pages.
    slow = proxied.SlowClients(("127.0.0.1", stack.port), 20).start()
    answers = []
    finished_at = time.monotonic() + 5
    while time.monotonic() < finished_at:
        answers.append(proxied.get(stack, "/about/", timeout=5))
        time.sleep(0.2)
    firsts = slow.finish()

    assert slow.rounds_sent >= 4  # they kept sending while the readers read
    assert len(answers) >= 10
    assert [a.status for a in answers] == [200] * len(answers)
    assert all("このサイトについて" in a.body.decode() for a in answers)
    # The slow clients were kept waiting, not dropped: each gets its page at the end.
    assert firsts == [b"HTTP/1.1 200 OK"] * 20


def test_the_proxy_refuses_a_body_or_a_header_over_its_limits(stack):
    too_large_body = proxied.raw_request(
        ("127.0.0.1", stack.port),
        b"POST /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 20000\r\n"
        b"Connection: close\r\n\r\n" + b"x" * 20000,
    )
    too_large_header = proxied.raw_request(
        ("127.0.0.1", stack.port),
        b"GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Large: " + b"a" * 9000 + b"\r\n\r\n",
    )

    for answer, status in [(too_large_body, b"413"), (too_large_header, b"400")]:
        head = answer.split(b"\r\n\r\n", 1)[0].decode()
        assert head.split("\r\n")[0].split(" ")[1] == status.decode()
        # nginx answered (its own policy, not Django's), with the privacy headers.
        assert f"Content-Security-Policy: {NGINX_CSP}" in head
        for name, value in PRIVACY_HEADERS.items():
            assert f"{name}: {value}" in head


def test_behind_tls_links_say_https_and_a_client_cannot_claim_it(stack):
    over_tls = proxied.get(stack, "/data/", tls=True)
    assert over_tls.status == 200
    assert f'"https://127.0.0.1:{stack.tls_port}/data/statuses.csv"' in over_tls.body.decode()
    assert (
        over_tls.headers["Strict-Transport-Security"] == "max-age=3600; includeSubDomains; preload"
    )

    # Over plain HTTP, a client saying it used HTTPS is not believed: nginx sets the header.
    claimed = proxied.get(stack, "/data/", headers={"X-Forwarded-Proto": "https"})
    assert claimed.status == 200
    assert f'"http://127.0.0.1:{stack.port}/data/statuses.csv"' in claimed.body.decode()
    assert "Strict-Transport-Security" not in claimed.headers


def test_a_database_outage_answers_503_and_the_site_recovers_by_itself(stack):
    assert proxied.get(stack, "/readyz").status == 200
    postmaster = proxied.postmaster_pid(stack.pgdata)
    socket_dir = proxied.socket_directory(stack.pgdata)
    log_mark = _settled_size(stack.stderr)

    stop_server(stack.pgdata)
    # Pages not asked for before, and a download read from the database: a
    # page already in the cache, or the whole dataset's file, may still be
    # served while the data version is (docs/caching.md).
    pages = [
        proxied.get(stack, p)
        for p in ["/departments/", SEARCH_PATH, f"/plans/{PLAN}/statuses.csv?year=2017"]
    ]
    api = proxied.get(stack, f"/api/v1/plans/{PLAN}/statuses/?q={urllib.parse.quote(SEARCH_WORD)}")
    ready, healthy = proxied.get(stack, "/readyz"), proxied.get(stack, "/healthz")
    _settled_size(stack.stderr)
    outage_log = stack.stderr.read_bytes()[log_mark:].decode(errors="replace")

    for answer in [*pages, api]:
        assert answer.status == 503
        assert answer.headers["Retry-After"] == "30"
        assert answer.headers["Cache-Control"] == "no-store"
    for page in pages:
        html = page.body.decode()
        assert "<h1>一時的に表示できません</h1>" in html
        assert "このページからすぐ離れる" in html  # the site's own page, quick exit and all
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self';")
    assert api.headers["Content-Type"] == "application/json"
    assert json.loads(api.body) == {"error": "一時的に利用できません / temporarily unavailable"}
    assert (ready.status, ready.body) == (503, b"database unavailable\n")
    assert (healthy.status, healthy.body) == (200, b"ok\n")
    # One line per failed request, no traceback, no search word.
    unavailable = [
        line for line in outage_log.splitlines() if "database unavailable: 503 for" in line
    ]
    assert len(unavailable) == 4, outage_log
    assert "Traceback" not in outage_log
    assert not any(form in outage_log for form in SEARCH_FORMS)

    # Started again by hand: a new postmaster, and the site answers without a restart.
    proxied.start_postgres_by_hand(stack.pgdata, socket_dir)
    assert proxied.postmaster_pid(stack.pgdata) != postmaster
    assert proxied.get(stack, "/about/").status == 200
    assert proxied.get(stack, "/readyz").status == 200
    assert proxied.get(stack, f"/api/v1/plans/{PLAN}/").status == 200


def test_the_logs_hold_no_address_query_string_or_search_word(stack):
    # nginx writes a request's line just after the client has its answer: let
    # the lines of earlier requests arrive before marking where this test's begin.
    log_marks = (_settled_size(stack.stdout), _settled_size(stack.stderr))
    assert proxied.get(stack, SEARCH_PATH).status == 200
    assert (
        proxied.get(stack, f"/plans/{PLAN}/statuses.csv?q={urllib.parse.quote(SEARCH_WORD)}").status
        == 200
    )
    assert proxied.get(stack, f"/no-such-page/?q={urllib.parse.quote(SEARCH_WORD)}").status == 404
    # Unencoded, as a careless client sends it: gunicorn refuses the request line.
    raw = proxied.raw_request(
        ("127.0.0.1", stack.port),
        f"GET /plans/{PLAN}/statuses/?q={SEARCH_WORD} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Connection: close\r\n\r\n".encode(),
    )
    assert raw.startswith(b"HTTP/1.1 400")
    bad_hosts = [proxied.get(stack, "/", headers={"Host": f"evil{n}.example"}) for n in range(3)]
    assert [a.status for a in bad_hosts] == [400] * 3
    for answer in bad_hosts:
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'self';")
        for name, value in PRIVACY_HEADERS.items():
            assert answer.headers[name] == value
    _settled_size(stack.stdout), _settled_size(stack.stderr)
    access_log = stack.stdout.read_bytes()[log_marks[0] :].decode(errors="replace")
    error_log = stack.stderr.read_bytes()[log_marks[1] :].decode(errors="replace")

    access_lines = access_log.splitlines()
    assert len(access_lines) == 7, access_log
    assert [ACCESS_LINE.match(line) is not None for line in access_lines] == [True] * 7, access_log
    # nginx's workers each write their own lines as they finish: compare without order.
    assert sorted(ACCESS_LINE.match(line)["path"] for line in access_lines) == sorted(
        [
            f"/plans/{PLAN}/statuses/",
            f"/plans/{PLAN}/statuses.csv",
            "/no-such-page/",
            f"/plans/{PLAN}/statuses/",
            "/",
            "/",
            "/",
        ]
    )
    assert "?" not in access_log and "127.0.0.1" not in access_log
    assert not any(form in access_log + error_log for form in SEARCH_FORMS)
    # A bad Host header is one line each, without a traceback.
    host_lines = [line for line in error_log.splitlines() if "Invalid HTTP_HOST header" in line]
    assert len(host_lines) == 3, error_log
    assert "Traceback" not in error_log
