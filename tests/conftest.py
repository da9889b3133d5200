from collections import Counter
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS
from django.test.utils import override_settings, setup_databases, teardown_databases
from pytest_django.live_server_helper import LiveServer

from tests.database import SavedTables, SeededDatabase, forget_cached_reads
from tests.test_make_run import MakeRunInBackground, MakeRunOfTheController

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "saitama_dv2_H29_status.txt"
SEED_PLAN = "saitama-dv-2"
BROWSER_TESTS = ROOT / "tests" / "browser"
MAKE_RUN_TEST = ROOT / "tests" / "test_make_run.py"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ is marked ``browser``: ``-m "not browser"``
    leaves out the tests that drive Chromium.

    Every test gets a node id of its own, since pytest-xdist hands tests to its
    workers by node id: schemathesis names each API operation's test
    (``test_…[GET /api/v1/plans/]``) but gives them all the function's node id,
    and xdist would run one of them and drop the others without a word. Tests
    marked ``xdist_group`` get, in a worker of a ``--dist=loadgroup`` run, the
    group's name after an ``@`` in their node id: that is how xdist's controller
    sees the group, and sends it whole to one worker."""
    shared = Counter(item.nodeid for item in items)
    # Set on xdist's workers only, where --dist itself reads "no".
    grouped = config.getoption("loadgroup", False)
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)
        nodeid = item.nodeid
        if shared[nodeid] > 1:
            nodeid = f"{item.parent.nodeid}::{item.name}"
        groups = {mark.args[0] for mark in item.iter_markers("xdist_group")}
        if grouped and groups:
            nodeid += "@" + "_".join(sorted(groups))
        if nodeid != item.nodeid:
            _give_node_id(item, nodeid)


def _give_node_id(item: pytest.Item, nodeid: str) -> None:
    # pytest 9.2 keeps a node's id in ``_id`` (parsed from its string form);
    # xdist 3.8 still writes the group into ``_nodeid``, which pytest no longer
    # reads, so that its groups would silently not be kept together.
    item._id = type(item._id).parse(nodeid)


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


@pytest.fixture(autouse=True, scope="session")
def _page_cache_in_memory(tmp_path_factory) -> Iterator[None]:
    """The page cache in this process's memory (the live server's threads share
    it), and the whole-dataset downloads in a directory of the test run's own."""
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        DOWNLOADS_DIR=tmp_path_factory.mktemp("downloads"),
    ):
        yield


@pytest.fixture(autouse=True)
def _empty_page_cache() -> None:
    """Every test starts with nothing cached: a test's rolled-back writes leave
    pages cached under a data version that the next test's data is not."""
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def make_run_in_background(
    request, tmp_path_factory
) -> Iterator[MakeRunInBackground | MakeRunOfTheController | None]:
    """`make run` twice from a clean copy (tests/test_make_run.py), started as
    the test run starts when that test is selected, so that its minute or two
    of installing overlaps the other tests; stopped if the run is cut short.
    In a parallel run the controlling process starts it (see
    ``pytest_xdist_node_collection_finished``) and a worker reads its outcome."""
    if not any(item.path == MAKE_RUN_TEST for item in request.session.items):
        yield None
        return
    workerinput = getattr(request.config, "workerinput", None)
    if workerinput is not None:
        yield MakeRunOfTheController(Path(workerinput[MAKE_RUN_DIRECTORY]))
        return
    background = MakeRunInBackground(tmp_path_factory.mktemp("make-run"))
    background.start()
    yield background
    background.stop()


MAKE_RUN_DIRECTORY = "make_run_directory"
"""The key under which the controlling process of a parallel run tells its
workers where `make run`'s outcome will be."""

make_run_started = pytest.StashKey[MakeRunInBackground]()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """A worker of a parallel run is told where `make run`'s outcome will be
    written, should the controlling process start it."""
    directory = node.config._tmp_path_factory.getbasetemp() / "make-run"
    node.workerinput[MAKE_RUN_DIRECTORY] = str(directory)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids: list[str]) -> None:
    """`make run` started by the controlling process of a parallel run, once,
    as soon as a worker has collected its test: whichever worker runs the test
    then waits for the outcome file, and the run is stopped only when every
    worker is done (``pytest_sessionfinish``)."""
    config = node.config
    if make_run_started in config.stash:
        return
    test_file = MAKE_RUN_TEST.relative_to(config.rootpath).as_posix()
    if not any(nodeid.split("::", 1)[0] == test_file for nodeid in ids):
        return
    directory = Path(node.workerinput[MAKE_RUN_DIRECTORY])
    directory.mkdir()
    background = MakeRunInBackground(directory)
    config.stash[make_run_started] = background
    background.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    background = session.config.stash.get(make_run_started, None)
    if background is not None:
        background.stop()


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """The test database, made by migrations once per run that uses it.

    Replaces pytest-django's fixture of the same name, which makes it only when
    a selected test asks for one of pytest-django's database fixtures (db,
    transactional_db, live_server): the browser tests ask for none, since they
    share one committed seed (tests/browser/conftest.py), and run alone they
    would find no test database.
    """
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        databases = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases={DEFAULT_DB_ALIAS},
            keepdb=django_db_keepdb and not django_db_createdb,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(databases, verbosity=verbosity)


@pytest.fixture(scope="session")
def saved_seed(django_db_setup, django_db_blocker) -> SavedTables:
    """The fixtures manifest loaded once per test run, as `make run` loads it,
    and saved; the transaction that loaded it is rolled back."""
    with django_db_blocker.unblock():
        return SavedTables.made_by(lambda: call_command("load_fixtures", stdout=StringIO()))


@pytest.fixture(scope="session")
def saved_empty(django_db_setup, django_db_blocker) -> SavedTables:
    """Every table empty, as a test that asks for no data finds them."""
    with django_db_blocker.unblock():
        return SavedTables.empty()


@pytest.fixture(scope="session")
def seeded_database(saved_seed, saved_empty, django_db_blocker) -> Iterator[SeededDatabase]:
    """The test database cloned with the seed in it, for the ordinary tests
    that ask for the seed (see ``pytest_runtest_setup``)."""
    with django_db_blocker.unblock():
        database = SeededDatabase.make(saved_seed, saved_empty)
    yield database
    with django_db_blocker.unblock():
        database.drop()


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a test's fixtures start: the seeded clone for an ordinary test
    that asks for the seed, once the clone is made; the empty test database
    for any other."""
    if SeededDatabase.current is None:
        return
    marker = item.get_closest_marker("django_db")
    commits = bool(TRANSACTIONAL_FIXTURES & set(item.fixturenames)) or bool(
        marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    )
    SeededDatabase.current.use_for("seeded" in item.fixturenames and not commits)


@pytest.fixture
def seeded(db, saved_seed, seeded_database):
    """The database as `make run` leaves it: the fixtures manifest loaded.

    An ordinary test runs on the seeded clone (see ``seeded_database``); for
    the first one, before the clone is made, and for a test that commits,
    the seed is written back from the run's one load."""
    if seeded_database.in_use():
        forget_cached_reads()
    else:
        saved_seed.restore()


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
def live_site(request, django_db_setup) -> Iterator[LiveServer]:
    """The one live server of the test run, started with the static settings the
    tests use, and stopped before the test database is dropped.

    Its middleware is built once, when the server starts, before any test's
    settings apply; without these, WhiteNoise would look for collected files.
    """
    with override_settings(**static_files_as_in_development(settings.STORAGES)):
        server = LiveServer(
            request.config.getvalue("liveserver") or "localhost",
        )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_server(live_site) -> LiveServer:
    """The live server under pytest-django's name: a test that asks for it gets
    a transactional database (its rows committed, where the server's threads
    see them, and flushed afterwards). The browser tests share one committed
    seed instead (tests/browser/conftest.py)."""
    return live_site
