"""Pages served side by side: this site, Datasette on the same rows, and the ceiling.

    make bench-serve     # installs wrk and Datasette (into .data/bench-venv) first

A throwaway database gets the seed (`load_fixtures`, as `make run` loads it),
and three servers start on free ports:

- this site under gunicorn with deploy/gunicorn.conf.py (2 workers unless
  ``BENCH_WORKERS`` says otherwise), its page cache a directory of files as
  with `make run`;
- Datasette serving the same rows, exported to SQLite as the CSV download's
  columns, each page matched by a Datasette table view (the department page
  by the table filtered to the same department with facets);
- the ceiling: benchmarks/ceiling.py, a WSGI app that only returns a body of
  the page's size, under the same gunicorn settings.

wrk runs each page for ``BENCH_SECONDS`` (default 10) at 16 and 64
connections, after one request that fills the cache (the first request after
an import is not what is measured). Then the database gets ``BENCH_STATUSES``
(default 300,000) synthetic statuses in a second plan (tests/synthetic.py),
the whole-dataset downloads are written again (timed) and flushed to the disk
(``os.sync``, timed), the seed's pages and the
synthetic plan's are measured again, and the whole-dataset .xlsx is downloaded
once (timed). ``BENCH_RUNS`` (default 1) repeats every measurement and prints
the medians; ``BENCH_SEED_PHASE=0`` leaves out the comparison on the seed, and
``BENCH_STATUSES=0`` the large data. A server that answers no request within a
cell (Datasette at 64 connections, when each of its pages takes seconds) gets
"none done" instead of a ratio.
"""

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from throwaway import ROOT, setup_django, throwaway_database

SECONDS = float(os.environ.get("BENCH_SECONDS") or 10)
RUNS = int(os.environ.get("BENCH_RUNS") or 1)
STATUSES = int(os.environ.get("BENCH_STATUSES") or 300_000)
SEED_PHASE = os.environ.get("BENCH_SEED_PHASE", "1") != "0"
"""``BENCH_SEED_PHASE=0`` measures only the pages with ``BENCH_STATUSES`` statuses."""
WORKERS = os.environ.get("BENCH_WORKERS") or "2"
CONNECTIONS = (16, 64)
DATASETTE = os.environ.get("BENCH_DATASETTE") or str(ROOT / ".data/bench-venv/bin/datasette")
WRK_REPORT = ROOT / "benchmarks" / "wrk_report.lua"

PLAN = "saitama-dv-2"
MUNICIPALITY = "saitama-city"
DEPARTMENT = quote("男女共同参画課")
KEYWORD = quote("相談")
FACETS = "&_facet=goal&_facet=fiscal_year&_facet=department_names"
PAGES = {
    # name: (this site's URL, Datasette's URL for the same rows)
    "department": (
        f"/m/{MUNICIPALITY}/departments/{DEPARTMENT}/",
        f"/bench/statuses?department_names__contains={DEPARTMENT}{FACETS}",
    ),
    "home": ("/", f"/bench/statuses?plan={PLAN}&_facet=goal&_facet=fiscal_year"),
    "project": (f"/plans/{PLAN}/projects/20/", f"/bench/statuses?plan={PLAN}&project_number=20"),
    "filter q=相談": (
        f"/plans/{PLAN}/statuses/?q={KEYWORD}",
        f"/bench/statuses?status__contains={KEYWORD}{FACETS}",
    ),
    "API statuses": (
        f"/api/v1/plans/{PLAN}/statuses/?year=2017",
        "/bench/statuses.json?fiscal_year=2017&_size=100",
    ),
}


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The throwaway database, as a URL for the site's own processes."""
    from django.db import connection

    settings = connection.settings_dict
    host = settings["HOST"] or settings["OPTIONS"].get("host", "")
    socket_dir = host.startswith("/")
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return (
        f"postgresql://{quote(settings['USER'])}:{quote(settings['PASSWORD'] or '')}@"
        f"{'' if socket_dir else host}{port}/{settings['NAME']}"
        + (f"?host={host}" if socket_dir else "")
    )


def get(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as answer:
        return answer.read()


def wait_for(port: int, path: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server on port {port} exited:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            get(port, path)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"server on port {port} did not answer:\n{log.read_text(errors='replace')[-2000:]}")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wrk(port: int, path: str, connections: int) -> tuple[float, float, float, int]:
    """Requests a second, p50 and p95 in milliseconds, failed requests."""
    result = subprocess.run(
        [
            *("wrk", "-t2", f"-c{connections}", f"-d{SECONDS:g}s", "--timeout", "10s"),
            *("-s", str(WRK_REPORT), f"http://127.0.0.1:{port}{path}"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    rate, p50, p95, errors = line.split()[1:]
    return float(rate), float(p50), float(p95), int(errors)


def measure(port: int, path: str, connections: int) -> tuple[float, float, float, int]:
    """The medians of ``RUNS`` runs."""
    runs = [wrk(port, path, connections) for _ in range(RUNS)]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
        max(r[3] for r in runs),
    )


def export_to_sqlite(path: Path) -> int:
    """The statuses as the CSV download has them, one table, for Datasette."""
    from reports import exports, selectors

    columns = [column.key for column in exports.EXPORT_COLUMNS]
    rows = list(exports.status_export_rows(statuses=selectors.all_statuses()))
    with sqlite3.connect(path) as database:
        database.execute(f"CREATE TABLE statuses ({', '.join(columns)})")
        database.executemany(f"INSERT INTO statuses VALUES ({', '.join('?' * len(columns))})", rows)
    return len(rows)


def load() -> str:
    """How busy the machine was: the figures are only as steady as it."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def seed_phase(site: int, datasette: int, ceiling: int) -> None:
    """Each page against Datasette's view of the same rows and against the
    faceted table of the department page's rows (the first row of each
    connection count), and against the ceiling."""
    print(f"\n== the seed: 57 projects; {SECONDS:g} s per cell, median of {RUNS}; {load()}")
    print(
        f"{'page':<14}{'conns':>6} | {'site req/s':>10} {'p50':>7} {'p95':>7} | "
        f"{'datasette':>9} {'p50':>7} {'p95':>7} | {'ceiling':>8} | "
        f"{'× same rows':>11} {'× faceted':>9} {'of ceiling':>10}"
    )
    faceted: dict[int, float] = {}
    for name, (site_path, datasette_path) in PAGES.items():
        size = len(get(site, site_path))  # also fills the cache: the cold request is not measured
        get(datasette, datasette_path)
        for connections in CONNECTIONS:
            ours = measure(site, site_path, connections)
            theirs = measure(datasette, datasette_path, connections)
            top = measure(ceiling, f"/bytes/{size}", connections)
            faceted.setdefault(connections, theirs[0])
            failed = f"  ({ours[3]} failed)" if ours[3] else ""
            print(
                f"{name:<14}{connections:>6} | {ours[0]:>10,.0f} {ours[1]:>6.1f}ms {ours[2]:>6.1f}ms | "
                f"{theirs[0]:>9,.0f} {theirs[1]:>6.1f}ms {theirs[2]:>6.1f}ms | {top[0]:>8,.0f} | "
                f"{_ratio(ours[0], theirs[0]):>11} {_ratio(ours[0], faceted[connections]):>9} "
                f"{ours[0] / top[0]:>9.0%}{failed}",
                flush=True,
            )


def _ratio(ours: float, theirs: float) -> str:
    """``ours`` as a multiple of ``theirs``; a server that answered nothing in the
    cell (every request slower than the cell) gives no ratio."""
    return f"{ours / theirs:.1f}×" if theirs else "none done"


def _dirty_mb() -> float:
    """Memory waiting to be written back to the disk (Linux), in MB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("Dirty:"):
            return int(line.split()[1]) / 1024
    return 0.0


def large_phase(site: int) -> None:
    from django.db import connection

    from reports.dataversion import data_version_publish
    from reports.downloads import dataset_files_build
    from tests.synthetic import synthetic_plan

    started = time.perf_counter()
    synthetic_plan(projects=STATUSES // 10, years=10, seed=20261130, slug="synthetic")
    version = data_version_publish()
    print(
        f"\n== {STATUSES:,} synthetic statuses written and indexed in "
        f"{time.perf_counter() - started:.0f} s (data version {version.number})",
        flush=True,
    )
    started = time.perf_counter()
    dataset_files_build()
    print(f"whole-dataset downloads written in {time.perf_counter() - started:.0f} s", flush=True)
    # The files (hundreds of MB) are still being written back to the disk
    # for a while: the measured pages should not share the disk with that.
    dirty = _dirty_mb()
    started = time.perf_counter()
    os.sync()
    print(
        f"written back to the disk in {time.perf_counter() - started:.1f} s"
        f" ({dirty:,.0f} MB were waiting)",
        flush=True,
    )
    # curl, as a reader's client would fetch it (Python's reading of 90 MB
    # would be timed too otherwise).
    fetched = subprocess.run(
        [
            *("curl", "-s", "-o", os.devnull, "-w", "%{size_download} %{time_total}"),
            f"http://127.0.0.1:{site}/data/statuses.xlsx",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    size, seconds = fetched.stdout.split()
    print(f"GET /data/statuses.xlsx: {int(size) / 1e6:.1f} MB in {float(seconds) * 1000:.0f} ms")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.status_text FROM reports_annualstatus s JOIN reports_project p"
            " ON p.id = s.project_id JOIN reports_plan l ON l.id = p.plan_id"
            " WHERE l.slug = 'synthetic' ORDER BY s.id LIMIT 1"
        )
        keyword = quote(cursor.fetchone()[0][:2])
    pages = {name: site_path for name, (site_path, _) in PAGES.items()} | {
        "synthetic filter": f"/plans/synthetic/statuses/?q={keyword}",
        "synthetic project": "/plans/synthetic/projects/1000/",
        "synthetic API": "/api/v1/plans/synthetic/statuses/?year=2025",
    }
    print(f"{SECONDS:g} s per cell, median of {RUNS}; {load()}; target: p95 ≤ 50 ms at 16")
    print(f"{'page':<18}{'conns':>6} | {'req/s':>8} {'p50':>8} {'p95':>8}")
    for name, path in pages.items():
        get(site, path)  # the first request after the import is not measured
        for connections in CONNECTIONS:
            rate, p50, p95, errors = measure(site, path, connections)
            failed = f"  ({errors} failed)" if errors else ""
            print(
                f"{name:<18}{connections:>6} | {rate:>8,.0f} {p50:>6.1f}ms {p95:>6.1f}ms{failed}",
                flush=True,
            )


def bench() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-serve-", dir=ROOT / ".data"))
    # This process publishes the data version and writes the downloads where
    # the site's workers read them.
    os.environ["CACHE_URL"] = f"filecache://{scratch / 'cache'}"
    os.environ["DOWNLOADS_DIR"] = str(scratch / "downloads")
    setup_django()
    from django.core.management import call_command

    processes: list[subprocess.Popen] = []
    with throwaway_database("bench_serve_dvplan"):
        call_command("load_fixtures", stdout=open(os.devnull, "w"))  # noqa: SIM115
        rows = export_to_sqlite(scratch / "bench.db")
        site, datasette, ceiling = free_port(), free_port(), free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-only-not-a-secret",
            "WEB_CONCURRENCY": WORKERS,
            "GUNICORN_ACCESS_LOG": "0",
        }
        gunicorn = [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"]
        try:
            servers = [
                (site, "/healthz", [*gunicorn, "dvplan.wsgi"], "site"),
                (ceiling, "/bytes/1", [*gunicorn, "benchmarks.ceiling:application"], "ceiling"),
                (
                    datasette,
                    "/bench",
                    # At its fastest: no facet suggestions computed on each page.
                    [
                        *(DATASETTE, "serve", "-i", str(scratch / "bench.db")),
                        *("-p", str(datasette), "--setting", "suggest_facets", "off"),
                    ],
                    "datasette",
                ),
            ]
            for port, probe, command, name in servers:
                log = scratch / f"{name}.log"
                process = start(command, {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, log)
                processes.append(process)
                wait_for(port, probe, process, log)
            print(
                f"site and ceiling: gunicorn, {WORKERS} sync workers (deploy/gunicorn.conf.py); "
                f"Datasette: {rows} rows, immutable, no facet suggestions; wrk -t2; "
                f"{os.cpu_count()} cores"
            )
            if SEED_PHASE:
                seed_phase(site, datasette, ceiling)
            if STATUSES:
                large_phase(site)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
    print(f"\nlogs and files: {scratch}")


if __name__ == "__main__":
    bench()
