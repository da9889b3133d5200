from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "saitama_dv2_H29_status.txt"
SEED_PLAN = "saitama-dv-2"


def static_files_as_in_development(storages: dict) -> dict:
    """Settings that find static files in static/, without running collectstatic first."""
    return {
        "WHITENOISE_AUTOREFRESH": True,
        "WHITENOISE_USE_FINDERS": True,
        "STORAGES": {
            **storages,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Pages are tested without running collectstatic first.
    for name, value in static_files_as_in_development(settings.STORAGES).items():
        setattr(settings, name, value)


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def seeded(db):
    """The database as `make run` leaves it: the fixtures manifest loaded."""
    call_command("load_fixtures", stdout=StringIO())
