"""Spreadsheet cells: formula neutralisation, and its inverse.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be run as a formula by a spreadsheet, so the downloads
(``reports.exports``) write it with a ``'`` in front. A text cell that already
begins with ``'`` gets one more, so the scheme is reversible: the importer of
this site's own downloads (``importers.exported``) removes exactly one leading
``'`` from every cell. Both sides use this module, so the pair cannot drift apart.
"""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``=SUM(A1)`` → ``'=SUM(A1)``; ``'x`` → ``''x``; anything else unchanged."""
    if text.startswith((*_FORMULA_STARTS, "'")):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """The inverse of ``neutralise``: one leading ``'`` removed."""
    return text[1:] if text.startswith("'") else text
