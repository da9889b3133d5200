"""The JSON API's objects. Field names are the API's contract (the OpenAPI document
is generated from these classes): add fields, never rename or remove them within
``/api/v1/``."""

from typing import Any

from rest_framework import serializers

from reports.exports import (
    DEPARTMENT_SEPARATOR,
    EXPORT_COLUMNS,
    ExportColumn,
    era_fiscal_year,
    export_record,
)
from reports.models import (
    BasicGoal,
    Department,
    DepartmentSuccession,
    Plan,
    PolicyDirection,
    Project,
)
from reports.search import SearchQuery, highlight, highlight_snippets


class PlanSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(
        source="municipality.name", read_only=True, help_text="自治体名 / municipality"
    )
    municipality_slug = serializers.CharField(
        source="municipality.slug", read_only=True, help_text="自治体の識別子 / municipality's slug"
    )

    class Meta:
        model = Plan
        fields = read_only_fields = [
            "slug",
            "title",
            "municipality",
            "municipality_slug",
            "aim",
            "first_fiscal_year",
            "last_fiscal_year",
        ]


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = BasicGoal
        fields = read_only_fields = ["number", "title"]


class DirectionSerializer(serializers.ModelSerializer):
    goal_number = serializers.IntegerField(source="goal.number", read_only=True)

    class Meta:
        model = PolicyDirection
        fields = read_only_fields = ["goal_number", "number", "title"]


class ProjectSerializer(serializers.ModelSerializer):
    goal_number = serializers.IntegerField(source="direction.goal.number", read_only=True)
    direction_number = serializers.IntegerField(source="direction.number", read_only=True)

    class Meta:
        model = Project
        fields = read_only_fields = ["number", "name", "content", "goal_number", "direction_number"]


class PredecessorSerializer(serializers.ModelSerializer):
    """組織変更前の課（その年度から引き継いだ課）/ a department taken over from a fiscal year on"""

    name = serializers.CharField(source="predecessor.name", read_only=True)
    effective_fiscal_year_era = serializers.SerializerMethodField()

    class Meta:
        model = DepartmentSuccession
        fields = read_only_fields = [
            "name",
            "effective_fiscal_year",
            "effective_fiscal_year_era",
            "note",
        ]

    def get_effective_fiscal_year_era(self, link: DepartmentSuccession) -> str:
        return era_fiscal_year(link.effective_fiscal_year)


class DepartmentSerializer(serializers.ModelSerializer):
    """担当課（名称は自治体の中で一意）/ a department, named uniquely within its municipality"""

    municipality = serializers.CharField(
        source="municipality.name", read_only=True, help_text="自治体名 / municipality"
    )
    municipality_slug = serializers.CharField(
        source="municipality.slug", read_only=True, help_text="自治体の識別子 / municipality's slug"
    )
    predecessors = PredecessorSerializer(source="predecessor_links", many=True, read_only=True)

    class Meta:
        model = Department
        fields = read_only_fields = [
            "municipality",
            "municipality_slug",
            "name",
            "kind",
            "predecessors",
        ]


class StatusSearchSerializer(serializers.Serializer):
    """キーワード（q）があるときだけ: 一致箇所の抜粋。本文はエスケープ済み、一致箇所は <mark> /
    Only with q: snippets around each match, text escaped, matches in <mark>."""

    project_html = serializers.CharField(
        help_text="事業名称、一致箇所を <mark> で囲んだHTML / Project name, matches in <mark>"
    )
    content_html = serializers.ListField(child=serializers.CharField(), help_text="事業内容の抜粋")
    status_html = serializers.ListField(child=serializers.CharField(), help_text="実施状況の抜粋")
    departments_html = serializers.ListField(
        child=serializers.CharField(), help_text="担当課の抜粋"
    )


_INTEGER_COLUMNS = {
    "goal_number",
    "direction_number",
    "project_number",
    "fiscal_year",
    "source_row",
}
_NULLABLE_INTEGER_COLUMNS = {"plan_first_fiscal_year", "plan_last_fiscal_year"}


def _column_field(column: ExportColumn) -> serializers.Field:
    help_text = f"{column.label} / {column.description_en}"
    if column.key in _INTEGER_COLUMNS:
        return serializers.IntegerField(read_only=True, help_text=help_text)
    if column.key in _NULLABLE_INTEGER_COLUMNS:
        return serializers.IntegerField(read_only=True, allow_null=True, help_text=help_text)
    return serializers.CharField(read_only=True, help_text=help_text)


class StatusSerializer(serializers.Serializer):
    """年度実施状況: JSON ダウンロードと同じ項目 / an annual status, with the JSON download's fields"""

    # Read from an export value tuple (``reports.exports``); with a keyword
    # (``query`` in the context), ``search`` holds the snippets around each match.

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = {column.key: _column_field(column) for column in EXPORT_COLUMNS}
        fields["search"] = StatusSearchSerializer(required=False)
        return fields

    def to_representation(self, instance: tuple[Any, ...]) -> dict[str, Any]:
        record = export_record(instance)
        query = self.context.get("query")
        if query is not None:
            record["search"] = _search_snippets(record, query)
        return super().to_representation(record)


def _search_snippets(record: dict[str, Any], query: SearchQuery) -> dict[str, Any]:
    names = record["department_names"]
    departments = names.split(DEPARTMENT_SEPARATOR) if names else []
    return {
        "project_html": str(highlight(record["project"], query)),
        "content_html": [str(s) for s in highlight_snippets(record["content"], query)],
        "status_html": [str(s) for s in highlight_snippets(record["status"], query)],
        "departments_html": [
            str(s) for name in departments for s in highlight_snippets(name, query)
        ],
    }


class ErrorSerializer(serializers.Serializer):
    """誤りの説明（パラメーター名: 理由）/ what was refused (parameter: reason) or not found"""

    error = serializers.CharField(read_only=True)
