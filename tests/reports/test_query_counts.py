"""Every page type runs as many SQL queries with ten times the data as with the seed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import AnnualStatus, Plan
from tests.browser.pages import PAGE_URLS

EXTRA_PLANS = 9
EXTRA_FISCAL_YEARS = range(2008, 2017)  # 平成20–28年度, beside the seed's 平成29年度


def grow_tenfold(seed_path, folder) -> None:
    """The seed plan with ten years of statuses, beside nine more plans like it."""
    seed = seed_path.read_text(encoding="utf-8")
    for year in EXTRA_FISCAL_YEARS:
        earlier = folder / f"status-{year}.txt"
        earlier.write_text(
            seed.replace("平成29年度実施状況", f"平成{year - 1988}年度実施状況"), encoding="utf-8"
        )
        call_command("import_status", str(earlier), plan_slug="saitama-dv-2", stdout=StringIO())
    manifest = folder / "plans.toml"
    manifest.write_text(
        "".join(
            f'[[plan]]\nslug = "plan-{n}"\ntitle = "計画{n}"\nfiles = ["{seed_path}"]\n\n'
            for n in range(EXTRA_PLANS)
        ),
        encoding="utf-8",
    )
    call_command("load_fixtures", manifest=manifest, stdout=StringIO())


def queries_per_page(client) -> dict[str, list[str]]:
    counted = {}
    for page_type in PAGE_URLS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page_type.path).status_code == page_type.status
        counted[page_type.name] = [query["sql"] for query in queries.captured_queries]
    return counted


@pytest.mark.django_db
def test_every_page_type_runs_the_same_queries_with_ten_times_the_data(
    client, seeded, seed_path, tmp_path
):
    with_seed = queries_per_page(client)
    grow_tenfold(seed_path, tmp_path)
    assert Plan.objects.count() == 10
    assert AnnualStatus.objects.filter(project__plan__slug="saitama-dv-2").count() == 570
    assert AnnualStatus.objects.count() == 570 + 9 * 57
    with_ten_times = queries_per_page(client)

    grown = [name for name in with_seed if len(with_ten_times[name]) != len(with_seed[name])]
    assert {name: len(sql) for name, sql in with_ten_times.items()} == {
        name: len(sql) for name, sql in with_seed.items()
    }, "\n\n".join(f"{name}:\n" + "\n".join(with_ten_times[name]) for name in grown)
