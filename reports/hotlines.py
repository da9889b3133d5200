"""Where to get help, read once from the data file named by ``HOTLINES_FILE``:
national lines (``[[hotline]]``) and municipalities' own centres (``[[local]]``)."""

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Route:
    """A way in besides the telephone: chat, mail, a form."""

    label: str
    url: str


@dataclass(frozen=True)
class Hotline:
    name: str
    number: str
    tel: str
    """The number as dialled, for a ``tel:`` link."""
    note: str = ""
    routes: tuple[Route, ...] = ()
    municipality: str = ""
    """For a local centre: the municipality it serves, as the plans name it."""
    source: str = ""
    """For a local centre: the municipality's page that publishes it."""


@dataclass(frozen=True)
class Hotlines:
    national: tuple[Hotline, ...]
    local: tuple[Hotline, ...] = field(default=())

    def local_for(self, municipalities: list[str]) -> tuple[Hotline, ...]:
        """The local centres of ``municipalities``, in the file's order."""
        return tuple(h for h in self.local if h.municipality in municipalities)


def _hotline(entry: dict) -> Hotline:
    return Hotline(
        name=entry["name"],
        number=entry["number"],
        tel=entry["tel"],
        note=entry.get("note", ""),
        routes=tuple(Route(label=r["label"], url=r["url"]) for r in entry.get("routes", ())),
        municipality=entry.get("municipality", ""),
        source=entry.get("source", ""),
    )


@cache
def hotline_list(path: Path) -> Hotlines:
    with path.open("rb") as handle:
        entries = tomllib.load(handle)
    return Hotlines(
        national=tuple(_hotline(e) for e in entries["hotline"]),
        local=tuple(_hotline(e) for e in entries.get("local", ())),
    )
