"""The JSON API's objects. Field names are the API's contract (the OpenAPI document
is generated from these classes): add fields, never rename or remove them within
``/api/v1/``."""

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
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
    SourceDocument,
)
from reports.search import SearchQuery, highlight, highlight_snippets


def _url(serializer: serializers.Serializer, name: str, *args: object, fragment: str = "") -> str:
    """The absolute URL of a page or an API resource, as the request reached the site."""
    path = reverse(f"reports:{name}", args=args) + fragment
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _plan_slug(serializer: serializers.Serializer) -> str:
    """The plan of a list under ``/plans/<slug>/`` (the view has read it already)."""
    return serializer.context["view"].plan.slug


class UrlField(serializers.SerializerMethodField):
    """A link; the method gives the URL."""

    def __init__(self, help_text: str, **kwargs) -> None:
        super().__init__(help_text=help_text, **kwargs)


class SourceDocumentSerializer(serializers.ModelSerializer):
    """自治体が公表したその年度の実施状況の資料（出典）/ the municipality's publication
    of one year's status table, the statuses' source; url and published_on are null
    where not known"""

    url = serializers.SerializerMethodField()

    class Meta:
        model = SourceDocument
        fields = read_only_fields = ["fiscal_year", "title", "url", "published_on"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, document: SourceDocument) -> str | None:
        return document.url or None


class PlanSerializer(serializers.ModelSerializer):
    url = UrlField("この計画（API）/ this plan in the API")
    html_url = UrlField("この計画のページ / the plan's page")
    goals_url = UrlField("基本目標の一覧（API）/ the plan's goals")
    directions_url = UrlField("施策の方向の一覧（API）/ the plan's policy directions")
    projects_url = UrlField("事業の一覧（API）/ the plan's projects")
    statuses_url = UrlField(
        "実施状況の一覧（API、絞り込みできる）/ the plan's statuses, filterable"
    )
    municipality = serializers.CharField(
        source="municipality.name", read_only=True, help_text="自治体名 / municipality"
    )
    municipality_slug = serializers.CharField(
        source="municipality.slug", read_only=True, help_text="自治体の識別子 / municipality's slug"
    )
    city_url = serializers.SerializerMethodField(
        help_text="自治体の計画のページ（不明なら null）/ the municipality's page for the plan"
    )
    source_documents = SourceDocumentSerializer(many=True, read_only=True)

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
            "city_url",
            "source_documents",
            "url",
            "html_url",
            "goals_url",
            "directions_url",
            "projects_url",
            "statuses_url",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_city_url(self, plan: Plan) -> str | None:
        return plan.city_url or None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, plan: Plan) -> str:
        return _url(self, "api_plan", plan.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, plan: Plan) -> str:
        return _url(self, "plan", plan.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_goals_url(self, plan: Plan) -> str:
        return _url(self, "api_goals", plan.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_directions_url(self, plan: Plan) -> str:
        return _url(self, "api_directions", plan.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_projects_url(self, plan: Plan) -> str:
        return _url(self, "api_projects", plan.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_statuses_url(self, plan: Plan) -> str:
        return _url(self, "api_statuses", plan.slug)


class GoalSerializer(serializers.ModelSerializer):
    html_url = UrlField("この基本目標のページ / the goal's page")

    class Meta:
        model = BasicGoal
        fields = read_only_fields = ["number", "title", "html_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, goal: BasicGoal) -> str:
        return _url(self, "goal", _plan_slug(self), goal.number)


class DirectionSerializer(serializers.ModelSerializer):
    goal_number = serializers.IntegerField(source="goal.number", read_only=True)

    html_url = UrlField("この施策の方向のページ / the policy direction's page")

    class Meta:
        model = PolicyDirection
        fields = read_only_fields = ["goal_number", "number", "title", "html_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, direction: PolicyDirection) -> str:
        return _url(self, "direction", _plan_slug(self), direction.goal.number, direction.number)


class ProjectSerializer(serializers.ModelSerializer):
    goal_number = serializers.IntegerField(source="direction.goal.number", read_only=True)
    direction_number = serializers.IntegerField(source="direction.number", read_only=True)

    html_url = UrlField("この事業のページ（各年度の実施状況）/ the project's page, every year")

    class Meta:
        model = Project
        fields = read_only_fields = [
            "number",
            "name",
            "content",
            "goal_number",
            "direction_number",
            "html_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, project: Project) -> str:
        return _url(self, "project", _plan_slug(self), project.number)


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
    html_url = UrlField("この担当課のページ / the department's page")

    class Meta:
        model = Department
        fields = read_only_fields = [
            "municipality",
            "municipality_slug",
            "name",
            "kind",
            "predecessors",
            "html_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, department: Department) -> str:
        return _url(self, "department", department.municipality.slug, department.name)


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

    # Read from an export value tuple (``reports.exports``), with the corrections
    # of its project from ``corrections`` in the context (a ``corrections.CorrectionBook``);
    # with a keyword (``query`` in the context), ``search`` holds the snippets
    # around each match.

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = {column.key: _column_field(column) for column in EXPORT_COLUMNS}
        fields["department_name_list"] = serializers.ListField(
            child=serializers.CharField(),
            read_only=True,
            help_text="担当課の名称（記載順のリスト。department_names は同じものを「、」で"
            "つないだ文字列）/ the departments in the order listed (department_names joins them)",
        )
        fields["url"] = serializers.URLField(
            read_only=True,
            help_text="この実施状況（API、id と同じ道筋）/ this status in the API, at its id's path",
        )
        fields["html_url"] = serializers.URLField(
            read_only=True,
            help_text="この実施状況を載せた事業のページ（その年度の節）/ "
            "the project's page, at this year's section",
        )
        fields["search"] = StatusSearchSerializer(required=False)
        return fields

    def to_representation(self, instance: tuple[Any, ...]) -> dict[str, Any]:
        record = export_record(instance, self.context["corrections"])
        names = record["department_names"]
        record["department_name_list"] = names.split(DEPARTMENT_SEPARATOR) if names else []
        record["url"] = _url(
            self, "api_status", record["plan"], record["fiscal_year"], record["project_number"]
        )
        record["html_url"] = _url(
            self,
            "project",
            record["plan"],
            record["project_number"],
            fragment=f"#status-{record['fiscal_year']}",
        )
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
