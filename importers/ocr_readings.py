"""OCR's readings to review: each project name and 事業内容 a scanned table gives
that differs from the wording the plan already holds. No writes.

These rarely change from year to year, so a difference in a scanned file is
most likely a misreading: each is a warning with both readings, and
``correction_candidates`` writes them in the corrections file's format, for a
person to review. Nothing is corrected automatically.
"""

from dataclasses import dataclass

from importers.normaliser import StatusTable
from importers.problems import Place, Problem, warning


@dataclass(frozen=True)
class Reading:
    """A project's name or content as OCR read it, and as the plan holds it."""

    project: int
    field: str
    """``name`` or ``content``, as in the corrections file."""
    read: str
    held: str
    place: Place


_FIELD_LABELS = {"name": ("事業名称", "project name"), "content": ("事業内容", "project content")}


def differing_readings(table: StatusTable, held: dict[int, tuple[str, str]]) -> list[Reading]:
    """Each project name and content OCR read differently from the plan's wording.

    ``held`` is the plan's (name, content) by project number; projects new to
    the plan have nothing to compare with.
    """
    readings = []
    for project in table.projects:
        if project.number not in held:
            continue
        name, content = held[project.number]
        for field, read, kept in (
            ("name", project.name, name),
            ("content", project.content, content),
        ):
            if read != kept:
                readings.append(Reading(project.number, field, read, kept, project.place))
    return readings


def reading_warnings(readings: list[Reading]) -> list[Problem]:
    return [
        warning(
            reading.place,
            f"画像から読み取った{_FIELD_LABELS[reading.field][0]}が計画の文言と違います"
            f"（事業 {reading.project}。読み取り「{reading.read}」、計画「{reading.held}」）。"
            "読み違いでないか確かめてください",
            f"the {_FIELD_LABELS[reading.field][1]} read through OCR differs from the plan's "
            f"(project {reading.project}; read 「{reading.read}」, plan 「{reading.held}」): "
            "check it for a misreading",
            reading.read,
        )
        for reading in readings
    ]


def correction_candidates(plan: str, fiscal_year: int, readings: list[Reading]) -> str:
    """The readings as entries of the corrections file (``fixtures/corrections.toml``),
    to be reviewed before any is added: the published text is the OCR reading,
    the correction the plan's wording."""
    blocks = [
        "# Candidate corrections from an OCR import: review each one against the\n"
        "# city's file before copying it into the corrections file.\n"
    ]
    for reading in readings:
        blocks.append(
            "\n[[correction]]\n"
            f"plan = {_toml_string(plan)}\n"
            f"fiscal_year = {fiscal_year}\n"
            f"project = {reading.project}\n"
            f'field = "{reading.field}"\n'
            f"published = {_toml_string(reading.read)}\n"
            f"corrected = {_toml_string(reading.held)}\n"
            'reason = "OCR の読み違いの候補（要確認）"\n'
        )
    return "".join(blocks)


def _toml_string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'
