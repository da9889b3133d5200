"""Reviewed corrections of misreadings, applied to a published text.

Pure functions, no database. The published text is never changed: a reading
is the published text cut into pieces, each piece either kept as published or
replaced by a correction. Pages show the corrected reading with a marker, and
the search index holds both readings.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class CorrectionLike(Protocol):
    published: str
    corrected: str
    reason: str


@dataclass(frozen=True)
class Applied:
    """A correction that applies to a text, and how many times."""

    correction: CorrectionLike
    count: int

    @property
    def published(self) -> str:
        return self.correction.published

    @property
    def corrected(self) -> str:
        return self.correction.corrected

    @property
    def reason(self) -> str:
        return self.correction.reason


@dataclass(frozen=True)
class Reading:
    """A published text as pieces: ``(text, None)`` kept as published, or
    ``(published, correction)`` replaced by the correction's reading."""

    published: str
    pieces: tuple[tuple[str, CorrectionLike | None], ...]

    @property
    def corrected(self) -> str:
        return "".join(text if c is None else c.corrected for text, c in self.pieces)

    @property
    def applied(self) -> list[Applied]:
        """The corrections that change this text, in the order they first occur."""
        counts: dict[int, list] = {}
        for _, correction in self.pieces:
            if correction is not None:
                counts.setdefault(id(correction), [correction, 0])[1] += 1
        return [Applied(correction, count) for correction, count in counts.values()]

    @property
    def is_corrected(self) -> bool:
        return any(c is not None for _, c in self.pieces)

    def html(self) -> SafeString:
        """The corrected reading, escaped, each corrected piece in ``<ins>``."""
        return format_html_join(
            "",
            "{}",
            (
                (
                    text
                    if c is None
                    else format_html('<ins class="corrected">{}</ins>', c.corrected),
                )
                for text, c in self.pieces
            ),
        )


def reading(text: str, corrections: Iterable[CorrectionLike]) -> Reading:
    """Cut ``text`` at every occurrence of each correction's published text.

    Scanning left to right, the longest published text that starts at a
    position wins, so two corrections never overlap and the result does not
    depend on their order (``府内外`` is taken whole before ``府内``)."""
    candidates: Sequence[CorrectionLike] = sorted(
        (c for c in corrections if c.published), key=lambda c: -len(c.published)
    )
    pieces: list[tuple[str, CorrectionLike | None]] = []
    kept_from = position = 0
    while candidates and position < len(text):
        found = next((c for c in candidates if text.startswith(c.published, position)), None)
        if found is None:
            position += 1
            continue
        if kept_from < position:
            pieces.append((text[kept_from:position], None))
        pieces.append((found.published, found))
        position += len(found.published)
        kept_from = position
    if kept_from < len(text):
        pieces.append((text[kept_from:], None))
    return Reading(published=text, pieces=tuple(pieces))


# The corrections of a project's texts, from ``Project.correction_list`` (a
# ``Prefetch(..., to_attr="correction_list")`` made by the page's selector: a
# page that forgot it fails loudly instead of querying once per project).


StoredCorrection = TypeVar("StoredCorrection")
"""A ``reports.models.Correction``, or anything with its ``field`` and ``fiscal_year``."""


def applicable(
    corrections: Iterable[StoredCorrection], field: str, fiscal_year: int | None = None
) -> list[StoredCorrection]:
    """Those of a project's corrections that apply to its ``field``: a name or
    content correction in every year, a status correction in its own year only."""
    return [
        c
        for c in corrections
        if c.field == field and (field != "status" or c.fiscal_year == fiscal_year)
    ]


class ProjectCorrection(CorrectionLike, Protocol):
    project_id: int
    field: str
    fiscal_year: int | None


class CorrectionBook:
    """The corrections of many projects, grouped by project: each text's
    reading with those of its project's corrections that apply to it."""

    def __init__(self, corrections: Iterable[ProjectCorrection]) -> None:
        self._by_project: dict[int, list[ProjectCorrection]] = {}
        for correction in corrections:
            self._by_project.setdefault(correction.project_id, []).append(correction)

    def reading(
        self, project_id: int, field: str, text: str, fiscal_year: int | None = None
    ) -> Reading | None:
        """``text`` (the project's ``field``) with its corrections; None for a
        project without any (most), whose texts stand as published."""
        found = self._by_project.get(project_id)
        if not found:
            return None
        return reading(text, applicable(found, field, fiscal_year))

    def corrected(
        self, project_id: int, field: str, text: str, fiscal_year: int | None = None
    ) -> str:
        """The corrected reading of ``text``, or ``text`` where nothing applies."""
        found = self.reading(project_id, field, text, fiscal_year)
        return text if found is None else found.corrected


def project_reading(project, field: str) -> Reading:
    """``field`` (``name`` or ``content``) of a project, with its corrections."""
    return reading(getattr(project, field), applicable(project.correction_list, field))


def status_reading(status) -> Reading:
    """A status's 実施状況, with the corrections of that project and year."""
    return reading(
        status.status_text,
        applicable(status.project.correction_list, "status", status.fiscal_year),
    )
