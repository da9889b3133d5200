"""Consultation hotlines, read once from the data file named by ``HOTLINES_FILE``."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Hotline:
    name: str
    number: str
    tel: str
    """The number as dialled, for a ``tel:`` link."""
    note: str = ""


@cache
def hotline_list(path: Path) -> tuple[Hotline, ...]:
    with path.open("rb") as handle:
        entries = tomllib.load(handle)["hotline"]
    return tuple(
        Hotline(
            name=entry["name"],
            number=entry["number"],
            tel=entry["tel"],
            note=entry.get("note", ""),
        )
        for entry in entries
    )
