"""Export 300,000 annual statuses in every download format; print time and peak memory.

    make bench-export            # or: .venv/bin/python benchmarks/bench_export.py [STATUSES]

The statuses (10,000 projects over 30 fiscal years, one or two departments
each) are written with PostgreSQL's COPY (tests/synthetic.py) into a throwaway
database, which is dropped afterwards. Each format is then downloaded through
its view, in a child process of its own, so that the peak RSS printed is that
download's alone; the child's RSS after starting Django, before the download,
is printed beside it.
"""

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator

from throwaway import setup_django, throwaway_database

DATABASE = "bench_export_dvplan"
PROJECTS = 10_000
FORMATS = (".csv", "-excel.csv", ".xlsx", ".json")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(statuses: int) -> None:
    """The plan, its structure, departments and ``statuses`` statuses, by COPY."""
    from tests.synthetic import ProjectRow, Run, StatusRow, SyntheticPlan, spread, write_plan

    years = -(-statuses // PROJECTS)
    departments = [f"第{n}課" for n in range(1, 41)]

    def rows() -> Iterator[StatusRow]:
        for index in range(statuses):
            year, project = divmod(index, PROJECTS)
            first, second = index % 40, (index + 7) % 40
            listed = (first,) if index % 3 else (first, second)
            yield StatusRow(
                project=project + 1,
                fiscal_year=2000 + year,
                text=f"事業{project + 1}を実施した（参加人数：{index % 500}人）。"
                "関係機関と連携し、相談窓口の周知を行った。",
                departments=listed,
                departments_text=" ".join(departments[d] for d in listed),
                source_row=project + 4,
                run=year,
            )

    write_plan(
        SyntheticPlan(
            slug="bench",
            title="ベンチマーク用 基本計画",
            municipality="市",
            goals={g: f"基本目標{g}" for g in range(1, 11)},
            directions={(g, d): f"施策の方向{g}-{d}" for g in range(1, 11) for d in range(1, 11)},
            projects=(
                ProjectRow(
                    number,
                    goal,
                    direction,
                    f"事業{number}の名称",
                    f"事業{number}の内容。市民への啓発と相談体制の充実を図ります。" * 2,
                )
                for number, goal, direction in spread(PROJECTS, 10, 10)
            ),
            statuses=rows(),
            departments=departments,
            runs=[
                Run(2000 + y, f"status_{2000 + y}.xlsx", "xlsx", row_count=PROJECTS)
                for y in range(years)
            ],
        ),
        index=False,
    )


def export(suffix: str) -> dict:
    """Download the whole dataset in one format through its view; bytes, seconds, peak RSS."""
    from django.test import Client

    started_mb = _peak_mb()
    started = time.perf_counter()
    response = Client(HTTP_HOST="localhost").get(f"/data/statuses{suffix}")
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    response.close()
    return {
        "format": suffix,
        "bytes": size,
        "seconds": time.perf_counter() - started,
        "rss_before_mb": started_mb,
        "peak_mb": _peak_mb(),
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--export":
        setup_django()
        from django.db import connection

        connection.settings_dict["NAME"] = DATABASE
        print(json.dumps(export(sys.argv[2])))
        return
    statuses = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    setup_django()
    with throwaway_database(DATABASE):
        started = time.perf_counter()
        generate(statuses)
        print(f"generated:  {statuses:,} statuses in {time.perf_counter() - started:.1f} s (COPY)")
        print(f"load:       {os.getloadavg()[0]:.2f} (1-minute average, {os.cpu_count()} CPUs)")
        print(f"{'format':<20}{'size':>10}{'time':>9}{'RSS before':>12}{'peak RSS':>10}")
        for suffix in FORMATS:
            child = subprocess.run(
                [sys.executable, __file__, "--export", suffix],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"{'statuses' + result['format']:<20}"
                f"{result['bytes'] / 1e6:>8.1f}MB"
                f"{result['seconds']:>8.1f}s"
                f"{result['rss_before_mb']:>10.0f}MB"
                f"{result['peak_mb']:>8.0f}MB"
            )


if __name__ == "__main__":
    main()
