"""Numbers at the start of a label: Ⅰ, I, １, 1, (1), （１）, ①, 第1 …"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}  # ①..⑳
_ROMAN_CHARACTERS = {chr(0x2160 + i): i + 1 for i in range(12)}  # Ⅰ..Ⅻ
_ROMAN_CHARACTERS.update({chr(0x2170 + i): i + 1 for i in range(12)})  # ⅰ..ⅻ

# A separator after a one-character number: "Ⅱ：被害者…", "①．…".
_AFTER_SYMBOL = re.compile(r"^\s*[\.．、:：]")

# After NFKC: "Ⅳ" → "IV", "（１）" → "(1)", "①" stays, "１" → "1".
_PATTERNS = [
    re.compile(r"^第\s*(?P<arabic>\d+)\s*[\.．、:：]?\s*(?P<rest>.*)$", re.S),
    re.compile(r"^[\(\[]\s*(?P<arabic>\d+)\s*[\)\]]\s*(?P<rest>.*)$", re.S),
    re.compile(r"^(?P<arabic>\d+)\s*[\)\]]\s*(?P<rest>.*)$", re.S),
    re.compile(r"^(?P<arabic>\d+)(?:\s*[\.．、:：]\s*|\s+)(?P<rest>.*)$", re.S),
    re.compile(r"^(?P<arabic>\d+)$"),
    re.compile(r"^[\(\[]\s*(?P<roman>[IVXL]+)\s*[\)\]]\s*(?P<rest>.*)$", re.S),
    re.compile(r"^(?P<roman>[IVXL]+)(?:\s*[\.．、:：]\s*|\s+)(?P<rest>.*)$", re.S),
    re.compile(r"^(?P<roman>[IVXL]+)$"),
]


@dataclass(frozen=True)
class Numbered:
    number: int | None
    label: str
    """The number as published (e.g. ``II``, ``（１）``); empty when there is none."""
    text: str
    """The rest of the cell, as published."""


def roman_to_int(numeral: str) -> int | None:
    total = 0
    previous = 0
    for char in reversed(numeral.upper()):
        value = _ROMAN_VALUES.get(char)
        if value is None:
            return None
        total += -value if value < previous else value
        previous = max(previous, value)
    return total or None


# Goal and direction labels repeat on every row of their block (merged cells).
@lru_cache(maxsize=8192)
def split_number(cell: str) -> Numbered:
    """Split a leading number from a label: ``"II 被害者の…"`` → (2, "II", "被害者の…")."""
    stripped = cell.strip()
    if not stripped:
        return Numbered(None, "", "")
    return _plain_number(stripped) or _split_number(stripped)


# "12 事業名": digits, spaces, then a character that NFKC leaves alone and that
# cannot continue the number or its separator. Most project cells are written
# so, and are split here without folding the whole cell; the result is what
# the patterns below give (``tests/importers/test_numbering.py`` compares them).
_PLAIN_NUMBER = re.compile(r"([0-9]+)[ \u3000]+")
_NOT_AFTER_PLAIN_NUMBER = frozenset(".．、:：)]")


def _plain_number(stripped: str) -> Numbered | None:
    match = _PLAIN_NUMBER.match(stripped)
    if match is None:
        return None
    following = stripped[match.end()]  # there is one: the cell was stripped
    if (
        following.isspace()
        or following.isdecimal()
        or following in _NOT_AFTER_PLAIN_NUMBER
        or unicodedata.combining(following)
        or unicodedata.normalize("NFKC", following) != following
    ):
        return None
    return Numbered(int(match.group(1)), match.group(1), stripped[match.end() :])


def _split_number(stripped: str) -> Numbered:
    first = stripped[0]
    for table in (_CIRCLED, _ROMAN_CHARACTERS):
        if first in table:
            return Numbered(table[first], first, _AFTER_SYMBOL.sub("", stripped[1:]).strip())
    # NFKC only to recognise the number; the rest is cut from the original text
    # so that what was published is kept as it was.
    folded = unicodedata.normalize("NFKC", stripped)
    for pattern in _PATTERNS:
        match = pattern.match(folded)
        if not match:
            continue
        groups = match.groupdict()
        if groups.get("arabic"):
            number = int(groups["arabic"])
        else:
            number = roman_to_int(groups["roman"])
            if number is None:
                continue
        rest = groups.get("rest") or ""
        label_length = _original_prefix_length(stripped, len(folded) - len(rest))
        label = stripped[:label_length].strip()
        return Numbered(number, label, stripped[label_length:].strip())
    return Numbered(None, "", stripped)


def _original_prefix_length(original: str, folded_length: int) -> int:
    """How many characters of ``original`` fold to the first ``folded_length``."""
    consumed = 0
    for index, char in enumerate(original):
        if consumed >= folded_length:
            return index
        consumed += len(unicodedata.normalize("NFKC", char))
    return len(original)
