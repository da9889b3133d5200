"""Search latency over 300,000 statuses: p50 and p95 for 1-, 2-, 3-, 4- and 6-character queries.

    make bench-search            # or: .venv/bin/python benchmarks/bench_search.py [STATUSES]

A throwaway database gets one plan of synthetic projects (ten fiscal years
each) under five goals of five policy directions each, and 200 departments, 40
of which took over another's work from a fiscal year in the middle of the
range (a project is listed under the predecessor before that year, and now and
then after it too, as the city's tables do). Everything is written with COPY,
then the statuses' search documents and index by the loader's own writer.

Each query is timed three times over: the search itself (parse, the count of
matches, the first page of twenty ranked results with their departments and
snippets); everything the filter page computes for it (the same plus the
filter options and the facet counts under the keyword, the department facet
among them); and the filter page for the keyword and one department that has
a predecessor. The filter page without a keyword is timed too, alone and for
one such department. Queries are substrings of the generated text, chosen
with a fixed seed.
"""

import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime

from throwaway import setup_django, throwaway_database

YEARS = 10
FIRST_YEAR = 2011
GOALS = 5
DIRECTIONS_PER_GOAL = 5
DEPARTMENTS = 200
SUCCESSIONS = 40
SEED = 20261129
QUERIES_PER_LENGTH = 40

KANJI = "相談支援事業被害者保護啓発研修会市民女性暴力防止周知実施状況担当課配偶者児童虐待通報体制整備充実自立生活住宅提供情報"
KANA = (
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
)
KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモラリルレロワン"


def vocabulary(rng: random.Random) -> list[str]:
    words = []
    for _ in range(3000):
        pool = rng.choice([KANJI, KANJI, KANA, KATAKANA])
        words.append("".join(rng.choice(pool) for _ in range(rng.randint(2, 4))))
    return words


def sentence(rng: random.Random, words: list[str], count: int) -> str:
    return "".join(rng.choice(words) for _ in range(count)) + "。"


def index_statuses(status_ids: range) -> None:
    """Write the search documents and index of the statuses, as the loader does."""
    from reports import search

    search.index(status_ids)


def populate(statuses: int) -> tuple[list[str], list[str]]:
    """Write the plan; return a sample of its texts to draw queries from, and
    the names of the departments that have a predecessor."""
    from django.db import connection

    from reports.models import (
        BasicGoal,
        Department,
        DepartmentSuccession,
        ImportRun,
        Municipality,
        Plan,
        PolicyDirection,
    )
    from reports.search import normalise

    rng = random.Random(SEED)
    words = vocabulary(rng)
    municipality = Municipality.objects.create(name="ベンチマーク市", slug="bench")
    plan = Plan.objects.create(
        slug="bench", title="ベンチマーク用の計画", municipality=municipality
    )
    directions = []
    for goal_number in range(1, GOALS + 1):
        goal = BasicGoal.objects.create(plan=plan, number=goal_number, title=f"目標{goal_number}")
        directions += [
            PolicyDirection.objects.create(goal=goal, number=number, title=f"方向{number}")
            for number in range(1, DIRECTIONS_PER_GOAL + 1)
        ]
    names = list(dict.fromkeys(f"{rng.choice(words)}{rng.choice(words)}課" for _ in range(400)))
    departments = Department.objects.bulk_create(
        Department(municipality=municipality, name=name) for name in names[:DEPARTMENTS]
    )
    # Successor i took over predecessor i + SUCCESSIONS from a year in the middle.
    takeovers = {
        departments[i].pk: (departments[i + SUCCESSIONS].pk, FIRST_YEAR + rng.randint(2, 7))
        for i in range(SUCCESSIONS)
    }
    DepartmentSuccession.objects.bulk_create(
        DepartmentSuccession(
            successor_id=successor,
            predecessor_id=predecessor,
            effective_fiscal_year=year,
            note=f"（{year}年度より組織変更）",
        )
        for successor, (predecessor, year) in takeovers.items()
    )
    now = datetime.now(tz=UTC)
    run = ImportRun.objects.create(
        plan=plan,
        file_name="bench.txt",
        sha256="0" * 64,
        file_format="text",
        fiscal_year=FIRST_YEAR,
        started_at=now,
        finished_at=now,
        outcome=ImportRun.Outcome.LOADED,
    )
    projects = statuses // YEARS
    sample: list[str] = []
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY reports_project (plan_id, direction_id, number, name, content) FROM STDIN"
        ) as copy:
            for number in range(1, projects + 1):
                copy.write_row(
                    (
                        plan.pk,
                        rng.choice(directions).pk,
                        number,
                        sentence(rng, words, 3),
                        sentence(rng, words, 10),
                    )
                )
        cursor.execute("SELECT id, number FROM reports_project WHERE plan_id = %s", [plan.pk])
        project_ids = dict(cursor.fetchall())
        links = []
        with cursor.cursor.copy(
            "COPY reports_annualstatus (id, project_id, fiscal_year, status_text,"
            " departments_text, source_row, import_run_id) FROM STDIN"
        ) as copy:
            status_id = 0
            for project_id, number in project_ids.items():
                listed = rng.sample(departments, rng.randint(1, 2))
                for offset in range(YEARS):
                    status_id += 1
                    year = FIRST_YEAR + offset
                    text = sentence(rng, words, 20)
                    copy.write_row((status_id, project_id, year, text, "", number, run.pk))
                    if status_id % 97 == 0:
                        sample.append(text)
                    chosen = []
                    for department in listed:
                        predecessor, since = takeovers.get(department.pk, (None, 0))
                        old_name = year < since or rng.random() < 0.1
                        chosen.append(predecessor if predecessor and old_name else department.pk)
                    for position, department_id in enumerate(dict.fromkeys(chosen), start=1):
                        links.append((status_id, department_id, position))
        with cursor.cursor.copy(
            "COPY reports_statusdepartment (status_id, department_id, position) FROM STDIN"
        ) as copy:
            for link in links:
                copy.write_row(link)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('reports_annualstatus', 'id'), %s)", [status_id]
        )
        cursor.execute("ANALYZE")
    # The documents the loader would write, through the loader's own writer.
    started = time.perf_counter()
    index_statuses(range(1, status_id + 1))
    indexed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert all(normalise(t) == t for t in sample[:100])
    print(f"index:     written in {indexed:.0f} s; {_index_sizes()}")
    return sample, [d.name for d in departments[:SUCCESSIONS]]


def _index_sizes() -> str:
    from django.db import connection

    from reports.models import SearchBlock, SearchPostings, StatusSearchDocument

    sizes = []
    with connection.cursor() as cursor:
        for model in (StatusSearchDocument, SearchBlock, SearchPostings):
            cursor.execute("SELECT pg_total_relation_size(%s)", [model._meta.db_table])
            sizes.append(f"{model.__name__} {cursor.fetchone()[0] / 1e6:,.0f} MB")
    return ", ".join(sizes)


def queries(sample: list[str], length: int, rng: random.Random) -> list[str]:
    found = []
    while len(found) < QUERIES_PER_LENGTH:
        text = rng.choice(sample).rstrip("。")
        start = rng.randrange(len(text) - length)
        found.append(text[start : start + length])
    return found


def time_page(plan, parameters: dict[str, str]) -> tuple[float, float, int]:
    """Milliseconds for the results (parse, count, the first page of twenty
    results, ranked with their snippets when there is a keyword) and for
    everything the filter page computes (the same plus the filter options and
    the facet counts), and the number of results."""
    from django.http import QueryDict

    from reports.selectors import plan_status_filter, status_facets, status_search_page

    data = QueryDict(mutable=True)
    data.update(parameters)
    started = time.perf_counter()
    filterset = plan_status_filter(plan=plan, data=data)
    assert filterset.is_valid(), filterset.errors
    page = status_search_page(filterset=filterset, page_number=None)
    count = page.paginator.count
    list(page)
    searched = time.perf_counter()
    facets = status_facets(filterset=filterset)
    finished = time.perf_counter()
    department = next(f for f in facets if f.name == "department")
    assert sum(o.count for o in department.options) >= count or not count
    return (searched - started) * 1000, (finished - started) * 1000, count


def _quantiles(timings: list[float]) -> str:
    cuts = statistics.quantiles(timings, n=20)
    return f"p50 {statistics.median(timings):6.1f} ms  p95 {cuts[18]:6.1f} ms"


def bench(statuses: int) -> None:
    setup_django()
    from reports.models import AnnualStatus, Plan

    with throwaway_database("bench_search_dvplan"):
        started = time.perf_counter()
        sample, successors = populate(statuses)
        print(
            f"statuses:  {AnnualStatus.objects.count():,} (written in {time.perf_counter() - started:.0f} s)"
        )
        plan = Plan.objects.get(slug="bench")
        rng = random.Random(SEED + 1)
        time_page(plan, {})  # reads the plan's options once
        for length in (1, 2, 3, 4, 6):
            chosen = queries(sample, length, rng)
            time_page(plan, {"q": chosen[0]})  # warm the caches once
            search, page, counts = zip(*(time_page(plan, {"q": q}) for q in chosen), strict=True)
            with_department = [
                time_page(plan, {"q": q, "department": rng.choice(successors)})[1] for q in chosen
            ]
            print(
                f"{length}-character queries (median matches {statistics.median(counts):,.0f}):"
                f"\n    search {_quantiles(search)}"
                f" | filter page {_quantiles(page)}"
                f" | filter page with a department {_quantiles(with_department)}"
            )
        every = [time_page(plan, {})[1] for _ in range(QUERIES_PER_LENGTH)]
        one = [
            time_page(plan, {"department": rng.choice(successors)})[1]
            for _ in range(QUERIES_PER_LENGTH)
        ]
        print(
            f"no keyword: filter page {_quantiles(every)}"
            f" | filter page with a department {_quantiles(one)}"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")


def main() -> None:
    bench(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)


if __name__ == "__main__":
    main()
