"""Import a 200-page PDF printed from a generated workbook; print pages per second
and peak memory.

    make bench-import            # after the workbook benchmark
    .venv/bin/python benchmarks/bench_import_pdf.py [PAGES]

The workbook (goal and direction cells merged down their blocks, laid out by
tests/synthetic.py and set up for printing as the PDF tests set it up: ruled,
wrapped, landscape A4, the header repeated on every page) is made and printed
to PDF by LibreOffice in child processes, with as many rows as fill about
PAGES pages, so that the peak memory printed is the import's own. The import
runs into a throwaway database that is dropped afterwards.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from throwaway import setup_django, throwaway_database

ROWS_PER_PAGE = 9
"""How many of the generated rows LibreOffice puts on a page (measured)."""
FISCAL_YEAR = 2019


def generate(directory: Path, rows: int) -> Path:
    """The workbook of ``rows`` projects, printed to ``directory/bench.pdf``."""
    from tests.importers.printed import print_to_pdf, set_up_for_printing
    from tests.synthetic import benchmark_plan, write_workbook

    plan = benchmark_plan(
        slug="bench-pdf",
        rows=rows,
        goals=5,
        directions_per_goal=6,
        fiscal_year=FISCAL_YEAR,
        department_cell=lambda number: f"第{number % 40 + 1}課",
    )
    workbook = write_workbook(
        plan,
        directory / "bench.xlsx",
        heading="ベンチマーク用",
        status_heading="令和元年度の取組実績",
    )
    set_up_for_printing(workbook, widths=[12, 14, 18, 36, 42, 12])
    return print_to_pdf([workbook], directory)[0]


def bench(path: Path, rows: int) -> None:
    setup_django()
    import pdfplumber

    from importers.loader import status_import
    from importers.readers import read_table

    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
    started = time.perf_counter()
    source = read_table(path)
    read_seconds = time.perf_counter() - started
    del source
    with throwaway_database("bench_import_pdf_dvplan"):
        started = time.perf_counter()
        report = status_import(path=path, plan_slug="bench-pdf")
        elapsed = time.perf_counter() - started
    assert report.row_count == rows, report.row_count
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pages:       {pages} (landscape A4, {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB)")
    print(f"read time:   {read_seconds:.1f} s (the PDF reader alone)")
    print(f"import time: {elapsed:.1f} s (read, normalise, validate, load)")
    print(f"pages/s:     {pages / elapsed:.1f}   (target ≥ 5)")
    print(f"load:        {os.getloadavg()[0]:.2f} (1-minute average, {os.cpu_count()} CPUs)")
    print(f"peak RSS:    {peak_mb:,.0f} MB   (target < 500 MB)")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--generate":
        generate(Path(sys.argv[2]), int(sys.argv[3]))
        return
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rows = pages * ROWS_PER_PAGE
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--generate", directory, str(rows)], check=True)
        print(f"generated:   {rows:,} rows printed to PDF in {time.perf_counter() - started:.1f} s")
        bench(Path(directory) / "bench.pdf", rows)


if __name__ == "__main__":
    main()
