"""The WSGI application that gunicorn serves (deploy/gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvplan.settings")
# This process serves the web: it connects with DATABASE_URL's read-only role.
os.environ["DVPLAN_SERVES_WEB"] = "1"

application = get_wsgi_application()
