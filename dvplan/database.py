"""The two database roles (docs/deploying.md, deploy/roles.sql)."""

from django.apps import AppConfig
from django.conf import settings
from django.db import connections


def grant_reader(*, app_config: AppConfig, using: str, **kwargs: object) -> None:
    """After every ``migrate``: the web role may read every table of the site.

    Runs once per migrate (on the ``reports`` app's signal), as the owner. Nothing
    to do when the web and the commands share one role (``DATABASE_OWNER_URL``
    unset): that role owns the tables already.
    """
    if app_config.label != "reports":
        return
    connection = connections[using]
    reader = settings.WEB_DATABASE.get("USER")
    if not reader or reader == connection.settings_dict.get("USER"):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {connection.ops.quote_name(reader)}"
        )
