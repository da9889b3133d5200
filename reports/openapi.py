"""The JSON API's contract, OpenAPI 3.0, written by hand and served at /api/v1/openapi.json.

The tests run schemathesis against the live site with this document: every
documented response must match it.
"""

from typing import Any

from reports.exports import EXPORT_COLUMNS


def _string(description: str = "") -> dict[str, Any]:
    return {"type": "string", "description": description} if description else {"type": "string"}


_INTEGER = {"type": "integer"}
_NULLABLE_INTEGER = {"type": "integer", "nullable": True}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def _page_of(ref: str) -> dict[str, Any]:
    return _object(
        {
            "count": _INTEGER,
            "next": {"type": "string", "format": "uri", "nullable": True},
            "previous": {"type": "string", "format": "uri", "nullable": True},
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
        }
    )


_INTEGER_FIELDS = {"goal_number", "direction_number", "project_number", "fiscal_year", "source_row"}
_NULLABLE_INTEGER_FIELDS = {"plan_first_fiscal_year", "plan_last_fiscal_year"}

SCHEMAS: dict[str, Any] = {
    "Plan": _object(
        {
            "slug": _string("計画ID / plan identifier"),
            "title": _string("計画名"),
            "municipality": _string("自治体"),
            "aim": _string("計画の目標"),
            "first_fiscal_year": _NULLABLE_INTEGER,
            "last_fiscal_year": _NULLABLE_INTEGER,
        }
    ),
    "Goal": _object({"number": _INTEGER, "title": _string("基本目標")}),
    "Direction": _object(
        {"goal_number": _INTEGER, "number": _INTEGER, "title": _string("施策の方向")}
    ),
    "Project": _object(
        {
            "number": _INTEGER,
            "name": _string("事業名称"),
            "content": _string("事業内容"),
            "goal_number": _INTEGER,
            "direction_number": _INTEGER,
        }
    ),
    "Department": _object(
        {
            "name": _string("担当課"),
            "kind": {"type": "string", "enum": ["section", "whole_government"]},
            "predecessors": {
                "type": "array",
                "items": _object(
                    {
                        "name": _string(),
                        "effective_fiscal_year": _INTEGER,
                        "effective_fiscal_year_era": _string(),
                        "note": _string("組織変更の注記（原文）"),
                    }
                ),
            },
        }
    ),
    "Status": _object(
        {
            column.key: (
                {"type": "integer", "description": f"{column.label} / {column.description_en}"}
                if column.key in _INTEGER_FIELDS
                else {
                    "type": "integer",
                    "nullable": True,
                    "description": f"{column.label} / {column.description_en}",
                }
                if column.key in _NULLABLE_INTEGER_FIELDS
                else _string(f"{column.label} / {column.description_en}")
            )
            for column in EXPORT_COLUMNS
        }
    ),
    "Error": _object({"error": _string()}),
}
SCHEMAS["Status"]["properties"]["search"] = {
    **_object(
        {
            "project_html": _string(
                "事業名称、一致箇所を <mark> で囲んだHTML / Project name, matches in <mark>"
            ),
            "content_html": {"type": "array", "items": _string("事業内容の抜粋（HTML）")},
            "status_html": {"type": "array", "items": _string("実施状況の抜粋（HTML）")},
            "departments_html": {"type": "array", "items": _string("担当課の抜粋（HTML）")},
        }
    ),
    "description": "キーワード（q）があるときだけ: 一致箇所の抜粋。本文はエスケープ済み、一致箇所は <mark> / Only with q: snippets around each match, text escaped, matches in <mark>",
}
for _name in ("Plan", "Goal", "Direction", "Project", "Department", "Status"):
    SCHEMAS[f"{_name}Page"] = _page_of(_name)

_PAGE = {
    "name": "page",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1},
    "description": "ページ番号（1から、100件ずつ）",
}
_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
_FILTERS = [
    {"name": "goal", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "基本目標の番号 (2)"},
    {"name": "direction", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "施策の方向: 基本目標番号-番号 (2-4)"},
    {"name": "department", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "担当課の名称（組織変更前の課の記載を含む）"},
    {"name": "year", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "年度（西暦）"},
    {"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "キーワード（空白で区切った語はすべて含むもの、\"…\" は語句、-語 は除外）。"
                    "結果は一致の良い順 / words ANDed, \"phrase\", -word excludes; results best match first"},
]  # fmt: skip


def _json_response(description: str, ref: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"ETag": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


_BAD_REQUEST = {
    "description": "パラメーターの誤り / a parameter that is not one of the options",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_NOT_FOUND = {
    "description": "計画やページがありません / no such plan or page",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_NOT_MODIFIED = {"description": "If-None-Match が ETag と一致 / not modified"}


def _list(summary: str, ref: str, *, plan: bool, filters: bool = False) -> dict[str, Any]:
    parameters = ([_SLUG] if plan else []) + (_FILTERS if filters else []) + [_PAGE]
    responses = {
        "200": _json_response(summary, f"{ref}Page"),
        "304": _NOT_MODIFIED,
        "400": _BAD_REQUEST,
    }
    responses["404"] = _NOT_FOUND
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "計画の実施状況 API",
            "version": "1.0.0",
            "description": "自治体の基本計画と事業ごとの年度実施状況（読み取り専用）。"
            "A read-only API for a city's basic plan and the yearly status of its projects.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/plans/": _list("計画の一覧 / plans", "Plan", plan=False),
            "/api/v1/plans/{slug}/": {
                "get": {
                    "summary": "計画 / a plan",
                    "parameters": [_SLUG],
                    "responses": {
                        "200": _json_response("計画 / a plan", "Plan"),
                        "304": _NOT_MODIFIED,
                        "404": _NOT_FOUND,
                    },
                }
            },
            "/api/v1/plans/{slug}/goals/": _list("基本目標 / basic goals", "Goal", plan=True),
            "/api/v1/plans/{slug}/directions/": _list(
                "施策の方向 / policy directions", "Direction", plan=True
            ),
            "/api/v1/plans/{slug}/projects/": _list("事業 / projects", "Project", plan=True),
            "/api/v1/plans/{slug}/statuses/": _list(
                "年度実施状況（絞り込みページと同じ条件）/ annual statuses, filtered as on the pages",
                "Status",
                plan=True,
                filters=True,
            ),
            "/api/v1/departments/": _list("担当課 / departments", "Department", plan=False),
        },
        "components": {"schemas": SCHEMAS},
    }
