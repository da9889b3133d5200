"""The read-only JSON API under ``/api/v1/``: thin views over the selectors and the
filter page's FilterSet, so a URL's parameters mean the same as on the pages.

Lists are paginated (``page``, ``count``, ``next``, ``previous``, ``results``);
every response carries an ETag and answers ``If-None-Match`` with 304.
"""

import json
from functools import partial, wraps
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.http import require_safe

from reports import exports, selectors, serializers
from reports.openapi import openapi_document
from reports.search import SearchQuery, highlight, highlight_snippets

PAGE_SIZE = 100

conditional = decorator_from_middleware(ConditionalGetMiddleware)
"""An ETag from the body's hash, and 304 when If-None-Match matches it."""


def api_view(view):
    """GET and HEAD only, ETags, and a JSON 404 (not the HTML page) for what does not exist."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return _error("見つかりません / not found", status=404)

    return require_safe(conditional(wrapped))


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message}, status=status)


class _PageError(ValueError):
    """A ``page`` that is not a positive whole number."""


def _page(request: HttpRequest, items, serialize) -> dict[str, Any]:
    """One page of ``items`` with links to its neighbours, keeping the other parameters."""
    paginator = Paginator(items, PAGE_SIZE)
    raw = request.GET.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise _PageError(raw)
    if int(raw) > paginator.num_pages:
        raise Http404(raw)
    page = paginator.page(int(raw))

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": [serialize(item) for item in page.object_list],
    }


def _paginated(request: HttpRequest, items, serialize) -> JsonResponse:
    try:
        return _json(_page(request, items, serialize))
    except _PageError as error:
        return _error(f"page: 「{error}」というページはありません。")


@api_view
def not_found(request: HttpRequest) -> JsonResponse:
    raise Http404(request.path)


@api_view
def index(request: HttpRequest) -> JsonResponse:
    def url(path: str) -> str:
        return request.build_absolute_uri(path)

    return _json(
        {
            "plans": url("/api/v1/plans/"),
            "departments": url("/api/v1/departments/"),
            "openapi": url("/api/v1/openapi.json"),
        }
    )


@api_view
def openapi(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        json.dumps(openapi_document(), ensure_ascii=False, indent=1),
        content_type="application/json",
    )


@api_view
def plan_list(request: HttpRequest) -> JsonResponse:
    return _paginated(request, selectors.plan_list(), serializers.plan_data)


@api_view
def plan_detail(request: HttpRequest, slug: str) -> JsonResponse:
    return _json(serializers.plan_data(selectors.plan_get(slug=slug)))


@api_view
def goal_list(request: HttpRequest, slug: str) -> JsonResponse:
    plan = selectors.plan_get(slug=slug)
    return _paginated(request, selectors.api_goals(plan=plan), serializers.goal_data)


@api_view
def direction_list(request: HttpRequest, slug: str) -> JsonResponse:
    plan = selectors.plan_get(slug=slug)
    return _paginated(request, selectors.api_directions(plan=plan), serializers.direction_data)


@api_view
def project_list(request: HttpRequest, slug: str) -> JsonResponse:
    plan = selectors.plan_get(slug=slug)
    return _paginated(request, selectors.api_projects(plan=plan), serializers.project_data)


@api_view
def department_list(request: HttpRequest) -> JsonResponse:
    return _paginated(request, selectors.api_departments(), serializers.department_data)


@api_view
def status_list(request: HttpRequest, slug: str) -> JsonResponse:
    """The filter page's statuses, with its parameters (goal, direction, department, year, q)."""
    plan = selectors.plan_get(slug=slug)
    filterset = selectors.plan_status_filter(plan=plan, data=request.GET)
    if not filterset.is_valid():
        return _error(
            " ".join(
                f"{name}: {message}"
                for name, messages in filterset.errors.items()
                for message in messages
            )
        )
    query = filterset.search_query
    if query is None:
        values = exports.status_export_values(statuses=filterset.qs)
        return _paginated(request, values, exports.export_record)
    ranked = selectors.ranked_status_values(filterset=filterset)
    return _paginated(request, ranked, partial(_searched_record, query=query))


def _searched_record(values: tuple[Any, ...], *, query: SearchQuery) -> dict[str, Any]:
    """A status found by a keyword: its fields, and under ``search`` the project
    name with the matches marked and HTML snippets around each match (text
    escaped, matches in ``<mark>``)."""
    record = exports.export_record(values)
    names = record["department_names"]
    departments = names.split(exports.DEPARTMENT_SEPARATOR) if names else []
    record["search"] = {
        "project_html": str(highlight(record["project"], query)),
        "content_html": [str(s) for s in highlight_snippets(record["content"], query)],
        "status_html": [str(s) for s in highlight_snippets(record["status"], query)],
        "departments_html": [
            str(s) for name in departments for s in highlight_snippets(name, query)
        ],
    }
    return record
