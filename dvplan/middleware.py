"""Middleware that keeps every answer safe and every failure clean.

In ``settings.MIDDLEWARE`` order:

- ``SecurityHeadersMiddleware`` (first): the privacy headers on every response;
- ``HealthCheckMiddleware``: ``/healthz`` and ``/readyz``, before the host check;
- ``DatabaseUnavailableMiddleware`` (last): 503 when the database cannot be reached.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger("dvplan.database")

RETRY_AFTER_SECONDS = 30
"""What a 503 tells readers, browsers and caches to wait before trying again."""

API_PREFIX = "/api/"
"""The JSON API's paths: their 503 is JSON, like their other errors."""

READINESS_TIMEOUT_SECONDS = 2
"""How long ``/readyz`` waits for a connection and for ``SELECT 1``."""


class SecurityHeadersMiddleware:
    """Sends the privacy headers on every response, a 400 for a bad Host included.

    It comes first: Django answers a disallowed Host with a 400 made inside the
    middleware that asked for the host, so the middleware after it never see
    that response. The values are the settings that Django's own
    ``SecurityMiddleware`` reads, plus ``CONTENT_SECURITY_POLICY`` (Django 5.2
    has no CSP of its own; the policy is one fixed string because the site has
    no inline script or style, so it needs no nonces).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": "; ".join(
                f"{directive} {' '.join(sources)}"
                for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
            ),
            "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
            "X-Content-Type-Options": "nosniff" if settings.SECURE_CONTENT_TYPE_NOSNIFF else "",
            "X-Frame-Options": settings.X_FRAME_OPTIONS,
            "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value:
                response.headers.setdefault(name, value)
        if is_open_data(request.path):
            # Open data: any site's script may read it (nothing here depends on
            # who asks, and no credentials are ever sent or accepted).
            response.headers.setdefault("Access-Control-Allow-Origin", "*")
        return response


FILE_SUFFIXES = (".csv", ".xlsx", ".json")
"""Paths of downloads."""


def is_open_data(path: str) -> bool:
    """The JSON API and the downloads, as opposed to the HTML pages."""
    return path.startswith(API_PREFIX) or path.endswith(FILE_SUFFIXES)


class HealthCheckMiddleware:
    """``/healthz``: the process answers (no database). ``/readyz``: the database
    answers ``SELECT 1`` within ``READINESS_TIMEOUT_SECONDS``.

    Before the host check and the HTTPS redirect, so that a probe from inside the
    platform, whatever Host it sends, gets a plain 200 or 503.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            if request.path == "/healthz":
                return _probe_answer(200, "ok")
            if request.path == "/readyz":
                if database_is_ready():
                    return _probe_answer(200, "ok")
                return _probe_answer(503, "database unavailable")
        return self.get_response(request)


def _probe_answer(status: int, text: str) -> HttpResponse:
    response = HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def database_is_ready() -> bool:
    """``SELECT 1`` on a connection of its own, bounded in time."""
    probe = connection.copy()
    options = probe.settings_dict["OPTIONS"]
    options["connect_timeout"] = READINESS_TIMEOUT_SECONDS
    options["options"] = " ".join(
        filter(None, [options.get("options"), f"-c statement_timeout={READINESS_TIMEOUT_SECONDS}s"])
    )
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False
    finally:
        probe.close()


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached answers 503 with ``Retry-After``: the
    site's own page, or JSON under the API, and one log line without a traceback.

    Nothing is kept between requests, so the next request after the database
    is back is answered as usual. Last in the list, so the response still
    passes through the headers and the caching rules of the middleware above.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.streaming:
            # A download reads the database while it is sent: connect before the
            # first byte, so that an outage answers 503 rather than a cut-off 200.
            try:
                connection.ensure_connection()
            except (OperationalError, InterfaceError) as error:
                response.close()
                return database_unavailable(request, error)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (OperationalError, InterfaceError)):
            return database_unavailable(request, exception)
        return None


def database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    logger.error(
        "database unavailable: 503 for %s %s (%s)",
        request.method,
        _printable(request.path),
        _reason(error),
    )
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"error": "一時的に利用できません / temporarily unavailable"},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # The line above is this response's log entry; django.request would add a second.
    response._has_been_logged = True
    return response


def _reason(error: Exception) -> str:
    """What failed, never the statement or its parameters: a server's error by its
    class and SQLSTATE, a connection's by the first line of its message."""
    cause = error.__cause__ or error
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return f"{type(cause).__name__} {sqlstate}"
    lines = str(cause).splitlines()
    return _printable(lines[0][:200]) if lines else type(cause).__name__


def _printable(text: str) -> str:
    """One line, whatever the client sent: no control character reaches the log."""
    return text.encode("unicode_escape").decode("ascii")
