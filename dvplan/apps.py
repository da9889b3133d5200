from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DvplanConfig(AppConfig):
    """The project itself as an app: what runs after ``migrate``."""

    name = "dvplan"
    verbose_name = "サイト"

    def ready(self) -> None:
        from dvplan.database import grant_reader

        post_migrate.connect(grant_reader, dispatch_uid="dvplan.grant_reader")
