from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "saitama_dv2_H29_status.txt"
SEED_PLAN = "saitama-dv-2"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Pages are tested without running collectstatic first: static files are
    # found in static/ as in development.
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def seeded(db):
    """The database as `make run` leaves it: the fixtures manifest loaded."""
    call_command("load_fixtures", stdout=StringIO())
