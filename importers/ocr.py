"""Scanned PDFs: pages read through OCR, and the readings to review. No writes.

A page without a text layer is a picture of the table. When OCRmyPDF and
Tesseract's Japanese data are installed, the file is read through them (on a
temporary copy: the city's file is never changed) and the PDF reader then reads
the text layer OCR added. OCR misreads characters, so an import that went
through it is marked (``ImportRun.ocr``; the pages say so), and every project
name and 事業内容 that differs from the wording the plan already holds is listed
as a warning with both readings: these rarely change from year to year, so a
difference in a scanned file is most likely a misreading. ``correction_candidates``
writes them in the corrections file's format, for a person to review; nothing
is corrected automatically.
"""

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from importers.normaliser import StatusTable
from importers.problems import ImportProblems, Place, Problem, error, warning

OCR_PACKAGES = "ocrmypdf tesseract-ocr-jpn"
"""The Debian packages OCR needs (``make ocr`` installs them)."""

OCR_FORMAT = "pdf (OCR)"
"""The file format of a table read through OCR."""

_TIMEOUT = 3600
"""Seconds OCR may take: a minute a page is slow, but a scanned year is rarely
more than sixty pages."""


def ocr_available() -> bool:
    """Whether OCRmyPDF and Tesseract's Japanese data are installed."""
    if shutil.which("ocrmypdf") is None or shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, check=False, timeout=60
    )
    return "jpn" in (listed.stdout + listed.stderr).split()


def missing_ocr_problem(place: Place, pages: list[int]) -> Problem:
    shown = "、".join(map(str, pages[:20])) + ("…" if len(pages) > 20 else "")
    return error(
        place,
        f"文字の情報がないページ（画像）があります: {shown} ページ。"
        f"画像から読み取るには OCR（Debian のパッケージ {OCR_PACKAGES}）をインストールしてください",
        f"pages without a text layer (images): {shown}; to read them through OCR, "
        f"install the Debian packages {OCR_PACKAGES}",
    )


def with_text_layer(data: bytes, place: Place) -> bytes:
    """The PDF with a text layer added by OCR to each page without one (Japanese,
    pages straightened first); pages that have text are left as they are."""
    with tempfile.TemporaryDirectory(prefix="dvplan-ocr-") as directory:
        source = Path(directory) / "scanned.pdf"
        output = Path(directory) / "read.pdf"
        source.write_bytes(data)
        command = [
            "ocrmypdf",
            "--language",
            "jpn",
            "--deskew",
            "--skip-text",
            "--output-type",
            "pdf",
            "--optimize",
            "0",
            "--quiet",
            str(source),
            str(output),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, check=False, timeout=_TIMEOUT
            )
        except subprocess.TimeoutExpired as exc:
            raise ImportProblems(
                [error(place, "OCR が時間内に終わりませんでした", "OCR did not finish in time")]
            ) from exc
        if done.returncode != 0 or not output.is_file():
            last = (done.stderr.strip().splitlines() or [""])[-1]
            raise ImportProblems(
                [
                    error(
                        place,
                        f"OCR で読み取れませんでした（ocrmypdf の終了コード {done.returncode}）",
                        f"OCR failed (ocrmypdf exit status {done.returncode}): {last}",
                    )
                ]
            )
        return output.read_bytes()


@dataclass(frozen=True)
class Reading:
    """A project's name or content as OCR read it, and as the plan holds it."""

    project: int
    field: str
    """``name`` or ``content``, as in the corrections file."""
    read: str
    held: str
    place: Place


_FIELD_LABELS = {"name": ("事業名称", "project name"), "content": ("事業内容", "project content")}


def differing_readings(table: StatusTable, held: dict[int, tuple[str, str]]) -> list[Reading]:
    """Each project name and content OCR read differently from the plan's wording.

    ``held`` is the plan's (name, content) by project number; projects new to
    the plan have nothing to compare with.
    """
    readings = []
    for project in table.projects:
        if project.number not in held:
            continue
        name, content = held[project.number]
        for field, read, kept in (
            ("name", project.name, name),
            ("content", project.content, content),
        ):
            if read != kept:
                readings.append(Reading(project.number, field, read, kept, project.place))
    return readings


def reading_warnings(readings: list[Reading]) -> list[Problem]:
    return [
        warning(
            reading.place,
            f"画像から読み取った{_FIELD_LABELS[reading.field][0]}が計画の文言と違います"
            f"（事業 {reading.project}。読み取り「{reading.read}」、計画「{reading.held}」）。"
            "読み違いでないか確かめてください",
            f"the {_FIELD_LABELS[reading.field][1]} read through OCR differs from the plan's "
            f"(project {reading.project}; read 「{reading.read}」, plan 「{reading.held}」): "
            "check it for a misreading",
            reading.read,
        )
        for reading in readings
    ]


def correction_candidates(plan: str, fiscal_year: int, readings: list[Reading]) -> str:
    """The readings as entries of the corrections file (``fixtures/corrections.toml``),
    to be reviewed before any is added: the published text is the OCR reading,
    the correction the plan's wording."""
    blocks = [
        "# Candidate corrections from an OCR import: review each one against the\n"
        "# city's file before copying it into the corrections file.\n"
    ]
    for reading in readings:
        blocks.append(
            "\n[[correction]]\n"
            f"plan = {_toml_string(plan)}\n"
            f"fiscal_year = {fiscal_year}\n"
            f"project = {reading.project}\n"
            f'field = "{reading.field}"\n'
            f"published = {_toml_string(reading.read)}\n"
            f"corrected = {_toml_string(reading.held)}\n"
            'reason = "OCR の読み違いの候補（要確認）"\n'
        )
    return "".join(blocks)


def _toml_string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'
