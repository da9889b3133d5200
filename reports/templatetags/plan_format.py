import unicodedata

from django import template

from importers.eras import fiscal_year_label

register = template.Library()

_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"


@register.filter
def fiscal_year(value: int) -> str:
    """2017 → 平成29年度（2017年度）."""
    return fiscal_year_label(int(value))


@register.filter
def goal_numeral(value: int) -> str:
    """Basic goals are shown with Roman numerals, as plans print them: 2 → Ⅱ."""
    value = int(value)
    return _ROMAN[value - 1] if 1 <= value <= len(_ROMAN) else str(value)


@register.filter
def printable(value: object) -> str:
    """Drops control characters, which a reader's URL may carry but HTML may not."""
    return "".join(ch for ch in str(value) if ch in "\t\n" or unicodedata.category(ch) != "Cc")
