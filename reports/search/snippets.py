"""Highlighting: where a query's terms occur in a text, and HTML snippets around them."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from reports.corrections import Reading, project_reading, status_reading
from reports.models import AnnualStatus
from reports.search.text import SearchQuery, normalise_with_map

SNIPPET_CONTEXT = 30
"""Characters shown either side of a match."""


def match_spans(text: str, terms: tuple[str, ...] | list[str]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text`` (original positions), merged and in order."""
    folded, spans = normalise_with_map(text)
    found: list[tuple[int, int]] = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            found.append((spans[start][0], spans[end - 1][1]))
            start = folded.find(term, start + 1)
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


Segment = tuple[str, bool]
"""A piece of original text and whether it is a match: the API's form of a snippet."""


def snippet_segments(
    text: str, query: SearchQuery, *, context: int = SNIPPET_CONTEXT
) -> list[list[Segment]]:
    """Snippets of ``text`` around each match; matches close together share one."""
    spans = match_spans(text, query.marked_terms())
    windows: list[tuple[int, int, list[tuple[int, int]]]] = []
    for start, end in spans:
        low, high = max(0, start - context), min(len(text), end + context)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], high, [*windows[-1][2], (start, end)])
        else:
            windows.append((low, high, [(start, end)]))
    snippets = []
    for low, high, marks in windows:
        pieces: list[Segment] = []
        position = low
        for start, end in marks:
            if start > position:
                pieces.append((text[position:start], False))
            pieces.append((text[start:end], True))
            position = end
        if position < high:
            pieces.append((text[position:high], False))
        if low > 0:
            pieces.insert(0, ("…", False))
        if high < len(text):
            pieces.append(("…", False))
        snippets.append(pieces)
    return snippets


def segments_html(segments: list[Segment]) -> SafeString:
    """Escaped text with each match in ``<mark>``."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<mark>{}</mark>", piece) if matched else piece,)
            for piece, matched in segments
        ),
    )


def highlight_snippets(text: str, query: SearchQuery) -> list[SafeString]:
    """HTML snippets around each match of ``query`` in ``text``."""
    return [segments_html(s) for s in snippet_segments(text, query)]


def highlight(text: str, query: SearchQuery) -> SafeString:
    """The whole of ``text`` (a short one, such as a project name) with its matches marked."""
    pieces: list[Segment] = []
    position = 0
    for start, end in match_spans(text, query.marked_terms()):
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return segments_html(pieces)


# A result on the filter page.


@dataclass(frozen=True)
class SearchSnippets:
    """The marked-up pieces of one result: its name in full, and snippets of the rest."""

    name: SafeString
    fields: list[tuple[str, list[SafeString]]]


def _reading_snippets(label: str, reading: Reading, query: SearchQuery):
    """Snippets of the corrected reading, which the pages show; of the published
    text, labelled as such, when only that has the words."""
    snippets = highlight_snippets(reading.corrected, query)
    if snippets or not reading.is_corrected:
        return label, snippets
    return f"{label}（公表時の表記）", highlight_snippets(reading.published, query)


def search_snippets(*, status: AnnualStatus, query: SearchQuery) -> SearchSnippets:
    """From texts already loaded with the status (no query)."""
    fields = [
        _reading_snippets("事業内容", project_reading(status.project, "content"), query),
        _reading_snippets("実施状況", status_reading(status), query),
        (
            "担当課",
            [
                snippet
                for link in status.department_links
                for snippet in highlight_snippets(link.department.name, query)
            ],
        ),
    ]
    return SearchSnippets(
        name=highlight(project_reading(status.project, "name").corrected, query),
        fields=[(label, snippets) for label, snippets in fields if snippets],
    )
