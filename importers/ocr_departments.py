"""Department names read through OCR, matched to the departments the plan's
municipality already has. No database: the loader passes the known names.

OCR misreads a character now and then (支援政策課 as 支援政信課), and reads two
departments on two lines of their cell as one name (男女共同参画課全庁). A
department seldom changes its name, so a reading that is not a known name but
is one, or several joined, with a few characters misread is most likely a
misreading of them. Each name read is decided on its own:

- a known name is kept;
- a reading that is exactly several known names joined is split into them,
  when it can be split only one way;
- a reading that is, at most one character wrong in five, the spelling of
  exactly one known name or run of known names is taken as those names;
- anything else (no such name, or several) is kept as read: a new department.

One character in five: a department's name is a place and a kind of office
(男女共同参画 + 課), and two real departments of one city often differ in one
character of a short name (指導1課 and 指導2課, 保育課 and 保健課), so a name of
fewer than five characters is never taken for another, while a long name keeps
most of its characters when OCR misreads one. In a joined reading each known
name also keeps at least half its characters, so that the long name beside it
does not carry a short one in on its own (全店 beside 男女共同参画課 is 全庁, but
a new XY is not).

Every decision, and every reading left as read because several known names are
as near, is a warning with both readings at the department cell, for a person
to review. Only a table read through OCR goes through this: a typed file says
what it says.
"""

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from importers.departments import WHOLE_GOVERNMENT_NAMES, DepartmentEntry, parse_departments
from importers.normaliser import StatusTable
from importers.problems import Place, Problem, warning
from importers.validator import departments_place

CHARACTERS_PER_MISREAD = 5
"""A reading may differ from the known names it is taken for by one character
(misread, lost or added) for every this many characters of those names."""


@dataclass(frozen=True)
class DepartmentMatch:
    """What a department name read through OCR is taken for."""

    read: str
    names: tuple[str, ...]
    """The known names it is taken for, in order; ``(read,)`` when kept as read."""
    near: tuple[tuple[str, ...], ...] = ()
    """When kept as read because several known names (or runs of them) are as
    near: each of them."""

    @property
    def changed(self) -> bool:
        return self.names != (self.read,)


def department_match(read: str, known: frozenset[str]) -> DepartmentMatch:
    """The known name, or run of known names, a reading is taken for (see the module)."""
    if read in known or not known:
        return DepartmentMatch(read, (read,))
    return _match(read, known)


@lru_cache(maxsize=1024)
def _match(read: str, known: frozenset[str]) -> DepartmentMatch:
    pieces = _pieces(read, known)
    exact = [[piece for piece in at if piece[2] == 0] for at in pieces]
    for candidates in (exact, pieces):
        found = _runs(read, candidates)
        if len(found) == 1:
            return DepartmentMatch(read, found[0])
        if found:
            return DepartmentMatch(read, (read,), tuple(sorted(found)))
    return DepartmentMatch(read, (read,))


Piece = tuple[int, str, int]
"""A known name read at a position: (where its reading ends, the name, the
characters misread)."""


def _pieces(read: str, known: frozenset[str]) -> list[list[Piece]]:
    """At each position of the reading, every known name that may begin there
    and where its reading ends: each within half its characters."""
    longest = len(read) + len(read) // 2
    pieces: list[list[Piece]] = [[] for _ in read]
    for name in sorted(known):
        if len(name) > longest:
            continue
        limit = len(name) // 2
        for start in range(len(read)):
            for length, distance in enumerate(_prefix_distances(name, read[start:])):
                if length and distance <= limit:
                    pieces[start].append((start + length, name, distance))
    return pieces


def _prefix_distances(name: str, text: str) -> list[int]:
    """The edit distance (characters misread, lost or added) between ``name`` and
    each beginning of ``text``, by its length."""
    previous = list(range(len(text) + 1))
    for row, wanted in enumerate(name, start=1):
        current = [row]
        for column, char in enumerate(text, start=1):
            current.append(
                min(
                    previous[column] + 1,
                    current[column - 1] + 1,
                    previous[column - 1] + (char != wanted),
                )
            )
        previous = current
    return previous


def _cost(piece: Piece) -> int:
    """A piece's share of the reading's allowance: a run of names qualifies when
    its pieces' costs add up to zero or less (``CHARACTERS_PER_MISREAD`` times the
    characters misread, less the names' lengths)."""
    _end, name, distance = piece
    return CHARACTERS_PER_MISREAD * distance - len(name)


def _runs(read: str, pieces: list[list[Piece]], wanted: int = 2) -> list[tuple[str, ...]]:
    """Up to ``wanted`` distinct runs of known names (one name or more) that the
    whole reading may be, within the allowance."""
    # The least cost of reading the rest from each position (infinite where no
    # known name fits): a branch is followed only when it can still end within
    # the allowance, so the search never walks into a dead end.
    least: list[float] = [0.0] * (len(read) + 1)
    for start in range(len(read) - 1, -1, -1):
        least[start] = min(
            (_cost(piece) + least[piece[0]] for piece in pieces[start]), default=math.inf
        )
    found: list[tuple[str, ...]] = []

    def follow(start: int, spent: int, names: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        if start == len(read):
            yield names
            return
        for piece in pieces[start]:
            if spent + _cost(piece) + least[piece[0]] <= 0:
                yield from follow(piece[0], spent + _cost(piece), (*names, piece[1]))

    if least[0] > 0:
        return found
    for names in follow(0, 0, ()):
        if names not in found:
            found.append(names)
            if len(found) == wanted:
                break
    return found


def departments_matched(
    table: StatusTable, known: Iterable[str]
) -> tuple[StatusTable, list[Problem]]:
    """The table read through OCR with each department name matched to the
    ``known`` ones (``department_match``), and a warning for each decision."""
    known_names = frozenset(known)
    problems: list[Problem] = []
    projects = []
    for record in table.projects:
        place = departments_place(record)
        entries: list[DepartmentEntry] = []
        for read in record.departments:
            entry = _with_note_found(read, record.number, place, problems)
            match = department_match(entry.name, known_names)
            problems += _match_warnings(match, record.number, place)
            predecessor = entry.predecessor
            if predecessor is not None:
                taken = department_match(predecessor, known_names)
                if len(taken.names) == 1:
                    # A predecessor is one department: a joined reading stays as read.
                    problems += _match_warnings(taken, record.number, place, predecessor=True)
                    predecessor = taken.names[0]
            *first, last = match.names
            entries += [DepartmentEntry(name, name in WHOLE_GOVERNMENT_NAMES) for name in first]
            # A reorganisation note belongs to the name written just before it.
            entries.append(
                entry
                if (last, predecessor) == (entry.name, entry.predecessor)
                else replace(
                    entry,
                    name=last,
                    is_whole_government=last in WHOLE_GOVERNMENT_NAMES,
                    predecessor=predecessor,
                )
            )
        departments = tuple(entries)
        projects.append(
            record
            if departments == record.departments
            else replace(record, departments=departments)
        )
    return replace(table, projects=projects), problems


_CLOSING_BRACKETS = {")": "(", "）": "（"}


def _with_note_found(
    entry: DepartmentEntry, project: int, place: Place, problems: list[Problem]
) -> DepartmentEntry:
    """An entry whose name runs on into a reorganisation note that lost its
    opening bracket (危機管理課 (平成30年度より… read as 危機管理康平成30年度より…）:
    the name and the note parted where the note can begin (the earliest place
    where a bracket put back makes a note that reads whole); otherwise the entry."""
    name = entry.name
    opening = _CLOSING_BRACKETS.get(name[-1:])
    if entry.note is not None or opening is None or any(b in name for b in "(（"):
        return entry
    for split in range(1, len(name) - 1):
        parsed, parse_problems = parse_departments(f"{name[:split]} {opening}{name[split:]}")
        if parse_problems or len(parsed) != 1 or parsed[0].note is None:
            continue
        found = parsed[0]
        problems.append(
            warning(
                place,
                f"画像から読み取った担当課の欄に、始まりの括弧のない組織変更の注記があります"
                f"（事業 {project}。読み取り「{name}」）。括弧が読み取れなかったものとみて、"
                f"担当課「{found.name}」と注記「{found.note}」に分けて取り込みました。確かめてください",
                f"a department read through OCR runs on into a reorganisation note without "
                f"its opening bracket (project {project}; read 「{name}」): taken as the "
                f"department 「{found.name}」 and the note 「{found.note}」; check it",
                name,
            )
        )
        return found
    return entry


def _match_warnings(
    match: DepartmentMatch, project: int, place: Place, *, predecessor: bool = False
) -> list[Problem]:
    if not match.changed and not match.near:
        return []
    what_ja, what_en = (
        ("組織変更前の担当課", "predecessor department")
        if predecessor
        else (
            "担当課",
            "department",
        )
    )
    read = f"事業 {project}。読み取り「{match.read}」"
    if match.near:
        near = "、".join(_names(names) for names in match.near)
        return [
            warning(
                place,
                f"画像から読み取った{what_ja}が、既にあるいくつかの担当課に同じように近いため、"
                f"読み取りのまま新しい担当課として取り込みました（{read}、近い担当課 {near}）。"
                "読み違いでないか確かめてください",
                f"the {what_en} read through OCR is as near to several known departments "
                f"({near}) and was kept as read, a new department (project {project}; "
                f"read 「{match.read}」): check it for a misreading",
                match.read,
            )
        ]
    if len(match.names) == 1:
        how_ja = "読み違いとみて、既にある担当課として取り込みました"
        how_en = "taken for the known department, as a misreading"
    else:
        how_ja = "区切りが読み取れなかったものとみて、既にある担当課に分けて取り込みました"
        how_en = "split into the known departments, as read without a separator"
    taken = _names(match.names)
    return [
        warning(
            place,
            f"画像から読み取った{what_ja}が既にある担当課と違います（{read}、"
            f"既にある担当課 {taken}）。{how_ja}。確かめてください",
            f"the {what_en} read through OCR is not a known department (project {project}; "
            f"read 「{match.read}」, known {taken}): {how_en}; check it",
            match.read,
        )
    ]


def _names(names: tuple[str, ...]) -> str:
    return "".join(f"「{name}」" for name in names)
