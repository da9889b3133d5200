"""Every page type makes the same number of SQL queries on the seed and on ten
times as much data: ten fiscal years, with more departments and reorganisations.

Each count is of a cold request (the page cache is emptied when the data is
replaced): the data version first (``dvplan.page_cache``), then the page's own.
A warm request makes none (tests/dvplan/test_page_cache.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from reports.models import AnnualStatus, Department, DepartmentSuccession
from tests.conftest import SEED
from tests.database import SavedTables
from tests.pages import API_URLS, BAD_REQUEST_PAGES, PAGE_URLS
from tests.reports.html import main_of

# On one worker in a parallel run: the ten-times data is made once per module.
pytestmark = pytest.mark.xdist_group("query-counts")

QUERIES = {
    "home": 8,  # plans, then the plan page's six
    "plan": 7,  # plan, goals, directions, projects, their corrections, years
    # plan, goal, directions, projects, their newest statuses, departments,
    # corrections, partial years
    "goal": 9,
    "direction": 7,  # plan, direction, projects, newest statuses, departments, corrections
    # plan, project, statuses, departments, corrections, partial years, the
    # years' source documents (the diffs: none)
    "project": 8,
    "fiscal_year": 6,  # plan, years, statuses, departments, corrections
    "fiscal_year_unpublished": 3,  # plan, years
    # plan, five option lists, count, page, departments, corrections, four
    # facets, the years' source documents
    "filter": 16,
    # plan, five option lists, the index's block versions and columns, the
    # keyword's postings, then the page's statuses, departments, corrections;
    # the count and the facets come from the index; the years' source documents
    "filter_combined": 14,
    "filter_bad_parameter": 7,  # plan and the option lists; nothing else runs
    "filter_unpublished_year": 7,  # the same
    "department_index": 4,  # departments, predecessor links, successor links
    # the municipality, its departments, predecessor links, successor links
    "municipality_departments": 5,
    # department, its two kinds of links, statuses, departments, corrections, the
    # plans' published years
    "department": 8,
    "about": 3,  # plans, their source documents
    "help": 2,  # the plans' municipalities
    "data": 3,  # plans, imports
}


def tenfold(seed_path, tmp_path) -> None:
    """Nine more years of the seed's table, each naming a new department and a
    new predecessor of 住宅政策課, with project 20's status reworded each year
    (the project page compares its years)."""
    text = seed_path.read_text(encoding="utf-8")
    for offset in range(1, 10):
        year = 2017 + offset
        later = text.replace("平成29年度実施状況", f"{year}年度実施状況")
        later = later.replace("\t観光国際課\n", f"\t観光国際課{offset}\n")
        later = later.replace("住宅課から組織変更", f"住宅課{offset}から組織変更", 1)
        later = later.replace(
            "大宮区くらし応援室において外国人相談を実施した（相談件数135件）",
            f"区役所{offset}か所において外国人相談を行った（相談件数{135 + offset * 7}件）",
        )
        path = tmp_path / f"status_{year}.txt"
        path.write_text(later, encoding="utf-8")
        call_command("import_status", str(path), plan_slug="saitama-dv-2", stdout=StringIO())


@pytest.fixture(scope="module")
def saved_tenfold(saved_seed, django_db_blocker, tmp_path_factory) -> SavedTables:
    """The seed and ``tenfold``'s nine imports, made once for this module and
    saved; the transaction that made them is rolled back."""

    def make() -> None:
        saved_seed.restore()
        tenfold(SEED, tmp_path_factory.mktemp("tenfold"))

    with django_db_blocker.unblock():
        return SavedTables.made_by(make)


@pytest.fixture
def ten_times_the_data(saved_tenfold):
    """Replaces the seed with ``tenfold``'s data, as its nine imports would."""
    return saved_tenfold.restore


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_URLS)
def test_query_count_is_the_same_on_ten_times_the_data(
    client, seeded, ten_times_the_data, django_assert_num_queries, name
):
    status = 400 if name in BAD_REQUEST_PAGES else 200
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(PAGE_URLS[name]).status_code == status

    statuses, departments = AnnualStatus.objects.count(), Department.objects.count()
    ten_times_the_data()
    assert AnnualStatus.objects.count() == 10 * statuses
    assert Department.objects.count() == departments + 18
    assert DepartmentSuccession.objects.filter(successor__name="住宅政策課").count() == 10

    with django_assert_num_queries(QUERIES[name]):
        assert client.get(PAGE_URLS[name]).status_code == status


API_QUERIES = {
    "api_plans": 4,  # count, page, source documents
    "api_plan": 3,  # the plan, its source documents
    "api_goals": 4,  # plan, count, page
    "api_directions": 4,
    "api_projects": 4,
    # plan, five option lists, count, page, the page's corrections
    "api_statuses": 10,
    "api_departments": 4,  # count, page, predecessor links
    # plan, five option lists, the corrections, then one cursor read in chunks of 2,000 rows
    "export_csv": 9,
    "export_xlsx": 10,  # and the count against the .xlsx row limit
    "export_json": 3,  # the whole dataset, read as it is sent: no file built yet
}


def _fetch(client, url: str) -> int:
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("name", API_URLS)
def test_api_and_download_query_counts_are_the_same_on_ten_times_the_data(
    client, seeded, ten_times_the_data, django_assert_num_queries, name
):
    with django_assert_num_queries(API_QUERIES[name]):
        assert _fetch(client, API_URLS[name]) == 200
    ten_times_the_data()
    with django_assert_num_queries(API_QUERIES[name]):
        assert _fetch(client, API_URLS[name]) == 200


@pytest.mark.django_db
def test_the_project_page_on_ten_years_compares_each_year_with_the_next(
    client, seeded, ten_times_the_data, django_assert_num_queries
):
    ten_times_the_data()
    with django_assert_num_queries(QUERIES["project"]):
        response = client.get(PAGE_URLS["project"])
    changes = main_of(response).one("section", cls="changes")
    assert len(changes.all("section", cls="year-change")) == 9
    assert changes.all("div", cls="diff-side")[0].texts("del", cls="removed") == [
        "［削除: 大宮区くらし応援室］",
        "［削除: 実施し］",
        "［削除: 135］",
    ]
