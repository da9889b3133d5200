"""Search latency over 300,000 statuses: p50 and p95 for 1-, 2-, 3-, 4- and 6-character queries.

    make bench-search            # or: .venv/bin/python benchmarks/bench_search.py [STATUSES]

A throwaway database gets one plan of synthetic projects (ten fiscal years
each) written with COPY, then their search documents and index, written by
the loader's own writer (``search_documents_rebuild``). Each query is timed
twice over: the search itself (parse, the count of matches, the first page of
twenty ranked results with their departments and snippets) and everything the
filter page computes for it (the same plus the filter options and the facet
counts under the keyword). Queries are substrings of the generated text,
chosen with a fixed seed.
"""

import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime

from throwaway import setup_django, throwaway_database

YEARS = 10
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


def populate(statuses: int) -> list[str]:
    """Write the plan; return a sample of its texts to draw queries from."""
    from django.db import connection

    from importers.search_index import search_documents_rebuild
    from reports.models import BasicGoal, ImportRun, Plan, PolicyDirection
    from reports.search import normalise

    rng = random.Random(SEED)
    words = vocabulary(rng)
    plan = Plan.objects.create(slug="bench", title="ベンチマーク用の計画")
    goal = BasicGoal.objects.create(plan=plan, number=1, title="目標")
    direction = PolicyDirection.objects.create(goal=goal, number=1, title="方向")
    now = datetime.now(tz=UTC)
    run = ImportRun.objects.create(
        plan=plan,
        file_name="bench.txt",
        sha256="0" * 64,
        file_format="text",
        fiscal_year=2020,
        started_at=now,
        finished_at=now,
        outcome=ImportRun.Outcome.LOADED,
    )
    projects = statuses // YEARS
    names = [sentence(rng, words, 3) for _ in range(projects)]
    contents = [sentence(rng, words, 10) for _ in range(projects)]
    sample: list[str] = []
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY reports_project (plan_id, direction_id, number, name, content) FROM STDIN"
        ) as copy:
            for number in range(1, projects + 1):
                copy.write_row(
                    (plan.pk, direction.pk, number, names[number - 1], contents[number - 1])
                )
        cursor.execute("SELECT id, number FROM reports_project WHERE plan_id = %s", [plan.pk])
        project_ids = dict(cursor.fetchall())
        with cursor.cursor.copy(
            "COPY reports_annualstatus (id, project_id, fiscal_year, status_text,"
            " departments_text, source_row, import_run_id) FROM STDIN"
        ) as copy:
            status_id = 0
            for project_id, number in project_ids.items():
                for offset in range(YEARS):
                    status_id += 1
                    text = sentence(rng, words, 20)
                    copy.write_row((status_id, project_id, 2011 + offset, text, "", number, run.pk))
                    if status_id % 97 == 0:
                        sample.append(text)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('reports_annualstatus', 'id'), %s)", [status_id]
        )
    # The documents the loader would write, through the loader's own writer.
    started = time.perf_counter()
    search_documents_rebuild(status_ids=range(1, status_id + 1))
    indexed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert all(normalise(t) == t for t in sample[:100])
    print(f"index:     written in {indexed:.0f} s; {_index_sizes()}")
    return sample


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


def time_query(plan, query: str) -> tuple[float, float, int]:
    """Milliseconds for the search (parse, count, the first page of twenty ranked
    results with their snippets) and for everything the filter page computes
    (the same plus the filter options and the facet counts), and the matches."""
    from django.http import QueryDict

    from reports.selectors import plan_status_filter, status_facets, status_search_page

    data = QueryDict(mutable=True)
    data["q"] = query
    started = time.perf_counter()
    filterset = plan_status_filter(plan=plan, data=data)
    assert filterset.is_valid(), filterset.errors
    page = status_search_page(filterset=filterset, page_number=None)
    count = page.paginator.count
    list(page)
    searched = time.perf_counter()
    status_facets(filterset=filterset)
    finished = time.perf_counter()
    return (searched - started) * 1000, (finished - started) * 1000, count


def _quantiles(timings: list[float]) -> str:
    cuts = statistics.quantiles(timings, n=20)
    return f"p50 {statistics.median(timings):6.1f} ms   p95 {cuts[18]:6.1f} ms"


def bench(statuses: int) -> None:
    setup_django()
    from reports.models import AnnualStatus, Plan

    with throwaway_database("bench_search_dvplan"):
        started = time.perf_counter()
        sample = populate(statuses)
        print(
            f"statuses:  {AnnualStatus.objects.count():,} (written in {time.perf_counter() - started:.0f} s)"
        )
        plan = Plan.objects.get(slug="bench")
        rng = random.Random(SEED + 1)
        for length in (1, 2, 3, 4, 6):
            chosen = queries(sample, length, rng)
            time_query(plan, chosen[0])  # warm the caches once
            search, page, counts = zip(*(time_query(plan, q) for q in chosen), strict=True)
            print(
                f"{length}-character queries: search {_quantiles(search)}"
                f"   | filter page {_quantiles(page)}"
                f"   (median matches {statistics.median(counts):,.0f})"
            )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")


def main() -> None:
    bench(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)


if __name__ == "__main__":
    main()
