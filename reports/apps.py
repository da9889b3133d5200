from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "計画と実施状況"

    def ready(self) -> None:
        from reports.search import checks  # noqa: F401  (registers the search index's check)
