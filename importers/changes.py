"""What an import changed: each addition or change as a ``Change``, the whole as an ``ImportReport``.

The writer (``importers.writer``) records a ``Change`` for every row it adds or
changes; the loader gathers them into the report that the command prints and
that an ``ImportRun`` keeps.
"""

import difflib
from dataclasses import dataclass, field

from importers.problems import Problem
from reports.models import ImportRun


@dataclass(frozen=True)
class Change:
    kind: str
    """One of: municipality, plan, goal, direction, project, status, department, succession."""
    action: str
    """``added``, ``changed`` or ``removed`` (a department no status lists any more)."""
    label: str
    diff: str = ""

    def __str__(self) -> str:
        verb = {"added": "追加", "changed": "変更", "removed": "削除"}[self.action]
        noun = _KIND_LABELS[self.kind]
        text = f"{noun}を{verb}: {self.label}"
        return f"{text}\n{self.diff}" if self.diff else text

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "action": self.action, "label": self.label, "diff": self.diff}


_KIND_LABELS = {
    "municipality": "自治体",
    "plan": "計画",
    "goal": "基本目標",
    "direction": "施策の方向",
    "project": "事業",
    "status": "実施状況",
    "department": "担当課",
    "succession": "組織変更",
}


@dataclass
class ImportReport:
    file_name: str
    plan_slug: str
    fiscal_year: int
    row_count: int
    dry_run: bool
    changes: list[Change] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    import_run: ImportRun | None = None
    ocr: bool = False
    """Whether the table was read from images through OCR."""
    ocr_readings: list = field(default_factory=list)
    """In a table read through OCR: each name and content that differs from the
    plan's wording (``importers.ocr_readings.Reading``), for review."""

    @property
    def unchanged(self) -> bool:
        return not self.changes

    def count(self, kind: str, action: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind and c.action == action)


def text_diff(old: str, new: str) -> str:
    """A short line diff for a report; long texts show only the changed lines."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), "前回", "今回", n=0, lineterm=""
    )
    shown = [line for line in lines if not line.startswith(("---", "+++", "@@"))]
    clipped = [line if len(line) <= 120 else line[:117] + "…" for line in shown[:12]]
    if len(shown) > 12:
        clipped.append(f"…（他 {len(shown) - 12} 行）")
    return "\n".join(clipped)
