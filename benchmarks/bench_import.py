"""Import a generated 100,000-row workbook three times; print rows per second,
CPU time, peak memory and where the time goes.

    make bench-import            # or: .venv/bin/python benchmarks/bench_import.py [ROWS [RUNS]]

The workbook (ten goals of ten directions, goal and direction cells merged down
their blocks, a few dozen departments, some with reorganisation notes; laid out
by tests/synthetic.py) is made by a child process, and each import runs in a
child process of its own, so that the peak memory printed is the import's
own. Each import runs into a throwaway database that is dropped afterwards.

The machine may be shared, so besides the wall time each run prints the
importing process's CPU time and, when PostgreSQL runs on this machine (the
embedded server), the CPU time of its connection's server process; and the
same three figures for each stage of the import.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from throwaway import setup_django, throwaway_database

GOALS = 10
DIRECTIONS_PER_GOAL = 10
FISCAL_YEAR = 2019
RUNS = 3


def generate(path: Path, rows: int) -> None:
    from tests.synthetic import benchmark_plan, write_workbook

    departments = [f"第{n}課" for n in range(1, 41)]

    def department_cell(number: int) -> str:
        department = departments[number % len(departments)]
        if number % 7 == 0:
            department += f"（平成30年度より旧{department}から組織変更） 全庁"
        return department

    plan = benchmark_plan(
        slug="bench",
        rows=rows,
        goals=GOALS,
        directions_per_goal=DIRECTIONS_PER_GOAL,
        fiscal_year=FISCAL_YEAR,
        department_cell=department_cell,
    )
    write_workbook(
        plan,
        path,
        heading="ベンチマーク用 基本計画の実施状況",
        status_heading="令和元年度の取組実績",
    )


STAGES = ("read", "normalise", "validate", "tables", "search index", "analyse", "commit")
"""The import's stages in order; what none of them covers is printed as ``other``."""


class Stages:
    """Wall time, this process's CPU time and the server process's CPU time,
    added up per stage of the import."""

    def __init__(self, server_cpu: Callable[[], float | None]) -> None:
        self.server_cpu = server_cpu
        self.totals: dict[str, list[float]] = {name: [0.0, 0.0, 0.0] for name in STAGES}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        wall, cpu, server = time.perf_counter(), time.process_time(), self.server_cpu() or 0.0
        try:
            yield
        finally:
            total = self.totals[name]
            total[0] += time.perf_counter() - wall
            total[1] += time.process_time() - cpu
            total[2] += (self.server_cpu() or 0.0) - server

    def wrap(self, owner: object, attribute: str, name: str) -> None:
        """Time every call of ``owner.attribute`` as part of stage ``name``."""
        function = getattr(owner, attribute)

        def timed(*args, **kwargs):
            with self.stage(name):
                return function(*args, **kwargs)

        setattr(owner, attribute, timed)


def _server_cpu_reader() -> Callable[[], float | None]:
    """The CPU seconds of this connection's PostgreSQL process so far, read
    from /proc when the server runs on this machine; None otherwise."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    stat = Path(f"/proc/{pid}/stat")
    host = connection.settings_dict.get("HOST") or ""
    local = host in ("", "localhost", "127.0.0.1") or host.startswith("/")
    if not (local and stat.exists()):
        return lambda: None
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    return read


def _timed_stages(server_cpu: Callable[[], float | None]) -> Stages:
    """Wrap the loader's steps so that each call is added to its stage."""
    from django.db import connections

    from importers import loader, writer

    stages = Stages(server_cpu)
    stages.wrap(loader, "read_table", "read")
    for step in ("normalise", "field_length_problems", "split_years"):
        stages.wrap(loader, step, "normalise")
    stages.wrap(loader, "validate_against_plan", "validate")
    stages.wrap(loader, "plan_for_import", "validate")
    for step in ("_goals", "_directions", "_departments", "_projects", "_statuses"):
        stages.wrap(writer.TableWriter, step, "tables")
    stages.wrap(writer.TableWriter, "_search_documents", "search index")
    stages.wrap(writer, "_analyse", "analyse")
    # The loader's transaction commits through the connection itself.
    stages.wrap(connections["default"], "commit", "commit")
    return stages


def import_once(path: Path, rows: int) -> dict:
    """One import into a fresh database, in this (child) process: its figures."""
    setup_django()
    from importers.loader import status_import

    with throwaway_database("bench_import_dvplan"):
        server_cpu = _server_cpu_reader()
        stages = _timed_stages(server_cpu)
        server_before = server_cpu()
        cpu_before = time.process_time()
        started = time.perf_counter()
        report = status_import(path=path, plan_slug="bench")
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        server_after = server_cpu()
    assert report.row_count == rows, report.row_count
    server = None if server_before is None or server_after is None else server_after - server_before
    return {
        "elapsed": elapsed,
        "cpu": cpu,
        "server_cpu": server,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load": os.getloadavg()[0],
        "stages": stages.totals,
    }


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def report(runs: list[dict], rows: int) -> None:
    print(
        f"{'run':>4} {'load':>5} {'wall':>7} {'rows/s':>8} {'CPU':>7} {'server CPU':>10} {'peak RSS':>9}"
    )
    for number, run in enumerate(runs, start=1):
        print(
            f"{number:>4} {run['load']:>5.2f} {run['elapsed']:>6.1f}s {rows / run['elapsed']:>8,.0f}"
            f" {run['cpu']:>6.1f}s {_seconds(run['server_cpu']):>10} {run['peak_mb']:>6,.0f} MB"
        )
    median = sorted(runs, key=lambda run: run["elapsed"])[len(runs) // 2]
    cpu = statistics.median(run["cpu"] for run in runs)
    print(f"rows:        {rows:,} in one workbook, imported {len(runs)} times")
    print(f"rows/s:      {rows / median['elapsed']:,.0f} (median run)   (target ≥ 10,000)")
    # Wall time depends on what else the machine runs; the importing process's
    # own CPU time depends much less on it.
    print(
        f"CPU time:    {cpu:.1f} s in the importing process (median; {rows / cpu:,.0f} rows per CPU second)"
    )
    print(
        f"peak RSS:    {max(run['peak_mb'] for run in runs):,.0f} MB (highest run)   (target < 500 MB)"
    )
    print(f"load:        {os.getloadavg()[0]:.2f} now (1-minute average, {os.cpu_count()} CPUs)")
    print("stages of the median run (wall, importing process CPU, server process CPU):")
    accounted = [0.0, 0.0, 0.0]
    for name, (wall, cpu_seconds, server) in median["stages"].items():
        accounted = [accounted[0] + wall, accounted[1] + cpu_seconds, accounted[2] + server]
        print(f"  {name:<13} {wall:>6.2f} s {cpu_seconds:>6.2f} s {server:>6.2f} s")
    rest_server = None if median["server_cpu"] is None else median["server_cpu"] - accounted[2]
    print(
        f"  {'other':<13} {median['elapsed'] - accounted[0]:>6.2f} s"
        f" {median['cpu'] - accounted[1]:>6.2f} s"
        f" {'–' if rest_server is None else f'{rest_server:.2f} s':>8}"
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] in ("--generate", "--import"):
        path, rows = Path(sys.argv[2]), int(sys.argv[3])
        if sys.argv[1] == "--generate":
            generate(path, rows)
        else:
            print(json.dumps(import_once(path, rows)))
        return
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    count = int(sys.argv[2]) if len(sys.argv) > 2 else RUNS
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"bench-{rows}.xlsx"
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--generate", str(path), str(rows)], check=True)
        print(f"generated:   {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        print(f"file:        {path.stat().st_size / 1e6:.1f} MB (.xlsx)", flush=True)
        runs = []
        for _ in range(count):
            child = subprocess.run(
                [sys.executable, __file__, "--import", str(path), str(rows)],
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(child.stdout.splitlines()[-1]))
        report(runs, rows)


if __name__ == "__main__":
    main()
