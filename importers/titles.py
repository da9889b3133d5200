"""What a table's title row says: the plan it reports on, and the municipality.

A city's table opens with a line such as
「第2次さいたま市配偶者等からの暴力の防止及び被害者支援基本計画　令和2年度 取組状況」:
the plan's name, then the year and what the table is. The year words and the
words for "status report" are not part of the plan's name, so every year's
table of one plan names the same plan. The municipality is the 市・区・町・村
(or 都道府県) its name opens with, after any 第N次.

Slugs are ASCII (the URLs' and the slug validator's rule) and nothing is
transliterated: a municipality's slug is a short hash of its name, a plan's is
its municipality's slug, its ordinal (第2次 → 2) and a short hash of its name.
Pure: no database.
"""

import hashlib
import re
import unicodedata

UNNAMED_MUNICIPALITY_SLUG = "unnamed"
"""The municipality of plans whose municipality no one has named (its name is
empty): their departments share it, as every department once shared the site."""

_YEAR_WORDS = re.compile(
    r"[（(]?\s*(?:令和|平成|昭和|[RHS]\.?)?\s*(?:\d{1,4}|元)\s*年度\s*(?:版|分)?\s*[)）]?"
)
"""令和2年度, 平成29年度, H29年度, 2020年度, (2020年度), 令和元年度版."""

_REPORT_WORDS = re.compile(
    r"(?:の|に係る|における|に関する)?\s*"
    r"(?:取組|取り組み|取組み|実施|進捗|進行管理|推進)?\s*"
    r"(?:状況|状況報告|状況報告書|報告書|報告)\s*(?:一覧|一覧表|表)?\s*(?:について)?$"
)
"""…の実施状況について, 取組状況, 進捗状況報告書: what the table is, at the end."""

_EMPTY_PERIOD = re.compile(r"[（(]?\s*[～~〜―\-－]\s*[)）]?|[（(]\s*[)）]")

_ORDINAL = re.compile(r"第\s*(\d{1,2})\s*次")

_MUNICIPALITY = re.compile(
    r"^(?:第\s*\d{1,2}\s*次\s*)?"
    r"(?P<name>(?:[\u3041-\u30ff\u4e00-\u9fffヶ々]{1,4}?[都道府県])?"
    r"[\u3041-\u30ff\u4e00-\u9fffヶ々]{1,8}?[市区町村])"
    r"|^(?:第\s*\d{1,2}\s*次\s*)?(?P<prefecture>[\u3041-\u30ff\u4e00-\u9fffヶ々]{1,4}?[都道府県])"
)
"""The municipality a plan's name opens with (after 第N次): 〇〇市, 〇〇県〇〇町, 〇〇県."""

_PLAN_WORDS = ("計画", "プラン", "指針", "ビジョン")
"""A title names a plan only when its name has one of these: a note above the
header (「（単位：件）」, 「資料2」) is not a plan."""


def plan_name(title: str) -> str | None:
    """The plan's name in a table's title, without the year and report words;
    None when the title names no plan."""
    text = " ".join(unicodedata.normalize("NFKC", title).split())
    text = _YEAR_WORDS.sub(" ", text).strip()
    # What a period (平成28年度～令和2年度) leaves of its brackets and its dash.
    text = _EMPTY_PERIOD.sub(" ", text).strip()
    for _ in range(2):  # 「…計画の実施状況 一覧」: a report word may follow another
        text = _REPORT_WORDS.sub("", text).strip(" 　の・:：")
    if not any(word in text for word in _PLAN_WORDS):
        return None
    # Keep the title's own characters: the name as published, spaces folded.
    return _published_form(title, text)


def _published_form(title: str, folded_name: str) -> str:
    """``folded_name`` (NFKC, single spaces) as written in ``title``, when it
    can be found there character by character; else the folded form."""
    pieces = []
    for char in title:
        folded = unicodedata.normalize("NFKC", char)
        pieces.append(" " if folded.isspace() else folded)
    folded_title = "".join(pieces)
    collapsed, offsets = [], []
    for index, piece in enumerate(pieces):
        if piece == " " and collapsed and collapsed[-1] == " ":
            continue
        collapsed.append(piece)
        offsets.append(index)
    if len(folded_title) != len(title):
        return folded_name
    start = "".join(collapsed).find(folded_name)
    if start < 0:
        return folded_name
    end = start + len(folded_name) - 1
    return title[offsets[start] : offsets[end] + 1]


def municipality_name(plan: str) -> str | None:
    """The municipality a plan's name opens with: さいたま市, 東京都港区, 〇〇県."""
    text = unicodedata.normalize("NFKC", plan)
    match = _MUNICIPALITY.match(text)
    if match is None:
        return None
    name = match.group("name") or match.group("prefecture")
    rest = text[match.end() :]
    # 四日市市: the unit again, not opening a word such as 市民 or 町内, ends the name.
    if len(rest) >= 2 and rest[0] == name[-1] and rest[1] not in "民内営立政域有長議":
        name += rest[0]
    return name


def folded(text: str) -> str:
    """A name as compared: NFKC, without spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _short_hash(text: str) -> str:
    return hashlib.sha256(folded(text).encode()).hexdigest()[:8]


def municipality_slug(name: str) -> str:
    """m-1a2b3c4d for a named municipality; ``unnamed`` for the unnamed one."""
    if not name.strip():
        return UNNAMED_MUNICIPALITY_SLUG
    return f"m-{_short_hash(name)}"


def plan_slug(name: str, municipality_slug: str) -> str:
    """<municipality>-<ordinal>-<hash of the name>, e.g. m-1a2b3c4d-2-5e6f7a8b;
    without an ordinal <municipality>-<hash>."""
    ordinal = _ORDINAL.search(unicodedata.normalize("NFKC", name))
    parts = [municipality_slug, *([ordinal.group(1)] if ordinal else []), _short_hash(name)]
    return "-".join(parts)
