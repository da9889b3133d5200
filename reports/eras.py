"""Japanese era years (和暦) to Western fiscal years, and back for display."""

import re
import unicodedata

# First Western year of each era: year N of the era is START + N - 1.
ERA_STARTS = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
ERA_ABBREVIATIONS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}

_ERA_YEAR = re.compile(r"(?P<era>[^\d\s元（(]{1,2})\s*(?P<year>\d{1,2}|元)\s*年")
_WESTERN_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年")


class UnknownEraError(ValueError):
    """An era name that is not one of ERA_STARTS."""

    def __init__(self, era: str) -> None:
        super().__init__(era)
        self.era = era


def era_to_western(era: str, year: str | int) -> int:
    """平成29 → 2017, 令和元 → 2019; documents' 平成31/平成32 continue the count."""
    era = ERA_ABBREVIATIONS.get(era.upper(), era)
    if era not in ERA_STARTS:
        raise UnknownEraError(era)
    number = 1 if year == "元" else int(year)
    if number < 1:
        raise ValueError(f"{era}{year}年")
    return ERA_STARTS[era] + number - 1


def find_fiscal_year(text: str) -> int | None:
    """The fiscal year named in a heading such as 平成29年度実施状況 or 2019年度.

    Returns None when the text names no year; raises UnknownEraError for a year
    written in an era this module does not know.
    """
    text = unicodedata.normalize("NFKC", text)
    if "年度" not in text and "年" not in text:
        return None
    match = _ERA_YEAR.search(text)
    if match and (match.group("era") in ERA_STARTS or match.group("era") in ERA_ABBREVIATIONS):
        return era_to_western(match.group("era"), match.group("year"))
    western = _WESTERN_YEAR.search(text)
    if western:
        return int(western.group("year"))
    if match and _looks_like_era(match.group("era")):
        raise UnknownEraError(match.group("era"))
    return None


def _looks_like_era(name: str) -> bool:
    """Two CJK characters right before a year number read as an era name."""
    return len(name) == 2 and all("\u4e00" <= ch <= "\u9fff" for ch in name)


def fiscal_year_label(fiscal_year: int) -> str:
    """2017 → 平成29年度（2017年度）; 2019 → 令和元年度（2019年度）."""
    for era, start in sorted(ERA_STARTS.items(), key=lambda item: -item[1]):
        if fiscal_year >= start:
            number = fiscal_year - start + 1
            era_year = "元" if number == 1 else str(number)
            return f"{era}{era_year}年度（{fiscal_year}年度）"
    return f"{fiscal_year}年度"


_YEAR_WORD = re.compile(
    r"(?:(?P<western>(?:19|20)\d{2})|(?P<era>平成|令和|[HRhr])(?P<era_year>\d{1,2}|元))(?:年度|年)?"
)


def fiscal_year_in_word(word: str) -> int | None:
    """The fiscal year a whole search word names (2017, 2017年度, 平成29年度, H29,
    令和元年), or None: a reader's way of asking for a year, not a text to find."""
    match = _YEAR_WORD.fullmatch(unicodedata.normalize("NFKC", word).strip())
    if match is None:
        return None
    if match.group("western"):
        return int(match.group("western"))
    if match.group("era_year") == "0" or match.group("era_year").startswith("0"):
        return None
    return era_to_western(match.group("era"), match.group("era_year"))
