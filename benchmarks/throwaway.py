"""What every benchmark needs: the repository importable, Django set up, and a
database of its own that is dropped afterwards, on the server the settings name
(the embedded one, or ``DATABASE_URL``)."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository's packages, and the synthetic data builder (tests/synthetic.py),
# importable from a benchmark run as a script.
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvplan.settings")
    django.setup()


@contextmanager
def throwaway_database(name: str) -> Iterator[None]:
    """Create and migrate the database ``name``, connect to it, drop it on the way out."""
    from django.db import connection

    connection.settings_dict["TEST"]["NAME"] = name
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.close()
        connection.creation.destroy_test_db(original_name, verbosity=0)
