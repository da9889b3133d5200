"""Scanned PDFs read through OCR. No database.

A page without a text layer is a picture of the table. When OCRmyPDF and
Tesseract's Japanese data are installed, the file is read through them (on a
temporary copy: the city's file is never changed) and the PDF reader then reads
the text layer OCR added. OCR misreads characters, so an import that went
through it is marked (``ImportRun.ocr``; the pages say so), and its readings
that differ from the plan's wording are listed for review
(``importers.ocr_readings``).
"""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from importers.pdf import Rules
from importers.problems import ImportProblems, Place, Problem, error

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


_OCR_DPI = 300
_PAGE_SEGMENTATION = "11"
"""Tesseract's "sparse text": every piece of text on the page, wherever it is.
A table's cells are pieces apart, and its automatic layout analysis leaves
out short pieces such as a department's name alone in its cell."""


def with_text_layer(data: bytes, place: Place) -> tuple[bytes, dict[int, Rules]]:
    """The PDF read through OCR, and each page's ruling lines.

    Tesseract reads a table far better without its rules (it takes them for
    text, and runs neighbouring cells together), so each page is drawn as a
    picture (300 dpi, grey), its rules found and replaced by wide white bands
    (``_without_rules``), and these pictures are what OCRmyPDF reads
    (Japanese, each page straightened first). The rules, moved with the
    bands, are given back for the reader to cut the table into cells. Every
    page goes through OCR, so a file that mixes scanned pages with pages that
    have text is read wholly from its pictures. All on temporary copies: the
    city's file is never changed.
    """
    with tempfile.TemporaryDirectory(prefix="dvplan-ocr-") as directory:
        cleaned = Path(directory) / "cleaned.pdf"
        output = Path(directory) / "read.pdf"
        rules = _without_rules(data, cleaned, place)
        command = [
            "ocrmypdf",
            "--language",
            "jpn",
            "--deskew",
            "--tesseract-pagesegmode",
            _PAGE_SEGMENTATION,
            "--output-type",
            "pdf",
            "--optimize",
            "0",
            "--quiet",
            str(cleaned),
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
        return output.read_bytes(), rules


def _without_rules(data: bytes, cleaned: Path, place: Place) -> dict[int, Rules]:
    """Each page drawn as a grey picture with its rules taken out and its cells
    moved apart, written to ``cleaned`` as a PDF of pictures; each page's rules
    where they fall on the new picture.

    Tesseract runs text in neighbouring cells together when only a few points
    of padding part them, so each rule is replaced by a white band
    (``_GAP`` pixels): the cells' texts end up far apart, and the rules, moved
    by the same bands, still part them."""
    import numpy as np
    import pdfplumber
    from PIL import Image

    from importers.pdf import rules_in_picture

    rules: dict[int, Rules] = {}
    pictures = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            grey = np.array(page.to_image(resolution=_OCR_DPI).original.convert("L"))
            page.close()
            scale = 72 / _OCR_DPI
            found, runs = rules_in_picture(grey < _INK, scale)
            for row, start, end in runs["h"]:
                grey[row, start:end] = 255
            for column, start, end in runs["v"]:
                grey[start:end, column] = 255
            rows = _rule_positions(runs["h"])
            columns = _rule_positions(runs["v"])
            spread = _spread(grey, rows, columns)
            rules[number] = (
                [_moved_edge(edge, columns, rows, scale) for edge in found[0]],
                [_moved_edge(edge, columns, rows, scale) for edge in found[1]],
            )
            # Pictures are kept as one bit a pixel: a sixtieth of the memory.
            pictures.append(
                Image.fromarray(spread).point(lambda level: 255 if level >= _INK else 0, "1")
            )
    if not pictures:
        raise ImportProblems([error(place, "PDF にページがありません", "the PDF has no pages")])
    pictures[0].save(cleaned, save_all=True, append_images=pictures[1:], resolution=_OCR_DPI)
    return rules


_GAP = 60
"""White pixels put in place of each rule (at 300 dpi, about 5 mm)."""


def _rule_positions(runs: list[tuple[int, int, int]]) -> list[int]:
    """The rows (or columns) of pixels the rules lie on, one per rule."""
    clusters: list[list[int]] = []
    for index in sorted({run[0] for run in runs}):
        if clusters and index - clusters[-1][-1] <= 2:
            clusters[-1].append(index)
        else:
            clusters.append([index])
    return [round(sum(cluster) / len(cluster)) for cluster in clusters]


def _spread(grey, rows: list[int], columns: list[int]):
    """The picture with a white band ``_GAP`` pixels wide put in at each rule."""
    import numpy as np

    def widen(picture, cuts: list[int]):
        parts = []
        previous = 0
        white = np.full((_GAP, picture.shape[1]), 255, dtype=picture.dtype)
        for cut in cuts:
            parts += [picture[previous:cut], white]
            previous = cut
        parts.append(picture[previous:])
        return np.concatenate(parts)

    return widen(widen(grey, rows).T, columns).T


def _moved(position: float, cuts: list[int]) -> float:
    """Where a pixel position lands once the bands are put in; a position on a
    rule lands in the middle of its band."""
    for index, cut in enumerate(cuts):
        if abs(position - cut) <= 4:
            return position + _GAP * index + _GAP / 2
    return position + _GAP * sum(1 for cut in cuts if cut <= position)


def _moved_edge(edge: dict, columns: list[int], rows: list[int], scale: float) -> dict:
    from importers.pdf import _raster_edge

    def moved(points: float, cuts: list[int]) -> float:
        return _moved(points / scale, cuts) * scale

    x0, x1 = moved(edge["x0"], columns), moved(edge["x1"], columns)
    top, bottom = moved(edge["top"], rows), moved(edge["bottom"], rows)
    return _raster_edge(edge["orientation"], x0, x1, top, bottom)


_INK = 200
"""Grey levels below this are ink (as ``importers.pdf`` finds rules)."""
