"""A scanned PDF imports through OCR: its structure and departments exact, its
text flagged for review.

The scan is made from the printed workbook of ``printed_pdfs`` (``merged``):
rasterised by poppler's pdftoppm at 300 dpi and rebuilt as a PDF of pictures
only, as a scanner makes it. OCR takes about a minute on a quiet machine (see docs/importing.md).
"""

import io
import re
import subprocess
import time
import tomllib

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from importers.departments import parse_departments
from importers.loader import status_import
from reports.models import ImportRun, Project
from tests.importers.helpers import plan_contents

PLAN = "saitama-dv-2"

ACCURACY_FLOOR = 0.93
"""The share of the status texts' characters OCR reads right, at least: measured
0.946 and 0.956 on two page layouts (Tesseract 4.1 with Debian's Japanese data;
docs/importing.md)."""

# On the worker that prints the PDFs once (``printed_pdfs``), in a parallel run.
pytestmark = [pytest.mark.ocr, pytest.mark.xdist_group("printed-pdfs")]


@pytest.fixture(scope="module")
def scanned_pdf(printed_pdfs, tmp_path_factory):
    directory = tmp_path_factory.mktemp("scanned")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "300",
            "-gray",
            str(printed_pdfs["merged"][1]),
            str(directory / "page"),
        ],
        check=True,
        timeout=300,
    )
    # Written as PGM, not PNG: compressing eleven pages to PNG took poppler
    # about 20 s. As RGB, as its grey PNGs were: the same pictures in the PDF.
    pictures = [Image.open(path).convert("RGB") for path in sorted(directory.glob("page-*.pgm"))]
    path = directory / "scanned.pdf"
    pictures[0].save(path, save_all=True, append_images=pictures[1:], resolution=300)
    return path


def _distance(read: str, expected: str) -> int:
    """Levenshtein distance: characters inserted, left out or misread."""
    previous = list(range(len(expected) + 1))
    for i, char in enumerate(read, start=1):
        current = [i]
        for j, wanted in enumerate(expected, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != wanted))
            )
        previous = current
    return previous[-1]


@pytest.mark.django_db
def test_a_scanned_pdf_imports_through_ocr_with_its_structure_exact(
    printed_pdfs, scanned_pdf, tmp_path, client
):
    status_import(path=printed_pdfs["merged"][0], plan_slug=PLAN)  # the plan's own wording
    expected = plan_contents()
    candidates = tmp_path / "candidates.toml"
    out = io.StringIO()

    started = time.perf_counter()
    call_command(
        "import_status",
        str(scanned_pdf),
        plan_slug=PLAN,
        ocr_corrections=str(candidates),
        stdout=out,
        stderr=io.StringIO(),
    )
    seconds = time.perf_counter() - started

    actual = plan_contents()
    # The structure: every project under its goal and direction.
    assert [p[:4] for p in actual["Project"]] == [p[:4] for p in expected["Project"]]
    assert len(actual["Project"]) == 57

    # The departments: each status's as read, against the workbook's.
    def departments(contents) -> dict[int, list[str]]:
        listed: dict[int, list[str]] = {}
        for number, _year, _position, name in contents["StatusDepartment"]:
            listed.setdefault(number, []).append(name)
        return listed

    read_departments, published_departments = departments(actual), departments(expected)
    exact = sum(
        1
        for number, names in published_departments.items()
        if read_departments.get(number) == names
    )
    # The text: what share of the statuses' characters OCR read right.
    read = {number: text for number, _year, text, _departments in actual["AnnualStatus"]}
    published = {number: text for number, _year, text, _departments in expected["AnnualStatus"]}
    errors = sum(_distance(read[number], text) for number, text in published.items())
    accuracy = 1 - errors / sum(len(text) for text in published.values())
    print(
        f"\nOCR: {seconds:.1f} s for 11 pages; status text accuracy {accuracy:.4f}; "
        f"departments exact in {exact} of 57 statuses"
    )
    assert accuracy >= ACCURACY_FLOOR
    # Matched to the departments the city already has, each status lists its own
    # exactly: no department is made of a misreading, and every reorganisation
    # links the same two departments (its note is kept as read).
    assert read_departments == published_departments
    assert actual["Department"] == expected["Department"]
    assert [link[:4] for link in actual["DepartmentSuccession"]] == [
        link[:4] for link in expected["DepartmentSuccession"]
    ]

    run = ImportRun.objects.get(file_name="scanned.pdf")
    assert (run.file_format, run.ocr) == ("pdf (OCR)", True)
    # Every name and content read differently from the plan's wording is a warning
    # with both readings, and a candidate correction.
    wording = {p[1]: (p[4], p[5]) for p in expected["Project"]}
    differing = [
        (project.number, field, getattr(project, field), held)
        for project in Project.objects.order_by("number")
        for field, held in zip(("name", "content"), wording[project.number], strict=True)
        if getattr(project, field) != held
    ]
    warned = [w["message_ja"] for w in run.warnings if "計画の文言と違います" in w["message_ja"]]
    assert len(warned) == len(differing)
    for (number, _field, ocr_reading, held), message in zip(differing, warned, strict=True):
        assert f"事業 {number}。読み取り「{ocr_reading}」、計画「{held}」" in message
    # Every department cell whose departments are not the names as read has a
    # warning at that cell, with the reading.
    department_warnings = [
        w
        for w in run.warnings
        if "画像から読み取った" in w["message_ja"] and "担当課" in w["message_ja"]
    ]
    assert all(
        re.fullmatch(r"scanned\.pdf:page \d+:\d+:F", w["place"]) for w in department_warnings
    )
    for number, _year, _text, cell in actual["AnnualStatus"]:
        as_read = list(dict.fromkeys(entry.name for entry in parse_departments(cell)[0]))
        if as_read != read_departments[number]:
            assert any(f"（事業 {number}。読み取り" in w["message_ja"] for w in department_warnings)
    entries = tomllib.loads(candidates.read_text(encoding="utf-8")).get("correction", [])
    assert [(e["project"], e["field"], e["published"], e["corrected"]) for e in entries] == [
        (number, field, ocr_reading, held) for number, field, ocr_reading, held in differing
    ]
    assert "この年度の表は画像から文字を読み取りました（OCR）" in out.getvalue()
    page = client.get(reverse("reports:project", kwargs={"slug": PLAN, "number": 1}))
    assert "この年度の表は画像から文字を読み取りました" in page.content.decode()
    data = client.get(reverse("reports:data"))
    assert "（この年度の表は画像から文字を読み取りました）" in data.content.decode()


@pytest.mark.django_db
def test_a_scanned_pdf_is_refused_naming_the_packages_when_ocr_is_missing(
    scanned_pdf, monkeypatch, tmp_path
):
    """Without OCRmyPDF on the PATH (a machine without the packages)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    err = io.StringIO()

    with pytest.raises(Exception, match="1 件のファイルを取り込めませんでした"):
        call_command("import_status", str(scanned_pdf), plan_slug=PLAN, stderr=err)

    assert err.getvalue().splitlines()[0] == (
        "scanned.pdf:-:-:-: エラー 文字の情報がないページ（画像）があります: "
        "1、2、3、4、5、6、7、8、9、10、11 ページ。画像から読み取るには OCR"
        "（Debian のパッケージ ocrmypdf tesseract-ocr-jpn）をインストールしてください / "
        "pages without a text layer (images): 1、2、3、4、5、6、7、8、9、10、11; to read "
        "them through OCR, install the Debian packages ocrmypdf tesseract-ocr-jpn"
    )
