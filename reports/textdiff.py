"""What changed between two texts, for a reader comparing two years' 実施状況.

Pure functions, no database. Japanese has no spaces between words, so the
texts are compared character by character (``difflib.SequenceMatcher``); a
bare character diff marks stray matches such as 「の」 or 「を」 inside a
rewritten sentence, which makes the marks unreadable. So a short run of equal
characters between two changes is folded into the change around it: the
reader sees 「研修を3回実施した」→「講座を5回開催した」 as two or three whole
replacements, not a dozen one-character marks.
"""

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

MIN_KEPT = 4
"""An equal run between two changes shorter than this is folded into them."""

Kind = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class Piece:
    kind: Kind
    text: str


def diff(old: str, new: str, *, min_kept: int = MIN_KEPT) -> list[Piece]:
    """``old`` → ``new`` as pieces: equal text, and for each change the removed
    text (``delete``) followed by the added text (``insert``).

    Equal runs shorter than ``min_kept`` characters between two changes are
    folded into the change (removed and added again), and neighbouring
    changes are merged, so each change is one removed and one added piece."""
    opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    # (equal text) or (removed, added) steps, in order.
    steps: list[tuple[str, str] | str] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            steps.append(old[i1:i2])
        else:
            steps.append((old[i1:i2], new[j1:j2]))
    steps = _whole_words(steps)
    merged: list[tuple[str, str] | str] = []
    for index, step in enumerate(steps):
        between_changes = (
            isinstance(step, str)
            and len(step) < min_kept
            and 0 < index < len(steps) - 1
            and not isinstance(steps[index - 1], str)
            and not isinstance(steps[index + 1], str)
        )
        if between_changes:
            step = (step, step)
        if isinstance(step, tuple) and merged and isinstance(merged[-1], tuple):
            removed, added = merged[-1]
            merged[-1] = (removed + step[0], added + step[1])
        else:
            merged.append(step)
    pieces: list[Piece] = []
    for step in merged:
        if isinstance(step, str):
            pieces.append(Piece("equal", step))
            continue
        removed, added = step
        if removed:
            pieces.append(Piece("delete", removed))
        if added:
            pieces.append(Piece("insert", added))
    return pieces


def _is_word_character(character: str) -> bool:
    """Digits and Latin letters (either width) make words: 135 → 142 is one change."""
    folded = unicodedata.normalize("NFKC", character)
    return len(folded) == 1 and folded.isascii() and folded.isalnum()


def _whole_words(steps: list) -> list:
    """Moves the digits or Latin letters that touch a change from the equal text
    into the change, so a number or a word is marked whole (1[35→42] → 135→142)."""
    steps = list(steps)
    for index, step in enumerate(steps):
        if isinstance(step, str):
            continue
        removed, added = step
        # A change at either end of the text has no equal text on that side.
        before = steps[index - 1] if index > 0 else None
        if isinstance(before, str) and any(
            text and _is_word_character(text[0]) for text in (removed, added)
        ):
            kept = len(before)
            while kept and _is_word_character(before[kept - 1]):
                kept -= 1
            moved = before[kept:]
            steps[index - 1] = before[:kept]
            removed, added = moved + removed, moved + added
        after = steps[index + 1] if index + 1 < len(steps) else None
        if isinstance(after, str) and any(
            text and _is_word_character(text[-1]) for text in (removed, added)
        ):
            kept = 0
            while kept < len(after) and _is_word_character(after[kept]):
                kept += 1
            moved = after[:kept]
            steps[index + 1] = after[kept:]
            removed, added = removed + moved, added + moved
        steps[index] = (removed, added)
    return [step for step in steps if step != ""]


def is_unchanged(pieces: list[Piece]) -> bool:
    return all(piece.kind == "equal" for piece in pieces)


# The marks carry words for screen readers and for print, not colour alone:
# <del> and <ins> are announced by few screen readers, so each says what it is.
_DELETED = (
    '<del class="removed"><span class="visually-hidden">［削除: </span>{}'
    '<span class="visually-hidden">］</span></del>'
)
_INSERTED = (
    '<ins class="added"><span class="visually-hidden">［追加: </span>{}'
    '<span class="visually-hidden">］</span></ins>'
)


def _lines(text: str) -> SafeString:
    """Escaped, each line break a <br> (as ``linebreaksbr`` shows the whole text)."""
    return mark_safe(escape(text).replace("\n", "<br>"))  # escaped first


def _side_html(pieces: list[Piece], *, left_out: str, changed: str) -> SafeString:
    """One side of the comparison: the pieces it holds (all but ``left_out``),
    escaped, each changed one wrapped in ``changed``."""
    return format_html_join(
        "",
        "{}",
        (
            (
                _lines(piece.text)
                if piece.kind == "equal"
                else format_html(changed, _lines(piece.text)),
            )
            for piece in pieces
            if piece.kind != left_out
        ),
    )


def old_html(pieces: list[Piece]) -> SafeString:
    """The earlier text, escaped, with what was removed in ``<del>``."""
    return _side_html(pieces, left_out="insert", changed=_DELETED)


def new_html(pieces: list[Piece]) -> SafeString:
    """The later text, escaped, with what was added in ``<ins>``."""
    return _side_html(pieces, left_out="delete", changed=_INSERTED)
