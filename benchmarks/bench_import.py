"""Import a generated 100,000-row workbook and print rows per second and peak memory.

    make bench-import            # or: .venv/bin/python benchmarks/bench_import.py [ROWS]

The workbook (ten goals of ten directions, goal and direction cells merged down
their blocks, a few dozen departments, some with reorganisation notes; laid out
by tests/synthetic.py) is made by a child process, so that the peak memory printed is the import's own. The
import runs into a throwaway database that is dropped afterwards.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from throwaway import setup_django, throwaway_database

GOALS = 10
DIRECTIONS_PER_GOAL = 10
FISCAL_YEAR = 2019


def generate(path: Path, rows: int) -> None:
    from tests.synthetic import ProjectRow, StatusRow, SyntheticPlan, spread, write_workbook

    departments = [f"第{n}課" for n in range(1, 41)]

    def department_cell(number: int) -> str:
        department = departments[number % len(departments)]
        if number % 7 == 0:
            department += f"（平成30年度より旧{department}から組織変更） 全庁"
        return department

    numbered = list(spread(rows, GOALS, DIRECTIONS_PER_GOAL))
    plan = SyntheticPlan(
        slug="bench",
        title="ベンチマーク用 基本計画",
        goals={g: f"基本目標{g}の名称" for g in range(1, GOALS + 1)},
        directions={
            (g, d): f"施策の方向{d}の名称"
            for g in range(1, GOALS + 1)
            for d in range(1, DIRECTIONS_PER_GOAL + 1)
        },
        projects=[
            ProjectRow(
                number,
                goal,
                direction,
                f"事業{number}の名称",
                f"事業{number}の内容。市民への啓発と相談体制の充実を図ります。" * 2,
            )
            for number, goal, direction in numbered
        ],
        statuses=(
            StatusRow(
                project=number,
                fiscal_year=FISCAL_YEAR,
                text=f"事業{number}を実施した（参加人数：{number % 500}人、開催回数：{number % 12}回）。"
                "関係機関と連携し、相談窓口の周知を行った。",
                departments_text=department_cell(number),
            )
            for number, _, _ in numbered
        ),
    )
    write_workbook(
        plan,
        path,
        heading="ベンチマーク用 基本計画の実施状況",
        status_heading="令和元年度の取組実績",
    )


def bench(path: Path, rows: int) -> None:
    setup_django()
    from importers.loader import status_import

    with throwaway_database("bench_import_dvplan"):
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        report = status_import(path=path, plan_slug="bench")
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
    assert report.row_count == rows, report.row_count
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows:        {rows:,}")
    print(f"file:        {path.stat().st_size / 1e6:.1f} MB (.xlsx)")
    print(f"import time: {elapsed:.1f} s (read, normalise, validate, load)")
    print(f"rows/s:      {rows / elapsed:,.0f}   (target ≥ 10,000)")
    # Wall time depends on what else the machine runs; the importing process's
    # own CPU time (PostgreSQL's work not included) depends much less on it.
    print(f"CPU time:    {cpu:.1f} s in this process ({rows / cpu:,.0f} rows per CPU second)")
    print(f"load:        {os.getloadavg()[0]:.2f} (1-minute average, {os.cpu_count()} CPUs)")
    print(f"peak RSS:    {peak_mb:,.0f} MB   (target < 500 MB)")


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--generate":
        generate(Path(sys.argv[2]), int(sys.argv[3]))
        return
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"bench-{rows}.xlsx"
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--generate", str(path), str(rows)], check=True)
        print(f"generated:   {rows:,} rows in {time.perf_counter() - started:.1f} s")
        bench(path, rows)


if __name__ == "__main__":
    main()
