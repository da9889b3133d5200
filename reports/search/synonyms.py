"""The reviewed synonyms file (``SYNONYMS_FILE``): search words readers type,
and the words of the city's tables each also finds."""

import tomllib
from functools import cache
from pathlib import Path

from reports.search.text import normalise


class SynonymsFileError(ValueError):
    """An entry without its words, what they find, or a reason."""


@cache
def synonym_table(path: Path) -> dict[str, tuple[str, ...]]:
    """Folded word → the folded words it also finds, in the file's order."""
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("synonym", [])
    table: dict[str, list[str]] = {}
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in ("words", "finds", "reason") if not entry.get(key)]
        if missing:
            raise SynonymsFileError(
                f"{path.name}: {number} 番目の項目に {', '.join(missing)} がありません"
                f" / entry {number} has no {', '.join(missing)}"
            )
        finds = [normalise(word) for word in entry["finds"]]
        for word in entry["words"]:
            also = table.setdefault(normalise(word), [])
            also += [f for f in finds if f != normalise(word) and f not in also]
    return {word: tuple(finds) for word, finds in table.items() if finds}
