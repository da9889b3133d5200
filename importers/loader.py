"""The loader: one file, one transaction, an ImportRun. The importers' public entry.

``status_import`` reads, normalises and validates first; only a file with no
errors reaches the database, and then everything is written or nothing is.
This site's own downloads are recognised by their header and imported a part
per plan and year (``exported_import`` insists on one). The plan's rows are written by ``importers.writer`` (the only
writer); what changed is reported with ``importers.changes``.
"""

import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from importers.changes import Change, ImportReport
from importers.exported import ExportedPart, PlanFields, split_exported
from importers.limits import ImportLimits
from importers.normaliser import StatusTable, normalise, split_years
from importers.ocr import OCR_FORMAT
from importers.ocr_departments import departments_matched
from importers.ocr_readings import differing_readings, reading_warnings
from importers.problems import ImportProblems, Place, Problem, Severity, error
from importers.readers import read_table
from importers.undo import departments_remove_unused, tables_state, undo_record
from importers.validator import (
    field_length_problems,
    known_departments,
    plan_slug_problem,
    validate_against_plan,
)
from importers.writer import TableWriter, lock_imports, plan_for_import
from reports.models import ImportRun, Plan, Project

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``: stage ``read`` (total unknown) or ``load``."""


def status_import(
    *,
    path: Path,
    plan_slug: str | None = None,
    fiscal_year: int | None = None,
    dry_run: bool = False,
    allow_new_projects: bool = False,
    partial: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one status table; raise ImportProblems (writing nothing) on any error.

    ``progress(stage, done, total)`` is called as rows are read (stage ``read``,
    total unknown) and as statuses are compared (stage ``load``). A file with
    several years side by side is refused here: ``status_import_years`` takes it.
    """
    reports = status_import_years(
        path=path,
        plan_slug=plan_slug,
        fiscal_year=fiscal_year,
        dry_run=dry_run,
        allow_new_projects=allow_new_projects,
        partial=partial,
        progress=progress,
        one_year=True,
    )
    return reports[0]


def status_import_years(
    *,
    path: Path,
    plan_slug: str | None = None,
    fiscal_year: int | None = None,
    dry_run: bool = False,
    allow_new_projects: bool = False,
    partial: bool = False,
    progress: Progress | None = None,
    one_year: bool = False,
) -> list[ImportReport]:
    """Import a status table, a report per fiscal year: a table with several years'
    status columns side by side is loaded as a year's table each, in one transaction."""
    if plan_slug is not None and (problem := plan_slug_problem(plan_slug, Place(path.name))):
        raise ImportProblems([problem])
    with _no_cyclic_collection():
        started_at = timezone.now()
        # The reader checks the file's size and shape before reading it whole.
        source = read_table(
            path,
            progress=None if progress is None else lambda done: progress("read", done, None),
            limits=_limits(),
        )
        data = path.read_bytes()
        parts = split_exported(source)
        if parts is not None:
            if plan_slug is not None or fiscal_year is not None:
                raise ImportProblems(
                    [
                        error(
                            Place(path.name),
                            "このサイトからダウンロードしたファイルは計画と年度を自分で示すので、"
                            "--plan・--fiscal-year は使えません",
                            "this file is one of this site's downloads and names its plans "
                            "and years; --plan and --fiscal-year do not apply",
                        )
                    ]
                )
            if one_year and len(parts) > 1:
                raise ImportProblems([_several_years(path)])
            normalised = _normalised_parts(parts)
            # The cells as read are not held while the tables load: a large
            # file's rows would be in memory twice.
            del source, parts
            return _load_exported(
                normalised, data=data, path=path, started_at=started_at, dry_run=dry_run
            )
        table, problems = normalise(source, fiscal_year=fiscal_year)
        del source  # as above
        return _load_normalised(
            table,
            problems,
            data=data,
            path=path,
            plan_slug=plan_slug,
            dry_run=dry_run,
            allow_new_projects=allow_new_projects,
            partial=partial,
            progress=progress,
            started_at=started_at,
            one_year=one_year,
        )


def _wording(plan) -> dict[int, tuple[str, str]]:
    """Each of the plan's projects' name and content, by number, as held now."""
    return {
        number: (name, content)
        for number, name, content in Project.objects.filter(plan=plan).values_list(
            "number", "name", "content"
        )
    }


def _limits() -> ImportLimits:
    """The resource limits in force: the settings' (from the environment)."""
    return ImportLimits.from_settings(settings.IMPORT_LIMITS)


@contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the length of one import.

    A large table makes millions of small objects (cells, records, changes) that
    all live until the import ends; the collector would walk them again and
    again and find nothing to free, which cost a third of a large import's time.
    Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def exported_import(*, path: Path) -> list[ImportReport]:
    """Import one of this site's own downloads (every plan and year in it) in one
    transaction: a part per plan and fiscal year, as if each were a file of its own."""
    started_at = timezone.now()
    source = read_table(path, limits=_limits())
    data = path.read_bytes()
    parts = split_exported(source)
    if parts is None:
        raise ImportProblems(
            [
                error(
                    Place(path.name),
                    "このサイトからダウンロードした形式ではありません（1行目に計画ID・計画名・年度の列がありません）",
                    "not one of this site's downloads: the first row has no 計画ID, 計画名 and 年度 columns",
                )
            ]
        )
    normalised = _normalised_parts(parts)
    del source, parts  # as in status_import_years
    with _no_cyclic_collection():
        return _load_exported(
            normalised, data=data, path=path, started_at=started_at, dry_run=False
        )


NormalisedPart = tuple[str, PlanFields | None, StatusTable, list[Problem]]
"""A part of one of this site's downloads: its plan's slug and fields, and
what ``normalise`` made of its rows."""


def _normalised_parts(parts: list[ExportedPart]) -> list[NormalisedPart]:
    return [
        (part.plan_slug, part.plan_fields, *normalise(part.source, fiscal_year=part.fiscal_year))
        for part in parts
    ]


def _load_exported(
    parts: list[NormalisedPart],
    *,
    data: bytes,
    path: Path,
    started_at: datetime,
    dry_run: bool,
) -> list[ImportReport]:
    """Every part of one of this site's downloads, in one transaction."""
    with transaction.atomic():
        return [
            report
            for plan_slug, plan_fields, table, problems in parts
            for report in _load_normalised(
                table,
                problems,
                data=data,
                path=path,
                plan_slug=plan_slug,
                dry_run=dry_run,
                # The file is the whole of what it holds: a project first seen in
                # an older year is not a typo, and a filtered download holds
                # only some projects.
                allow_new_projects=True,
                partial=True,
                progress=None,
                started_at=started_at,
                plan_fields=plan_fields,
            )
        ]


def _load_normalised(
    table: StatusTable,
    problems: list[Problem],
    *,
    data: bytes,
    path: Path,
    plan_slug: str | None,
    dry_run: bool,
    allow_new_projects: bool,
    progress: Progress | None,
    started_at: datetime,
    plan_fields: PlanFields | None = None,
    one_year: bool = False,
    partial: bool = False,
) -> list[ImportReport]:
    """Load a table ``normalise`` made, with the problems it found, a year at a time."""
    problems += field_length_problems(table)
    if plan_slug is not None and (problem := plan_slug_problem(plan_slug, Place(path.name))):
        problems.append(problem)
        _raise_on_errors(problems)
    tables = split_years(table)
    if one_year and len(tables) > 1:
        problems.append(_several_years(path))
    with transaction.atomic():
        lock_imports()
        # The first year's table carries the file's own problems.
        reports = [
            _load_table(
                year_table,
                problems if index == 0 else [],
                path=path,
                data=data,
                plan_slug=plan_slug,
                dry_run=dry_run,
                allow_new_projects=allow_new_projects,
                partial=partial,
                progress=progress,
                started_at=started_at,
                plan_fields=plan_fields,
            )
            for index, year_table in enumerate(tables)
        ]
        if dry_run:
            transaction.set_rollback(True)
    return reports


def _load_table(
    table: StatusTable,
    problems: list[Problem],
    *,
    data: bytes,
    path: Path,
    plan_slug: str | None,
    dry_run: bool,
    allow_new_projects: bool,
    progress: Progress | None,
    started_at: datetime,
    plan_fields: PlanFields | None,
    partial: bool,
) -> ImportReport:
    with transaction.atomic():
        # What the run replaces, for revert_import: the shared rows before the
        # plan is chosen (it may be made, or get new fields), the plan's own after.
        before = tables_state(None, 0, shared=True)
        # The file's own errors and those against the plan are listed together,
        # so that one run shows the clerk everything to correct.
        try:
            plan, plan_changes = plan_for_import(table, plan_slug, path, plan_fields)
        except ImportProblems as plan_problems:
            raise ImportProblems(problems + plan_problems.problems) from None
        read_through_ocr = table.file_format == OCR_FORMAT
        if read_through_ocr:
            # Matched before the checks against the plan, which then see the
            # departments the import will link.
            table, matched = departments_matched(
                table, known_departments(plan).values_list("name", flat=True)
            )
            problems += matched
        problems += validate_against_plan(
            table, plan, allow_new_projects=allow_new_projects, partial=partial
        )
        readings = differing_readings(table, _wording(plan)) if read_through_ocr else []
        problems += reading_warnings(readings)
        if read_through_ocr:
            # A scan holds every cell whole: what looks cut short is a misreading,
            # listed for review with the other readings, not a reason to refuse.
            problems = [
                replace(p, severity=Severity.WARNING) if p.may_be_cut else p for p in problems
            ]
        _raise_on_errors(problems)
        assert table.fiscal_year is not None
        created_plan = any(c.kind == "plan" and c.action == "added" for c in plan_changes)
        # A plan's first file records only the shared rows: its revert empties the plan.
        fresh_plan = created_plan or not Project.objects.filter(plan=plan).exists()
        if not fresh_plan:
            before |= tables_state(plan.pk, table.fiscal_year, shared=False)
        run = ImportRun.objects.create(
            plan=plan,
            file_name=path.name,
            sha256=hashlib.sha256(data).hexdigest(),
            file_format=table.file_format,
            fiscal_year=table.fiscal_year,
            started_at=started_at,
            finished_at=started_at,
            outcome=ImportRun.Outcome.UNCHANGED,
            row_count=len(table.projects),
            warnings=[p.as_dict() for p in problems],
            partial=partial and _lacks_projects(plan, table),
            ocr=read_through_ocr,
        )
        total = len(table.projects)
        writer = TableWriter(
            plan,
            table,
            run,
            None if progress is None else lambda done: progress("load", done, total),
        )
        changes = plan_changes + writer.apply()
        # A department the file no longer lists, and no other status does, goes.
        changes += [Change("department", "removed", name) for name in departments_remove_unused()]
        after = tables_state(None, table.fiscal_year, shared=True)
        if not fresh_plan:
            after |= tables_state(plan.pk, table.fiscal_year, shared=False)
        run.undo = undo_record(before, after, created_plan=created_plan, fresh_plan=fresh_plan)
        run.finished_at = timezone.now()
        run.outcome = ImportRun.Outcome.LOADED if changes else ImportRun.Outcome.UNCHANGED
        run.created_count = sum(1 for c in changes if c.action == "added")
        run.updated_count = sum(1 for c in changes if c.action == "changed")
        run.unchanged_count = len(table.projects) - writer.touched_statuses
        # Changes keep their diffs; additions are kept as counts (and the new
        # statuses point at this run), so a large first import stays cheap to record.
        run.changes = [c.as_dict() for c in changes if c.action == "changed"]
        run.save()
        report = ImportReport(
            file_name=path.name,
            plan_slug=plan.slug,
            fiscal_year=table.fiscal_year,
            row_count=len(table.projects),
            dry_run=dry_run,
            changes=changes,
            warnings=problems,
            import_run=None if dry_run else run,
            ocr=read_through_ocr,
            ocr_readings=readings,
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _lacks_projects(plan: Plan, table: StatusTable) -> bool:
    """Whether the plan has projects the table does not hold."""
    return (
        Project.objects.filter(plan=plan)
        .exclude(number__in=[project.number for project in table.projects])
        .exists()
    )


def _several_years(path: Path) -> Problem:
    return error(
        Place(path.name),
        "このファイルには複数の年度の実施状況があります（status_import_years で取り込みます）",
        "this file holds several fiscal years' statuses (import it with status_import_years)",
    )


def _raise_on_errors(problems: list[Problem]) -> None:
    if any(p.severity is Severity.ERROR for p in problems):
        raise ImportProblems(problems)
