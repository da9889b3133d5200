"""Every public response computed once per data version, and told to caches so.

The data changes only when an import (or a correction load, a plan's removal,
a revert) commits; every page, download and API answer is a function of the
data version and the URL. So:

- a ``GET``/``HEAD`` answer with status 200 is kept in the shared cache under
  (data version, URL with its parameters in order and the empty ones dropped),
  and a second request for it runs no SQL at all;
- a cold page is computed once: the first request takes a lock in the cache,
  the others wait for its result (``PAGE_COMPUTE_WAIT_SECONDS`` at most);
- every 200 carries an ``ETag`` (the version and the URL) and a
  ``Last-Modified`` (the last write), and a conditional request that matches
  answers 304 before anything is computed;
- HTML is ``Cache-Control: no-store`` for browsers (a reader at risk leaves no
  copy of what they read on the disk), while ``CDN-Cache-Control`` and
  ``s-maxage`` let a shared cache in front serve it until the next import
  (docs/caching.md).

Sits after Django's ``CommonMiddleware``, so the host is checked before
anything is served from the cache.

``cached_application`` wraps the WSGI application (dvplan/wsgi.py) with the
same rule one level up: a whole answer, headers and all, as the middleware
stack finished it, is kept beside the page and sent again without entering
Django at all. Only what this middleware marked as kept is; and only for a
request that Django would not answer differently for reasons of its own (a
host not allowed, HTTP to be redirected to HTTPS, a conditional request).
"""

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
    HttpResponseRedirect,
    QueryDict,
)
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from dvplan.middleware import database_unavailable, is_open_data
from reports.dataversion import Version, data_version_get

PAGE_COMPUTE_WAIT_SECONDS = 10
"""How long a request waits for another worker computing the same cold page,
before computing it itself."""

PAGE_COMPUTE_POLL_SECONDS = 0.02

KEPT = "dvplan.page_kept"
"""Set in the WSGI environment when the answer is one the page cache keeps:
``cached_application`` then keeps the finished answer too."""


STORED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
"""What a cached answer keeps of its headers; the middleware above add the rest."""


@dataclass(frozen=True)
class CachedPage:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def response(self) -> HttpResponse:
        response = HttpResponse(self.body, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


def query_parameters(request: HttpRequest) -> list[tuple[str, str]]:
    """The request's parameters, decoded as Django decodes them: UTF-8 (a raw
    non-ASCII query string from a careless client included), else Latin-1."""
    raw = request.META.get("QUERY_STRING", "").encode("iso-8859-1")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("iso-8859-1")
    return parse_qsl(text, keep_blank_values=True)


def normalised_url(request: HttpRequest, parameters: list[tuple[str, str]]) -> str:
    """Scheme, host and path, then ``parameters`` (the request's) sorted by name
    (each name's values in their order): what an answer is cached by, one for
    every order of the same query. A page's URL has no empty parameters here
    (the middleware has sent the reader to the URL without them); the API's and
    the downloads' empty values are kept, since to them an empty value is a
    value (``?page=`` is a 400, as the OpenAPI document says a page is a whole
    number).

    The request's own query string is set to ``parameters`` as decoded, so the
    view reads what the key names. Their order is kept for the view: the links
    it writes follow the reader's order, and an answer cached for another order
    differs only in that; hence weak ETags."""
    request.META["QUERY_STRING"] = urlencode(parameters)
    request.GET = QueryDict(request.META["QUERY_STRING"])
    query = urlencode(sorted(parameters, key=lambda pair: pair[0]))
    base = f"{request.scheme}://{request.get_host()}{request.path}"
    return f"{base}?{query}" if query else base


def release_fingerprint() -> str:
    """What the answers depend on besides the data: the code, the templates,
    the collected static files' names and the settings that go into headers.
    Part of every key and ETag, so that a deployment of new code or settings
    is not answered from what the old one cached."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = sorted(
        [
            *root.glob("templates/**/*.html"),
            *root.glob("reports/**/*.py"),
            *root.glob("dvplan/**/*.py"),
            *root.glob("importers/**/*.py"),
            *([manifest] if manifest.exists() else []),
            Path(settings.HOTLINES_FILE),  # the footer of every page
        ]
    )
    for path in sources:
        digest.update(os.path.relpath(path, root).encode())
        digest.update(path.read_bytes())
    digest.update(
        repr(
            [
                getattr(settings, name, None)
                for name in (
                    "CONTENT_SECURITY_POLICY",
                    "SECURE_REFERRER_POLICY",
                    "SECURE_CONTENT_TYPE_NOSNIFF",
                    "X_FRAME_OPTIONS",
                    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
                    "SECURE_HSTS_SECONDS",
                    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                    "SECURE_HSTS_PRELOAD",
                    "CDN_MAX_AGE_SECONDS",
                    "QUICK_EXIT_URL",
                    "DATA_LICENCE",
                    "EXPORT_XLSX_ROW_LIMIT",
                )
            ]
        ).encode()
    )
    return digest.hexdigest()[:16]


RELEASE = release_fingerprint()


def entity_tag(version: Version, url: str) -> str:
    digest = hashlib.sha256(f"{RELEASE}{url}".encode()).hexdigest()[:24]
    return f'W/"{version.number}-{digest}"'


def page_cache_key(version: Version, url: str) -> str:
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"dvplan:page:{RELEASE}:{version.number}:{digest}"


def _is_page(path: str) -> bool:
    """An HTML page: neither the API nor a download."""
    return not is_open_data(path)


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            version = data_version_get()
        except (OperationalError, InterfaceError) as error:
            return database_unavailable(request, error)
        parameters = query_parameters(request)
        if _is_page(request.path) and any(value == "" for _, value in parameters):
            # A page's URL is shared as it stands: the short one, without the
            # empty parameters a submitted form leaves (?q=&goal=3&year=).
            query = urlencode([(name, value) for name, value in parameters if value != ""])
            redirect = HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)
            redirect["Cache-Control"] = "no-store"
            return redirect
        url = normalised_url(request, parameters)
        etag = entity_tag(version, url)
        # Whole seconds, as Last-Modified and If-Modified-Since carry them.
        last_modified = int(version.changed_at.timestamp()) if version.changed_at else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if isinstance(not_modified, HttpResponseNotModified):
            return self._validated(
                not_modified, etag=etag, version=version, html=_is_page(request.path)
            )
        if not_modified is not None:  # 412: If-Match on something else
            return not_modified
        if settings.PAGE_CACHE_SECONDS > 0:
            response = self._cached_or_computed(request, page_cache_key(version, url))
        else:
            response = self.get_response(request)
        if response.status_code != 200:
            response.headers.setdefault("Cache-Control", "no-store")
            return response
        html = response.get("Content-Type", "").startswith("text/html")
        return self._validated(response, etag=etag, version=version, html=html)

    def _cached_or_computed(self, request: HttpRequest, key: str) -> HttpResponseBase:
        page = cache.get(key)
        if page is not None:
            request.META[KEPT] = True
            return page.response()
        lock = f"{key}:computing"
        if not cache.add(lock, 1, timeout=PAGE_COMPUTE_WAIT_SECONDS):
            deadline = time.monotonic() + PAGE_COMPUTE_WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(PAGE_COMPUTE_POLL_SECONDS)
                page = cache.get(key)
                if page is not None:
                    request.META[KEPT] = True
                    return page.response()
                if cache.get(lock) is None:
                    break  # computed, but not kept (not a 200, or too large)
            return self.get_response(request)
        try:
            response = self.get_response(request)
            if _keeps(response):
                request.META[KEPT] = True
                cache.set(
                    key,
                    CachedPage(
                        status=response.status_code,
                        headers=tuple((n, response[n]) for n in STORED_HEADERS if n in response),
                        body=response.content,
                    ),
                    timeout=settings.PAGE_CACHE_SECONDS,
                )
        finally:
            cache.delete(lock)
        return response

    @staticmethod
    def _validated(
        response: HttpResponseBase, *, etag: str, version: Version, html: bool
    ) -> HttpResponseBase:
        response["ETag"] = etag
        if version.changed_at is not None:
            response["Last-Modified"] = http_date(version.changed_at.timestamp())
        shared = f"public, max-age={settings.CDN_MAX_AGE_SECONDS}"
        if html:
            response["Cache-Control"] = "no-store"
        else:
            response["Cache-Control"] = (
                f"public, max-age=0, must-revalidate, s-maxage={settings.CDN_MAX_AGE_SECONDS}"
            )
        response["CDN-Cache-Control"] = shared
        return response


def _keeps(response: HttpResponseBase) -> bool:
    """A whole 200 of a bounded size that sets no cookie and does not forbid storing."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
        and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
    )


@dataclass(frozen=True)
class FinishedAnswer:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class _EnvironRequest(HttpRequest):
    """Just enough of a request to check the host and the scheme as Django does."""

    def __init__(self, environ: dict) -> None:
        super().__init__()
        self.META = environ
        self.path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")

    def _get_scheme(self) -> str:
        return self.META.get("wsgi.url_scheme", "http")


CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
)


def finished_answer_key(environ: dict) -> str | None:
    """Where a finished answer to this request is kept, or None when Django
    must see the request (see ``cached_application``)."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return None
    path = environ.get("PATH_INFO", "")
    if path in ("/healthz", "/readyz") or path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return None
    if any(name in environ for name in CONDITIONAL_HEADERS):
        return None
    request = _EnvironRequest(environ)
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return None
    try:
        version = data_version_get()
    except DatabaseError:
        return None
    url = f"{request.scheme}://{host}{environ.get('SCRIPT_NAME', '')}{path}?"
    url += environ.get("QUERY_STRING", "")
    digest = hashlib.sha256(url.encode("latin-1")).hexdigest()
    return f"dvplan:answer:{RELEASE}:{version.number}:{digest}"


def cached_application(application: Callable) -> Callable:
    """The WSGI application, answering again from the cache what it answered
    before for the same data version and the same URL as sent."""

    def cached(environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = finished_answer_key(environ)
        if key is not None:
            answer = cache.get(key)
            if answer is not None:
                start_response(answer.status, list(answer.headers))
                return [answer.body]
        sent: dict = {}

        def remember(status: str, headers: list, exc_info=None):
            sent.update(status=status, headers=headers)
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        result = application(environ, remember)
        if key is None or not environ.get(KEPT) or not sent.get("status", "").startswith("200"):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        cache.set(
            key,
            FinishedAnswer(sent["status"], tuple(sent["headers"]), body),
            timeout=settings.PAGE_CACHE_SECONDS,
        )
        return [body]

    return cached
