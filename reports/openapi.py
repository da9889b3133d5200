"""The JSON API's contract: an OpenAPI 3.0 document generated from the views, their
serializers, the pagination and the filter page's FilterSet (drf-spectacular),
served at /api/v1/openapi.json.

The tests run schemathesis against the live site with this document: every
documented response must match it.
"""

import inspect
import json
from functools import cache
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.mixins import ListModelMixin
from rest_framework.utils.encoders import JSONEncoder

from reports.serializers import ErrorSerializer


class ApiSchema(AutoSchema):
    """drf-spectacular's description of a view, with the answers every API view
    gives besides its 200: a 304 to a matching If-None-Match, a 404 for an unknown
    plan or a page past the end, and for a list a 400 for a refused parameter."""

    def get_response_serializers(self) -> dict[int, Any]:
        responses = {
            200: super().get_response_serializers(),
            304: OpenApiResponse(description="If-None-Match が ETag と一致 / not modified"),
        }
        if isinstance(self.view, ListModelMixin):
            responses[400] = OpenApiResponse(
                ErrorSerializer,
                description="パラメーターの誤り / a parameter that is not one of the options",
            )
        responses[404] = OpenApiResponse(
            ErrorSerializer, description="計画やページがありません / no such plan or page"
        )
        return responses

    def get_description(self) -> str:
        """The view's own docstring only: the base classes' notes are for developers."""
        return inspect.cleandoc(type(self.view).__doc__ or "")

    def get_override_parameters(self) -> list[Any]:
        etag = OpenApiParameter(
            "ETag",
            str,
            OpenApiParameter.HEADER,
            response=[200],
            description="本文のハッシュ / a hash of the body",
        )
        return [*super().get_override_parameters(), etag]


@cache
def _document_text() -> str:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.dumps(schema, cls=JSONEncoder, ensure_ascii=False)


def openapi_document() -> dict[str, Any]:
    """The document as plain JSON data, generated once per process."""
    return json.loads(_document_text())
