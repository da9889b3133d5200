"""The OpenAPI document is generated from the code: the FilterSet, the serializers,
the pagination and the error answers, never listed by hand."""

from io import StringIO

import django_filters
import yaml
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from reports import api
from reports.exports import EXPORT_COLUMNS
from reports.filters import StatusFilter
from reports.openapi import openapi_document

STATUSES = "/api/v1/plans/{slug}/statuses/"


def query_parameters(document: dict, path: str) -> dict[str, dict]:
    return {
        p["name"]: p for p in document["paths"][path]["get"]["parameters"] if p["in"] == "query"
    }


def test_the_status_lists_parameters_are_the_filtersets_filters_and_page():
    parameters = query_parameters(openapi_document(), STATUSES)
    assert sorted(parameters) == sorted([*StatusFilter.base_filters, "page"])
    assert sorted(parameters) == ["department", "direction", "goal", "page", "q", "year"]
    assert {name: p["description"] for name, p in parameters.items() if name != "page"} == {
        "goal": "基本目標: the goal's number within the plan, e.g. 2",
        "direction": "施策の方向: goal number and direction number joined by a hyphen, e.g. 2-4",
        "department": "担当課: the department's name as published, e.g. 男女共同参画課; "
        "a successor also counts its predecessor's entries from the takeover year",
        "year": "年度: the Western fiscal year, e.g. 2017 for 平成29年度",
        "q": "キーワード",
    }
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}


def test_a_filter_added_to_the_filterset_is_documented_without_touching_the_api(monkeypatch):
    class WiderStatusFilter(StatusFilter):
        source_row = django_filters.NumberFilter(label="取り込み元の行")

    monkeypatch.setattr(api.StatusList, "filterset_class", WiderStatusFilter)
    document = SchemaGenerator().get_schema(request=None, public=True)
    parameters = query_parameters(document, STATUSES)
    assert sorted(parameters) == [
        "department", "direction", "goal", "page", "q", "source_row", "year",
    ]  # fmt: skip
    assert parameters["source_row"]["schema"] == {"type": "integer"}


SINGLE = ("/api/v1/plans/{slug}/", "/api/v1/plans/{slug}/statuses/{fiscal_year}/{number}/")
"""The paths of one object, not a list."""


def test_the_other_lists_take_only_a_page_and_single_objects_none():
    document = openapi_document()
    for path in document["paths"]:
        if path not in (STATUSES, *SINGLE):
            assert list(query_parameters(document, path)) == ["page"], path
    for path in SINGLE:
        assert query_parameters(document, path) == {}


def test_every_operation_documents_its_errors_and_the_etag():
    document = openapi_document()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        is_list = path not in SINGLE
        assert sorted(responses) == (
            ["200", "304", "400", "404"] if is_list else ["200", "304", "404"]
        )
        assert responses["404"]["content"] == error
        assert "content" not in responses["304"]
        assert list(responses["200"]["headers"]) == ["ETag"]
    assert document["components"]["schemas"]["Error"]["properties"] == {
        "error": {"type": "string", "readOnly": True}
    }


def test_a_status_has_the_downloads_fields_and_search_only_when_asked():
    schemas = openapi_document()["components"]["schemas"]
    status = schemas["Status"]
    assert list(status["properties"]) == [c.key for c in EXPORT_COLUMNS] + [
        "department_name_list",
        "url",
        "html_url",
        "search",
    ]
    assert sorted(status["required"]) == sorted(
        [c.key for c in EXPORT_COLUMNS] + ["department_name_list", "url", "html_url"]
    )
    assert status["properties"]["plan_first_fiscal_year"]["nullable"] is True
    assert status["properties"]["fiscal_year"]["type"] == "integer"
    assert sorted(schemas["PaginatedStatusList"]["required"]) == [
        "count", "next", "previous", "results",
    ]  # fmt: skip


def test_the_document_is_valid_openapi_and_generates_without_warnings(tmp_path):
    path = tmp_path / "openapi.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(path), stderr=StringIO()
    )
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["paths"].keys() == (
        openapi_document()["paths"].keys()
    )


def test_departments_and_plans_carry_their_municipality():
    schemas = openapi_document()["components"]["schemas"]
    assert list(schemas["Department"]["properties"]) == [
        "municipality",
        "municipality_slug",
        "name",
        "kind",
        "predecessors",
        "html_url",
    ]
    assert list(schemas["Plan"]["properties"])[2:4] == ["municipality", "municipality_slug"]
    assert schemas["Plan"]["properties"]["municipality_slug"] == {
        "type": "string",
        "readOnly": True,
        "description": "自治体の識別子 / municipality's slug",
    }
