"""The reviewed corrections file (``fixtures/corrections.toml``): read, check, load.

Every entry is checked against the database before anything is written; an
entry that names a plan, year or project that is not there, an unknown field,
or a published text that is not in that field stops the load with a message
naming the file and the entry, and nothing changes. Loading the same file
twice changes nothing; an entry taken out of the file is deleted.
"""

import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from reports import search
from reports.corrections import reading
from reports.dataversion import data_version_publish_on_commit
from reports.models import AnnualStatus, Correction, Plan, Project

KEYS = ("plan", "fiscal_year", "project", "field", "published", "corrected", "reason")
FIELDS = {choice.value: choice.label for choice in Correction.Field}


@dataclass(frozen=True)
class CorrectionEntry:
    """One ``[[correction]]`` of the file; ``index`` is its place in the file, from 1."""

    index: int
    plan: str
    fiscal_year: int
    project: int
    field: str
    published: str
    corrected: str
    reason: str


class CorrectionsError(Exception):
    """The file has errors; nothing was written. ``messages`` name the file and entry."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class CorrectionsReport:
    file_name: str
    total: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    rebuilt_documents: int = 0

    @property
    def unchanged(self) -> int:
        return self.total - self.added - self.changed


def _describe(path: Path, index: int, values: dict) -> str:
    shown = ", ".join(
        f"{key}={values[key]!r}" if isinstance(values.get(key), str) else f"{key}={values[key]}"
        for key in KEYS[:5]
        if key in values
    )
    return f"{path.name}: {index}件目（{shown}）"


def corrections_read(path: Path) -> list[CorrectionEntry]:
    """The file's entries, each with the right keys and types; raise CorrectionsError."""
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise CorrectionsError([f"{path.name}: ファイルがありません / no such file"]) from None
    except tomllib.TOMLDecodeError as problem:
        raise CorrectionsError(
            [f"{path.name}: TOML として読めません / not valid TOML: {problem}"]
        ) from None
    unknown = sorted(set(document) - {"correction"})
    if unknown:
        raise CorrectionsError(
            [
                f"{path.name}: [[correction]] 以外の項目があります / only [[correction]] tables are expected: {', '.join(unknown)}"
            ]
        )
    raw = document.get("correction", [])
    entries: list[CorrectionEntry] = []
    messages: list[str] = []
    for index, values in enumerate(raw, start=1):
        where = _describe(path, index, values)
        problems = []
        missing = [key for key in KEYS if key not in values]
        if missing:
            problems.append(f"{'・'.join(missing)} がありません / missing: {', '.join(missing)}")
        extra = [key for key in values if key not in KEYS]
        if extra:
            problems.append(f"知らない項目です / unknown keys: {', '.join(extra)}")
        for key in ("fiscal_year", "project"):
            value = values.get(key)
            if key in values and (not isinstance(value, int) or isinstance(value, bool)):
                problems.append(f"{key} は整数で書きます / {key} must be an integer")
        for key in ("plan", "field", "published", "corrected", "reason"):
            value = values.get(key)
            if key in values and (not isinstance(value, str) or not value.strip()):
                problems.append(
                    f"{key} は空でない文字列で書きます / {key} must be a non-empty string"
                )
        if not problems and values["field"] not in FIELDS:
            problems.append(
                "field は name（事業名称）・content（事業内容）・status（実施状況）のどれかです"
                " / field must be name, content or status"
            )
        if not problems and values["published"] == values["corrected"]:
            problems.append(
                "published と corrected が同じです / published and corrected are the same"
            )
        if problems:
            messages.extend(f"{where}: エラー {problem}" for problem in problems)
            continue
        entries.append(CorrectionEntry(index=index, **{key: values[key] for key in KEYS}))
    if messages:
        raise CorrectionsError(messages)
    return entries


def corrections_load(*, path: Path) -> CorrectionsReport:
    """Make the database's corrections exactly the file's, in one transaction, and
    rewrite the search documents of every status whose texts they touch."""
    entries = corrections_read(path)
    with transaction.atomic():
        data_version_publish_on_commit()
        wanted = _check_against_database(path, entries)
        report = CorrectionsReport(file_name=path.name, total=len(wanted))
        existing = {_key(c): c for c in Correction.objects.select_for_update().order_by("pk")}
        touched: list[Correction] = []
        for key, correction in wanted.items():
            old = existing.pop(key, None)
            if old is None:
                report.added += 1
                touched.append(correction)
            elif (old.corrected, old.reason) != (correction.corrected, correction.reason):
                old.corrected, old.reason = correction.corrected, correction.reason
                old.save(update_fields=["corrected", "reason"])
                report.changed += 1
                touched.append(old)
        Correction.objects.bulk_create([c for c in touched if c.pk is None])
        removed = list(existing.values())
        report.removed = len(removed)
        Correction.objects.filter(pk__in=[c.pk for c in removed]).delete()
        touched += removed
        report.rebuilt_documents = search.index(_affected_statuses(touched))
    return report


def _key(correction: Correction) -> tuple:
    # A project's name and content are one wording for every year: the year
    # the misreading was seen in is kept, but does not tell two entries apart.
    year = correction.fiscal_year if correction.field == Correction.Field.STATUS else None
    return (correction.project_id, correction.field, year, correction.published)


def _check_against_database(path: Path, entries: list[CorrectionEntry]) -> dict[tuple, Correction]:
    """The entries as unsaved Corrections by key; raise CorrectionsError for any
    entry that does not fit the database."""
    plans = {p.slug: p for p in Plan.objects.filter(slug__in={e.plan for e in entries})}
    projects = {
        (p.plan_id, p.number): p for p in Project.objects.filter(plan__in=plans.values()).order_by()
    }
    statuses = {
        (project_id, year): text
        for project_id, year, text in AnnualStatus.objects.filter(project__plan__in=plans.values())
        .order_by()
        .values_list("project_id", "fiscal_year", "status_text")
    }
    messages: list[str] = []
    wanted: dict[tuple, Correction] = {}
    seen: dict[tuple, int] = {}
    by_text: dict[tuple, list[tuple[CorrectionEntry, Correction]]] = defaultdict(list)
    for entry in entries:
        where = _describe(path, entry.index, entry.__dict__)
        plan = plans.get(entry.plan)
        if plan is None:
            messages.append(f"{where}: エラー 計画「{entry.plan}」がありません / no such plan")
            continue
        project = projects.get((plan.pk, entry.project))
        if project is None:
            messages.append(
                f"{where}: エラー 計画「{entry.plan}」に事業{entry.project}がありません"
                f" / the plan has no project {entry.project}"
            )
            continue
        status_text = statuses.get((project.pk, entry.fiscal_year))
        if status_text is None:
            messages.append(
                f"{where}: エラー 事業{entry.project}の{entry.fiscal_year}年度の実施状況はまだ取り込まれていません"
                f"（補正はその年度の表を取り込んでから書きます）"
                f" / no status of project {entry.project} for fiscal year {entry.fiscal_year} has been imported"
            )
            continue
        label = FIELDS[entry.field]
        text = (
            status_text if entry.field == Correction.Field.STATUS else getattr(project, entry.field)
        )
        if entry.published not in text:
            messages.append(
                f"{where}: エラー {label}に「{entry.published}」がありません"
                f" / the published text does not occur in the {entry.field}"
            )
            continue
        correction = Correction(
            project=project,
            fiscal_year=entry.fiscal_year,
            field=entry.field,
            published=entry.published,
            corrected=entry.corrected,
            reason=entry.reason,
        )
        key = _key(correction)
        if key in seen:
            messages.append(
                f"{where}: エラー {seen[key]}件目と同じ補正です（事業名称・事業内容は年度によらず一つ）"
                f" / the same correction as entry {seen[key]}"
            )
            continue
        seen[key] = entry.index
        wanted[key] = correction
        by_text[(project.pk, entry.field, key[2])].append((entry, correction))
    for (project_id, field_name, year), group in by_text.items():
        correction = group[0][1]
        text = (
            statuses[(project_id, year)]
            if field_name == Correction.Field.STATUS
            else getattr(correction.project, field_name)
        )
        applied = {id(a.correction) for a in reading(text, [c for _, c in group]).applied}
        for entry, c in group:
            if id(c) not in applied:
                messages.append(
                    f"{_describe(path, entry.index, entry.__dict__)}: エラー 「{entry.published}」は"
                    f"どこでも他の補正の「published」に含まれていて、当たる所がありません"
                    f" / every occurrence is inside another entry's published text"
                )
    if messages:
        raise CorrectionsError(messages)
    return wanted


def _affected_statuses(corrections: list[Correction]) -> list[int]:
    """Every status of a project whose name or content is corrected; the one
    status of a corrected 実施状況."""
    if not corrections:
        return []
    condition = Q()
    for c in corrections:
        if c.field == Correction.Field.STATUS:
            condition |= Q(project_id=c.project_id, fiscal_year=c.fiscal_year)
        else:
            condition |= Q(project_id=c.project_id)
    return list(AnnualStatus.objects.filter(condition).order_by("pk").values_list("pk", flat=True))
