"""Japanese keyword search: normalisation, grams and query parsing.

Pure functions, no database. The same ``normalise`` folds the indexed texts
(``StatusSearchDocument``) and the reader's query, so "contains after
normalisation" means the same thing on both sides.

Folded: NFKC (full-width letters and digits, half-width katakana, compatibility
forms), case (``str.casefold``), hiragana to katakana (でーと finds デート: readers
type either, and the city's texts write the same word both ways), small kana to
their full size (ァ→ア, ッ→ツ, ヶ→ケ), the long-vowel mark after kana dropped
(デート, デエト and デト differ only in a sound readers write both ways:
コンピュータ/コンピューター), the dash family elsewhere (－−‐‑‒–—―, and ー not
after kana, all become ``-``), the wave dash family (〜～ become ``~``) and runs
of white space (one space). Not folded, on purpose: old and new kanji forms
(國/国, 髙/高: the city's texts use one form each, and folding would need a table
we would have to maintain by hand).
"""

import operator
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

DASHES = "\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u2500\u2501"
WAVES = "\u301c\uff5e\u223c"
LONG_VOWEL = "\u30fc"
"""ー (NFKC makes the half-width ｰ this too): dropped after kana, else a dash."""
_HIRAGANA = {chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)}  # ぁ…ゖ → ァ…ヶ
_HIRAGANA.update({"\u309d": "\u30fd", "\u309e": "\u30fe"})  # ゝゞ → ヽヾ
_SMALL_KANA = dict(zip("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ", strict=True))
_FOLD = str.maketrans(
    {
        **{c: "-" for c in DASHES},
        **{c: "~" for c in WAVES},
        **{h: _SMALL_KANA.get(k, k) for h, k in _HIRAGANA.items()},
        **_SMALL_KANA,
    }
)
_KANA = "\u30a1-\u30fa\u30fd\u30fe"
"""Katakana after folding (hiragana have become katakana)."""
_LONG_AFTER_KANA = re.compile(f"(?<=[{_KANA}]){LONG_VOWEL}+")
_IS_KANA = re.compile(f"[{_KANA}]")
SEPARATOR = "\n"
"""Joins the fields of a document; queries never contain it (control characters
are refused), so a match never spans two fields."""

MAX_TERMS = 10


def _segments(text: str) -> list[str]:
    """Split ``text`` into a base character and the marks that combine with it
    (a half-width ｶ followed by ﾞ is one segment), so that folding segment by
    segment gives what folding the whole string would."""
    segments: list[str] = []
    for char in text:
        if segments and _combines(char):
            segments[-1] += char
        else:
            segments.append(char)
    return segments


@cache
def _combines(char: str) -> bool:
    """Whether ``char`` folds to a mark that combines with the character before it.
    Remembered: a text repeats the same few thousand characters."""
    folded = unicodedata.normalize("NFKC", char)
    return bool(folded) and bool(unicodedata.combining(folded[0]))


@lru_cache(maxsize=8192)
def _fold(segment: str) -> str:
    """A segment folded. Remembered: most segments are one character."""
    folded = unicodedata.normalize("NFKC", segment).casefold()
    folded = unicodedata.normalize("NFKC", folded).translate(_FOLD)
    if folded.isspace():
        return " "
    return folded


def _long_vowels(folded: str) -> str:
    """ー dropped after kana, a dash elsewhere."""
    if LONG_VOWEL not in folded:
        return folded
    return _LONG_AFTER_KANA.sub("", folded).replace(LONG_VOWEL, "-")


def normalise_with_map(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The folded text and, for each of its characters, the span of ``text`` it came from."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    for segment in _segments(text):
        folded = _fold(segment)
        if folded == " " and out and out[-1] == " ":
            folded = ""
        elif LONG_VOWEL in folded:
            after_kana = bool(out) and _IS_KANA.fullmatch(out[-1]) is not None
            folded = _long_vowels((out[-1] if after_kana else "") + folded)[after_kana:]
        for char in folded:
            out.append(char)
            spans.append((position, position + len(segment)))
        position += len(segment)
    return "".join(out), spans


_PLAIN = re.compile(
    "[\t\n\r\x20-\x7e"  # ASCII
    "\u3000-\u3003\u3005-\u3007\u300c-\u3011"  # ideographic space, 、。〃々〆〇「」『』【】
    "\u3041-\u3096\u30a1-\u30fa\u30fb-\u30fe"  # hiragana, katakana, ・ー and iteration marks
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uff01-\uff5e]*"  # full-width ASCII
)
"""Characters that fold on their own, never combining with a neighbour: a text
made only of them folds the same as a whole as character by character."""
_SPACES = re.compile("[\t\n\r \u3000]+")


def normalise(text: str) -> str:
    """``text`` folded for search (what ``normalise_with_map`` gives, faster:
    most texts are folded as a whole, in C)."""
    if _PLAIN.fullmatch(text):
        folded = unicodedata.normalize("NFKC", _SPACES.sub(" ", text)).casefold()
        return _long_vowels(folded.translate(_FOLD))
    return _fold_by_segment(text)


def _fold_by_segment(text: str) -> str:
    """What ``normalise_with_map`` gives as its text, without the spans."""
    parts: list[str] = []
    last = ""
    for segment in _segments(text):
        folded = _fold(segment)
        if folded == " " and last == " ":
            continue
        if LONG_VOWEL in folded:
            after_kana = _IS_KANA.fullmatch(last) is not None
            folded = _long_vowels((last if after_kana else "") + folded)[after_kana:]
        if folded:
            parts.append(folded)
            last = folded[-1]
    return "".join(parts)


def grams(text: str) -> list[str]:
    """Every character and every pair of adjacent characters of a folded
    document, none with ``SEPARATOR``: the index's entries
    (``reports.search.layout.block_postings`` finds the same, faster). A query's
    grams are all in the entries of any text that contains it. In no particular order."""
    found = set(text)
    found.update(map(operator.add, text, text[1:]))
    return [g for g in found if SEPARATOR not in g]


def query_grams(term: str) -> list[str]:
    """The entries that a text containing ``term`` must have: its pairs, or the
    single character of a one-character term. A term of one or two characters
    is an entry itself."""
    if len(term) == 1:
        return [term]
    return sorted({term[i : i + 2] for i in range(len(term) - 1)})


class QueryError(ValueError):
    """A query that cannot be searched; the message is for the reader."""


@dataclass(frozen=True)
class SearchQuery:
    include: tuple[str, ...]
    """Folded terms that must all occur (words and quoted phrases)."""
    exclude: tuple[str, ...] = field(default=())
    """Folded terms that must not occur (``-word``)."""
    alternatives: tuple[tuple[str, ...], ...] = field(default=())
    """For each included term, the words that also count as it (the synonyms
    file's); empty when none has any."""

    def groups(self) -> tuple[tuple[str, ...], ...]:
        """Each included term with its alternatives: one of each group must occur."""
        if not self.alternatives:
            return tuple((term,) for term in self.include)
        return tuple(
            (term, *also) for term, also in zip(self.include, self.alternatives, strict=True)
        )

    def marked_terms(self) -> tuple[str, ...]:
        """Every word a snippet marks: the included terms and their alternatives."""
        return tuple(dict.fromkeys(term for group in self.groups() for term in group))


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse_query(text: str, synonyms: Mapping[str, tuple[str, ...]] | None = None) -> SearchQuery:
    """Words are ANDed; ``"a phrase"`` keeps its spaces; ``-word`` excludes. A
    word that ``synonyms`` (folded word → folded words) lists also finds those.

    Raises ``QueryError`` for a query with nothing to search for."""
    # NFKC first, so that full-width quotes, spaces and minus signs work too.
    text = unicodedata.normalize("NFKC", text).replace("\u201c", '"').replace("\u201d", '"')
    include: list[str] = []
    exclude: list[str] = []
    for match in _TOKEN.finditer(text):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None:
            negated = "-" if word.startswith(("-", "\u2212")) and len(word) > 1 else ""
            raw = word[1:] if negated else word
        else:
            raw = phrase
        term = normalise(raw).strip()
        if not term:
            continue
        (exclude if negated else include).append(term)
    include = list(dict.fromkeys(include))
    exclude = list(dict.fromkeys(exclude))
    if not include:
        if exclude:
            raise QueryError("除く語（-で始まる語）だけでは探せません。探す語も入れてください。")
        raise QueryError("探す語がありません。文字か数字を入れてください。")
    if not any(ch.isalnum() for term in include for ch in term):
        raise QueryError("記号だけでは探せません。文字か数字を含む語を入れてください。")
    if len(include) + len(exclude) > MAX_TERMS:
        raise QueryError(f"語は{MAX_TERMS}個までにしてください。")
    alternatives = tuple((synonyms or {}).get(term, ()) for term in include)
    return SearchQuery(
        include=tuple(include),
        exclude=tuple(exclude),
        alternatives=alternatives if any(alternatives) else (),
    )


def text_matches(folded: str, query: SearchQuery) -> bool:
    """The definition the index must agree with: every term in, no excluded term in."""
    return all(any(t in folded for t in group) for group in query.groups()) and not any(
        t in folded for t in query.exclude
    )
