from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

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


@pytest.fixture(autouse=True, scope="session")
def _plain_static_storage() -> Iterator[None]:
    """Pages are tested without running collectstatic first.

    For the whole session, not test by test: the live server's thread keeps
    answering between tests (a browser's late request for /favicon.ico), and a
    page rendered in that gap with the production storage would look for the
    collected files' manifest and fail."""
    with override_settings(**static_files_as_in_development(settings.STORAGES)):
        yield


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def seeded(db):
    """The database as `make run` leaves it: the fixtures manifest loaded."""
    call_command("load_fixtures", stdout=StringIO())


OLD_NAME_FOR_PROJECT_18 = {
    # A later table that still lists 住民相談事業 under the old name 市民総務課.
    "離婚及びDVに関する相談件数計479件）。\t市民生活安全課 (平成28年度より市民総務課から組織変更)": (
        "離婚及びDVに関する相談件数計479件）。\t市民総務課"
    ),
}


@pytest.fixture
def import_seed_as(seed_path, tmp_path):
    """Import the seed again as another fiscal year's table, with some text replaced."""

    def load(heading: str, replacements: dict[str, str] | None = None) -> None:
        text = seed_path.read_text(encoding="utf-8").replace("平成29年度実施状況", heading)
        for old, new in (replacements or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / f"{heading}.txt"
        path.write_text(text, encoding="utf-8")
        call_command("import_status", str(path), plan_slug=SEED_PLAN, stdout=StringIO())

    return load


@pytest.fixture(scope="session")
def live_server(request) -> Iterator[LiveServer]:
    """pytest-django's live server, started with the static settings the tests use.

    Its middleware is built once, when the server starts, before any test's
    settings apply; without these, WhiteNoise would look for collected files.
    pytest-django still gives each test using it a transactional database.
    """
    with override_settings(**static_files_as_in_development(settings.STORAGES)):
        server = LiveServer(
            request.config.getvalue("liveserver") or "localhost",
        )
    yield server
    server.stop()
