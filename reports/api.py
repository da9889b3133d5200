"""The read-only JSON API under ``/api/v1/``, on Django REST framework: generic views
over the selectors, and the filter page's FilterSet through django-filter's
backend, so a URL's parameters mean the same as on the pages.

Lists are paginated (``page``, ``count``, ``next``, ``previous``, ``results``);
every response carries an ETag from the data version and answers
``If-None-Match`` with 304 (``dvplan.page_cache``, as for every page); errors
are ``{"error": "…"}``. JSON only: no browsable API, no users, no cookies (the
``REST_FRAMEWORK`` settings).
"""

from typing import Any

from django.http import HttpResponseBase
from django.urls import reverse
from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, pagination, views
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from reports import exports, selectors, serializers
from reports.filters import StatusFilter
from reports.models import AnnualStatus, Plan
from reports.openapi import openapi_document

PAGE_SIZE = 100

NOT_FOUND = "見つかりません / not found"
METHOD_NOT_ALLOWED = "GET と HEAD だけが使えます / only GET and HEAD are allowed"


class JsonOnly(BaseContentNegotiation):
    """JSON whatever the ``Accept`` header says: there is nothing else to offer."""

    def select_parser(self, request, parsers):
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponseBase | None:
    """DRF's handler, with every error body as ``{"error": "…"}``: ``name: message``
    for each refused parameter, one message for a missing resource, one naming the
    methods there are for any other method than GET or HEAD."""
    response = views.exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        message = " ".join(
            f"{name}: {error}" for name, errors in exc.detail.items() for error in errors
        )
    elif response.status_code == 404:
        message = NOT_FOUND
    elif isinstance(exc, exceptions.MethodNotAllowed):
        message = METHOD_NOT_ALLOWED
        response["Allow"] = ", ".join(context["view"].allowed_methods)
    else:
        message = str(exc)
    response.data = {"error": message}
    return response


class PageNumberPagination(pagination.PageNumberPagination):
    """``PAGE_SIZE`` items a page; ``page`` is a whole number from 1 (else a 400), and
    ``next``/``previous`` keep the other parameters in their order."""

    def get_page_size(self, request: Request) -> int:
        return PAGE_SIZE

    def get_page_number(self, request: Request, paginator) -> int:
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_query_param: [f"「{raw}」というページはありません。"]}
            )
        return int(raw)

    def get_next_link(self) -> str | None:
        return self._link(self.page.next_page_number()) if self.page.has_next() else None

    def get_previous_link(self) -> str | None:
        return self._link(self.page.previous_page_number()) if self.page.has_previous() else None

    def _link(self, number: int) -> str:
        query = self.request.query_params.copy()
        query[self.page_query_param] = str(number)
        return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer"},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "in": "query",
                "required": False,
                "description": f"ページ番号（1から、{PAGE_SIZE}件ずつ）/ page number, from 1",
                "schema": {"type": "integer", "minimum": 1},
            }
        ]


class PlanFilterBackend(DjangoFilterBackend):
    """django-filter's backend for a FilterSet whose choices are a plan's (its goals,
    directions, departments, years): the view's ``get_filterset_kwargs`` adds them.
    The FilterSet stays on the view, which reads the keyword from it."""

    def get_filterset_kwargs(self, request, queryset, view) -> dict[str, Any]:
        return {
            **super().get_filterset_kwargs(request, queryset, view),
            **view.get_filterset_kwargs(),
        }

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class ReadOnlyApiView:
    """GET and HEAD only; JSON whatever the ``Accept`` header says; errors
    as ``{"error": "…"}``; no ``Allow`` header (DRF's default) but on a 405."""

    http_method_names = ["get", "head"]
    content_negotiation_class = JsonOnly
    pagination_class = PageNumberPagination

    def get_exception_handler(self):
        return exception_handler

    @property
    def default_response_headers(self) -> dict[str, str]:
        return {}


class PlanScoped:
    """A list within the plan named by the URL's ``slug`` (404 if none)."""

    @cached_property
    def plan(self) -> Plan:
        return selectors.plan_get(slug=self.kwargs["slug"])


class Index(ReadOnlyApiView, views.APIView):
    schema = None

    def get(self, request: Request) -> Response:
        def url(name: str) -> str:
            return request.build_absolute_uri(reverse(f"reports:{name}"))

        return Response(
            {
                "plans": url("api_plans"),
                "departments": url("api_departments"),
                "openapi": url("api_openapi"),
            }
        )


class OpenApiDocument(ReadOnlyApiView, views.APIView):
    schema = None

    def get(self, request: Request) -> Response:
        return Response(openapi_document())


class NotFound(ReadOnlyApiView, views.APIView):
    """Any other path under ``/api/``: a JSON 404, not the HTML page."""

    schema = None

    def get(self, request: Request, *args, **kwargs) -> Response:
        raise exceptions.NotFound()


@extend_schema(summary="計画の一覧 / plans")
class PlanList(ReadOnlyApiView, generics.ListAPIView):
    serializer_class = serializers.PlanSerializer

    def get_queryset(self):
        return selectors.plan_list_with_sources()


@extend_schema(summary="計画 / a plan")
class PlanDetail(ReadOnlyApiView, generics.RetrieveAPIView):
    serializer_class = serializers.PlanSerializer

    def get_object(self) -> Plan:
        return selectors.plan_get(slug=self.kwargs["slug"])


@extend_schema(summary="基本目標 / basic goals")
class GoalList(PlanScoped, ReadOnlyApiView, generics.ListAPIView):
    serializer_class = serializers.GoalSerializer

    def get_queryset(self):
        return selectors.api_goals(plan=self.plan)


@extend_schema(summary="施策の方向 / policy directions")
class DirectionList(PlanScoped, ReadOnlyApiView, generics.ListAPIView):
    serializer_class = serializers.DirectionSerializer

    def get_queryset(self):
        return selectors.api_directions(plan=self.plan)


@extend_schema(summary="事業 / projects")
class ProjectList(PlanScoped, ReadOnlyApiView, generics.ListAPIView):
    serializer_class = serializers.ProjectSerializer

    def get_queryset(self):
        return selectors.api_projects(plan=self.plan)


@extend_schema(summary="担当課 / departments")
class DepartmentList(ReadOnlyApiView, generics.ListAPIView):
    serializer_class = serializers.DepartmentSerializer

    def get_queryset(self):
        return selectors.api_departments()


@extend_schema(
    summary="年度実施状況（絞り込みページと同じ条件）/ annual statuses, filtered as on the pages",
    description='キーワード（q）: 空白で区切った語はすべて含むもの、"…" は語句、-語 は除外。'
    "結果は一致の良い順で、各項目に search（一致箇所の抜粋）が付く。"
    ' / q: words ANDed, "phrase", -word excludes; results best match first, each with '
    "`search` (snippets around the matches).",
)
class StatusList(PlanScoped, ReadOnlyApiView, generics.ListAPIView):
    serializer_class = serializers.StatusSerializer
    filter_backends = [PlanFilterBackend]
    filterset_class = StatusFilter
    queryset = AnnualStatus.objects.none()
    """The model, for the FilterSet's check and the OpenAPI document;
    ``get_queryset`` reads the plan's statuses."""
    filterset: StatusFilter

    def get_queryset(self):
        return selectors.plan_statuses(plan=self.plan)

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"options": selectors.status_filter_options(plan=self.plan)}

    def list(self, request: Request, *args, **kwargs) -> Response:
        statuses = self.filter_queryset(self.get_queryset())
        query = self.filterset.search_query
        if query is None:
            rows = exports.status_export_values(statuses=statuses)
        else:
            rows = selectors.ranked_status_values(filterset=self.filterset)
        page = self.paginate_queryset(rows)
        context = {
            **self.get_serializer_context(),
            "query": query,
            "corrections": exports.corrections_of_values(page),
        }
        serializer = self.get_serializer(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)


@extend_schema(summary="年度実施状況（1件）/ one annual status, by its id")
class StatusDetail(PlanScoped, ReadOnlyApiView, generics.RetrieveAPIView):
    """``/api/v1/plans/<plan>/statuses/<fiscal year>/<project number>/``: the path
    of a status's ``id``, answering the object the list gives."""

    serializer_class = serializers.StatusSerializer
    queryset = AnnualStatus.objects.none()

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        statuses = selectors.plan_statuses(plan=self.plan).filter(
            fiscal_year=self.kwargs["fiscal_year"], project__number=self.kwargs["number"]
        )
        values = exports.status_export_values(statuses=statuses).first()
        if values is None:
            raise exceptions.NotFound()
        context = {
            **self.get_serializer_context(),
            "corrections": exports.corrections_of_values([values]),
        }
        return Response(self.get_serializer(values, context=context).data)
