"""A status's search document: its texts folded and joined, and where each field ends."""

from dataclasses import dataclass
from typing import NamedTuple

from reports.search.text import SEPARATOR, normalise

Readings = str | tuple[str, ...]
"""A field as published, or as published followed by its corrected readings."""


@dataclass(frozen=True)
class DocumentTexts:
    """A status's searchable texts as published, with the corrected readings."""

    name: Readings
    content: Readings
    status: Readings
    departments: tuple[str, ...]


def _fold_readings(readings: Readings) -> str:
    """Each reading folded on its own and joined by ``SEPARATOR``, so a match
    never spans the published and the corrected text."""
    if isinstance(readings, str):
        return normalise(readings)
    return SEPARATOR.join(normalise(r) for r in readings)


class DocumentFields(NamedTuple):
    """The columns of ``StatusSearchDocument`` a status's texts make, in order:
    the folded text and where each field ends in it. A tuple, since a large
    import holds one for each of its statuses for a moment."""

    text: str
    length: int
    name_end: int
    content_end: int
    status_end: int


DOCUMENT_COLUMNS = DocumentFields._fields
"""The columns of ``StatusSearchDocument`` that ``document_fields`` fills, in order."""


def folded_document(texts: DocumentTexts) -> DocumentFields:
    """The folded text of a status's search document and where each field ends."""
    name = _fold_readings(texts.name)
    content = _fold_readings(texts.content)
    status = _fold_readings(texts.status)
    departments = SEPARATOR.join(normalise(d) for d in texts.departments)
    text = SEPARATOR.join([name, content, status, departments])
    name_end = len(name)
    content_end = name_end + 1 + len(content)
    return DocumentFields(text, len(text), name_end, content_end, content_end + 1 + len(status))


def document_fields(texts: DocumentTexts) -> dict[str, object]:
    """``folded_document`` by column name (migration 0002 builds documents from it)."""
    return folded_document(texts)._asdict()


def field_weight(text: str, name_end: int, content_end: int, status_end: int, term: str) -> int:
    """The weight of ``term`` in a document: that of the heaviest field holding it
    (the database computes the same from the first occurrence, ``strpos``)."""
    position = text.find(term) + 1
    if position == 0:
        return 0
    if position <= name_end:
        return 8
    if position <= content_end:
        return 4
    if position <= status_end:
        return 2
    return 1
