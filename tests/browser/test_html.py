"""The Nu Html Checker finds no errors in the HTML the site serves."""

import json
import subprocess
import urllib.error
import urllib.request

from tests.browser.conftest import ROOT
from tests.browser.pages import PAGE_URLS

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Language detection only gives warnings, which are not asserted here.
CHECK = ["java", "-jar", str(VNU), "--format", "json", "--stdout", "--exit-zero-always"]
CHECK += ["--no-langdetect"]

# Checked alongside the pages, so a checker that reports nothing fails the test.
BROKEN_DOCUMENT = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>壊れた文書</title></head>
<body><p><div>段落の中の div</p></body></html>
"""
BROKEN_DOCUMENT_ERRORS = [
    "line 3: No “p” element in scope but a “p” end tag seen.",
    "line 3: End tag for  “body” seen, but there were unclosed elements.",
    "line 3: Unclosed element “div”.",
]


def _served_html(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url) as response:
            return response.read()
    except urllib.error.HTTPError as error:  # the 404 page is a page too
        with error:
            return error.read()


def _html_errors(documents: dict[str, bytes], folder) -> dict[str, list[str]]:
    """Check every document in one Java start; its errors by document name."""
    paths = {}
    for name, html in documents.items():
        path = folder / f"{name}.html"
        path.write_bytes(html)
        paths[name] = str(path)
    names = {"file:" + path: name for name, path in paths.items()}  # as the checker writes them
    checked = subprocess.run(
        [*CHECK, *paths.values()],
        capture_output=True,
        text=True,
        check=True,
    )
    errors = {name: [] for name in documents}
    for message in json.loads(checked.stdout)["messages"]:
        if message["type"] != "info":  # "error" or "non-document-error"; warnings are "info"
            errors[names[message["url"]]].append(
                f"line {message['lastLine']}: {message['message']}"
            )
    return errors


def test_nu_html_checker_finds_no_errors_on_any_page_type(site, tmp_path):
    documents = {page_type.name: _served_html(site + page_type.path) for page_type in PAGE_URLS}
    documents["broken-control"] = BROKEN_DOCUMENT.encode()

    errors = _html_errors(documents, tmp_path)

    assert errors == {
        **{page_type.name: [] for page_type in PAGE_URLS},
        "broken-control": BROKEN_DOCUMENT_ERRORS,
    }
