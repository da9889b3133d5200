#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvplan.settings")
    if sys.argv[1:2] == ["runserver"]:
        # Serving the web: the read-only role, as under gunicorn (dvplan/wsgi.py).
        os.environ["DVPLAN_SERVES_WEB"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
