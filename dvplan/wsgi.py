"""The WSGI application that gunicorn serves (deploy/gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvplan.settings")
# This process serves the web: it connects with DATABASE_URL's read-only role.
os.environ["DVPLAN_SERVES_WEB"] = "1"

django_application = get_wsgi_application()

# Answers kept per data version are sent again without entering Django
# (dvplan/page_cache.py); imported once Django is set up.
from dvplan.page_cache import cached_application  # noqa: E402

application = cached_application(django_application)


def _report_search_index() -> None:
    """Log at start-up whether the search index needs rebuilding (gunicorn runs
    no system checks), then close the connection that took: with ``--preload``
    this runs in the master, whose connection the workers must not share."""
    from django.db import connections

    from reports.search.checks import log_index_state

    log_index_state()
    connections.close_all()


_report_search_index()
