"""Undoing imports: what a run replaced, ``import_run_revert`` and ``plan_remove``,
and the removal of departments no status uses any more.

An import records on its ``ImportRun.undo`` every row it added, changed or
removed in the tables it writes: the row as it was before (``None`` if the run
added it) and a digest of the row as the run left it (``None`` if the run
removed it). Only the rows that differ are kept, so a yearly table costs a few
kilobytes. A run that put the first projects into its plan keeps only the
shared rows (plans, departments, reorganisations): its revert empties the plan
(or removes it, if the run made it), then puts the shared rows back.

Reverting checks first that every recorded row is still as the run left it
(no later import changed it), then puts each back, ids included, in one
transaction with the search index. The run stays in the history, marked as
reverted.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from importers.writer import lock_imports
from reports import search
from reports.models import (
    AnnualStatus,
    BasicGoal,
    Department,
    DepartmentSuccession,
    ImportRun,
    Municipality,
    Plan,
    PolicyDirection,
    Project,
    StatusDepartment,
)

Row = list[object]
State = dict[str, dict[int, Row]]


@dataclass(frozen=True)
class _Table:
    model: type[Model]
    fields: tuple[str, ...]
    rows: Callable[[int, int], QuerySet]
    """The rows an import of (plan id, fiscal year) may write."""
    plan_level: bool = True
    """One plan's rows (recorded only when the plan was there before the run),
    rather than rows plans share."""


# In the order rows are inserted (a row after those it points to); deleted in reverse.
_TABLES: dict[str, _Table] = {
    # Every plan: the run may create its plan, or set fields on it, before the
    # plan's own rows are read.
    "plan": _Table(
        Plan,
        ("slug", "title", "municipality_id", "aim", "first_fiscal_year", "last_fiscal_year"),
        lambda plan, year: Plan.objects.all(),
        plan_level=False,
    ),
    "goal": _Table(
        BasicGoal,
        ("plan_id", "number", "title"),
        lambda plan, year: BasicGoal.objects.filter(plan_id=plan),
    ),
    "direction": _Table(
        PolicyDirection,
        ("goal_id", "number", "title"),
        lambda plan, year: PolicyDirection.objects.filter(goal__plan_id=plan),
    ),
    "project": _Table(
        Project,
        ("plan_id", "direction_id", "number", "name", "content"),
        lambda plan, year: Project.objects.filter(plan_id=plan),
    ),
    # Departments and reorganisations are shared by plans: all of them, so
    # that a department the run removed (no status used it any more) comes back.
    "department": _Table(
        Department,
        ("municipality_id", "name", "reading", "kind"),
        lambda plan, year: Department.objects.all(),
        plan_level=False,
    ),
    "succession": _Table(
        DepartmentSuccession,
        ("successor_id", "predecessor_id", "effective_fiscal_year", "note"),
        lambda plan, year: DepartmentSuccession.objects.all(),
        plan_level=False,
    ),
    "status": _Table(
        AnnualStatus,
        (
            "project_id",
            "fiscal_year",
            "status_text",
            "departments_text",
            "source_row",
            "source_page",
            "import_run_id",
        ),
        lambda plan, year: AnnualStatus.objects.filter(project__plan_id=plan, fiscal_year=year),
    ),
    "link": _Table(
        StatusDepartment,
        ("status_id", "department_id", "position"),
        lambda plan, year: StatusDepartment.objects.filter(
            status__project__plan_id=plan, status__fiscal_year=year
        ),
    ),
}

_KIND_LABELS = {
    "plan": "計画",
    "goal": "基本目標",
    "direction": "施策の方向",
    "project": "事業",
    "department": "担当課",
    "succession": "組織変更",
    "status": "実施状況",
    "link": "実施状況の担当課",
}


class UndoRefused(Exception):
    """A revert or removal that cannot be done as asked: nothing was changed."""

    def __init__(self, message_ja: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_ja = message_ja
        self.message_en = message_en

    def __str__(self) -> str:
        return f"{self.message_ja} / {self.message_en}"


def tables_state(plan_id: int | None, fiscal_year: int, *, shared: bool) -> State:
    """The rows an import into the plan and year may write, by table and id:
    the tables plans share (``shared``), or the plan's own."""
    state: State = {}
    for label, table in _TABLES.items():
        if table.plan_level == shared:
            continue
        state[label] = {
            pk: list(values)
            for pk, *values in table.rows(plan_id or 0, fiscal_year).values_list(
                "pk", *table.fields
            )
        }
    return state


def undo_record(
    before: State, after: State, *, created_plan: bool, fresh_plan: bool
) -> dict[str, object]:
    """What ``ImportRun.undo`` keeps: per table, ``[id, row before or None,
    digest after or None]`` for each row that differs. A run into a plan with
    no projects yet (``fresh_plan``; ``created_plan`` if the run made it)
    records only the shared tables: its revert empties the plan."""
    rows: dict[str, list[list[object]]] = {}
    for label in before:
        old, new = before[label], after[label]
        changed = [
            [pk, old.get(pk), None if pk not in new else _digest(new[pk])]
            for pk in sorted(old.keys() | new.keys())
            if old.get(pk) != new.get(pk)
        ]
        if changed:
            rows[label] = changed
    return {"created_plan": created_plan, "fresh_plan": fresh_plan, "rows": rows}


def _digest(row: Row) -> str:
    return hashlib.sha256(json.dumps(row, ensure_ascii=False).encode()).hexdigest()[:20]


def municipalities_remove_unused() -> None:
    """Remove the municipalities that no plan and no department belongs to any
    more (after a plan's removal, or the revert of the run that made it)."""
    Municipality.objects.filter(plans__isnull=True, departments__isnull=True).delete()


def departments_remove_unused() -> list[str]:
    """Remove the departments that no status lists and that are no listed
    department's predecessor (however far back); return their names.

    With them go their reorganisation links, and so their coverage (a view).
    They are in no search document, since no status lists them."""
    quote = connection.ops.quote_name
    departments = quote(Department._meta.db_table)
    links = quote(StatusDepartment._meta.db_table)
    successions = quote(DepartmentSuccession._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE used (id) AS (
                -- A probe of the links' department index per department, not
                -- a read of every link.
                SELECT d.id FROM {departments} d
                WHERE EXISTS (SELECT 1 FROM {links} l WHERE l.department_id = d.id)
                UNION
                SELECT s.predecessor_id FROM {successions} s JOIN used ON s.successor_id = used.id
            )
            SELECT id, name FROM {departments} WHERE id NOT IN (SELECT id FROM used) ORDER BY name
            """
        )
        unused = cursor.fetchall()
    if unused:
        ids = [pk for pk, _name in unused]
        DepartmentSuccession.objects.filter(successor_id__in=ids).delete()
        DepartmentSuccession.objects.filter(predecessor_id__in=ids).delete()
        Department.objects.filter(pk__in=ids).delete()
    return [name for _pk, name in unused]


@dataclass(frozen=True)
class Reverted:
    run: ImportRun
    restored: dict[str, int]
    """Per table label, how many rows were put back, deleted or updated."""
    removed_departments: list[str]
    removed_plan: bool


def import_run_revert(*, run_id: int) -> Reverted:
    """Put the database back as it was before the run, in one transaction.

    Refused (changing nothing) unless the run is the latest not yet reverted of
    its plan and year, recorded what it replaced, and no later import changed
    a row it wrote."""
    with transaction.atomic():
        lock_imports()
        run = ImportRun.objects.select_for_update().select_related("plan").filter(pk=run_id).first()
        if run is None:
            raise UndoRefused(
                f"取り込み記録 {run_id} はありません", f"there is no import run {run_id}"
            )
        _check_revertible(run)
        record = run.undo
        rows: dict[str, list[list[object]]] = record["rows"]
        _check_unchanged_since(run, rows)
        removed_plan = record["created_plan"]
        if record["fresh_plan"]:
            restored = _revert_first_run(run, rows, remove_plan=removed_plan)
        else:
            restored = _restore(run, rows)
        removed = departments_remove_unused()
        municipalities_remove_unused()
        if not removed_plan:
            run.reverted_at = timezone.now()
            run.undo = {}
            run.save(update_fields=["reverted_at", "undo"])
        return Reverted(run, restored, removed, removed_plan)


def _run_label(run: ImportRun) -> str:
    return f"{run.pk}（{run.file_name}、{run.plan.slug} {run.fiscal_year}年度）"


def _check_revertible(run: ImportRun) -> None:
    label = _run_label(run)
    if run.reverted_at is not None:
        raise UndoRefused(
            f"取り込み記録 {label}は {timezone.localtime(run.reverted_at):%Y-%m-%d %H:%M} に取り消し済みです",
            f"import run {run.pk} was already reverted",
        )
    # Runs are numbered as they are made: a higher id is a later run.
    later = list(
        ImportRun.objects.filter(
            plan=run.plan, fiscal_year=run.fiscal_year, reverted_at=None, pk__gt=run.pk
        ).order_by("-pk")[:1]
    )
    if later:
        raise UndoRefused(
            f"取り込み記録 {label}の後に同じ計画・年度の取り込み {later[0].pk}（{later[0].file_name}）が"
            "あります。取り消せるのは計画・年度ごとに最新の取り込みだけです。先にそちらを取り消してください",
            f"import run {run.pk} is not the latest of its plan and fiscal year: run "
            f"{later[0].pk} ({later[0].file_name}) came after it; revert that one first",
        )
    if not run.undo:
        raise UndoRefused(
            f"取り込み記録 {label} には取り消しに要る記録がありません（この機能より前の取り込みです）",
            f"import run {run.pk} kept no record of what it replaced (it is older than revert_import)",
        )
    if run.undo["fresh_plan"]:
        other = (
            ImportRun.objects.filter(plan=run.plan, reverted_at=None)
            .exclude(pk=run.pk)
            .order_by("pk")
            .first()
        )
        if other is not None:
            raise UndoRefused(
                f"取り込み記録 {label}はこの計画に最初に事業を入れた取り込みで、その後の取り込み "
                f"{other.pk}（{other.file_name}、{other.fiscal_year}年度）がこの計画を使っています。"
                "先にそちらを取り消すか、計画ごと remove_plan で削除してください",
                f"import run {run.pk} was the first to put projects into its plan, and run "
                f"{other.pk} ({other.file_name}, {other.fiscal_year}) uses them: revert that one "
                "first, or remove the whole plan with remove_plan",
            )


def _check_unchanged_since(run: ImportRun, rows: dict[str, list[list[object]]]) -> None:
    """Every row the run wrote is still as it left it, and no row it added is
    used by a row it did not add."""
    for label, entries in rows.items():
        table = _TABLES[label]
        current = {
            pk: list(values)
            for pk, *values in table.model.objects.filter(
                pk__in=[entry[0] for entry in entries]
            ).values_list("pk", *table.fields)
        }
        for pk, before, after in entries:
            now = current.get(pk)
            if (None if now is None else _digest(now)) != after and not (
                # A department the run added may since be used by others: it
                # is left to the removal of unused departments.
                label == "department" and before is None
            ):
                raise UndoRefused(
                    f"取り込み記録 {_run_label(run)}の後に、別の取り込みが{_KIND_LABELS[label]}"
                    f"（{_row_label(label, now or before)}）を変えています。後の取り込みを先に取り消してください",
                    f"a later import changed a row import run {run.pk} wrote ({label} {pk}); "
                    "revert the later import first",
                )
    added_projects = [pk for pk, before, _ in rows.get("project", []) if before is None]
    used = (
        AnnualStatus.objects.filter(project_id__in=added_projects)
        .exclude(fiscal_year=run.fiscal_year)
        .select_related("project")
        .order_by("project__number", "fiscal_year")
        .first()
    )
    if used is not None:
        raise UndoRefused(
            f"取り込み記録 {_run_label(run)}で加わった事業 {used.project.number} に、後の取り込みで"
            f"{used.fiscal_year}年度の実施状況が入っています。先にそちらを取り消してください",
            f"project {used.project.number}, which import run {run.pk} added, has a status for "
            f"{used.fiscal_year} from a later import; revert that one first",
        )


def _row_label(label: str, row: Row | None) -> str:
    if row is None:
        return "-"
    fields = _TABLES[label].fields
    values = dict(zip(fields, row, strict=True))
    for name in ("name", "title", "number", "note", "status_text"):
        if name in values:
            return str(values[name])[:40]
    return "-"


def _restore(run: ImportRun, rows: dict[str, list[list[object]]]) -> dict[str, int]:
    """Delete what the run added (children first), then put back what it
    changed or removed (parents first); the search index follows the statuses."""
    counts: dict[str, int] = {}
    labels = [label for label in _TABLES if label in rows]
    added_statuses = [pk for pk, before, _ in rows.get("status", []) if before is None]
    search.remove(added_statuses)
    for label in reversed(labels):
        if label == "department":
            continue  # left to the removal of unused departments
        doomed = [pk for pk, before, _ in rows[label] if before is None]
        if doomed:
            _TABLES[label].model.objects.filter(pk__in=doomed).delete()
            counts[label] = counts.get(label, 0) + len(doomed)
    for label in labels:
        table = _TABLES[label]
        back = {pk: before for pk, before, _ in rows[label] if before is not None}
        if not back:
            continue
        present = set(table.model.objects.filter(pk__in=back).values_list("pk", flat=True))
        if label == "department":
            # A name is unique within its municipality.
            clash = next(
                (
                    name
                    for municipality_id, name, _reading, _kind in (
                        back[pk] for pk in back if pk not in present
                    )
                    if Department.objects.filter(
                        municipality_id=municipality_id, name=name
                    ).exists()
                ),
                None,
            )
            if clash is not None:
                raise UndoRefused(
                    f"担当課「{clash}」は後の取り込みで作り直されています。後の取り込みを先に取り消してください",
                    f"the department '{clash}' was made again by a later import; revert that one first",
                )
        updated = []
        for pk in present:
            instance = table.model(pk=pk, **dict(zip(table.fields, back[pk], strict=True)))
            updated.append(instance)
        table.model.objects.bulk_update(updated, list(table.fields), batch_size=1000)
        table.model.objects.bulk_create(
            [
                table.model(pk=pk, **dict(zip(table.fields, back[pk], strict=True)))
                for pk in back
                if pk not in present
            ]
        )
        counts[label] = counts.get(label, 0) + len(back)
    touched = {pk for pk, before, _ in rows.get("status", []) if before is not None}
    touched |= {before[0] for _, before, _ in rows.get("link", []) if before is not None}
    # A project's name and content are in the documents of its every year.
    renamed = [pk for pk, before, after in rows.get("project", []) if before and after]
    touched |= set(AnnualStatus.objects.filter(project_id__in=renamed).values_list("pk", flat=True))
    search.index(sorted(touched))
    return counts


def _revert_first_run(
    run: ImportRun, rows: dict[str, list[list[object]]], *, remove_plan: bool
) -> dict[str, int]:
    """The run put the plan's first projects in: empty the plan (remove it if
    the run made it), then put back the shared rows (the plan's own fields,
    departments, reorganisations) it changed."""
    if remove_plan:
        rows = {label: entries for label, entries in rows.items() if label != "plan"}
        counts = _plan_delete(run.plan)
    else:
        counts = _plan_contents_delete(run.plan)
    for label, count in _restore(run, rows).items():
        counts[label] = counts.get(label, 0) + count
    return counts


@dataclass(frozen=True)
class RemovedPlan:
    slug: str
    title: str
    counts: dict[str, int]
    removed_departments: list[str]


def plan_counts(*, slug: str) -> dict[str, int]:
    """What removing the plan would delete, for the confirmation question."""
    plan = _plan(slug)
    return {
        "project": Project.objects.filter(plan=plan).count(),
        "status": AnnualStatus.objects.filter(project__plan=plan).count(),
        "run": ImportRun.objects.filter(plan=plan).count(),
    }


def plan_remove(*, slug: str) -> RemovedPlan:
    """Delete a plan with everything in it (goals, directions, projects,
    statuses, corrections, import runs, its search index), and the departments
    no other plan uses, in one transaction."""
    with transaction.atomic():
        lock_imports()
        plan = _plan(slug)
        title = plan.title
        counts = _plan_delete(plan)
        removed = departments_remove_unused()
        municipalities_remove_unused()
    return RemovedPlan(slug, title, counts, removed)


def _plan(slug: str) -> Plan:
    plan = Plan.objects.select_for_update().filter(slug=slug).first()
    if plan is None:
        slugs = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True)) or "-"
        raise UndoRefused(
            f"計画「{slug}」はありません（ある計画: {slugs}）",
            f"there is no plan '{slug}' (plans: {slugs})",
        )
    return plan


def _plan_delete(plan: Plan) -> dict[str, int]:
    """Delete the plan and every row in it."""
    counts = {"run": ImportRun.objects.filter(plan=plan).count(), **_plan_contents_delete(plan)}
    plan.delete()
    return counts


def _plan_contents_delete(plan: Plan) -> dict[str, int]:
    """Delete the plan's goals, directions, projects and statuses, children
    first (a project's direction and a status's import run are protected),
    the search index with its statuses."""
    statuses = AnnualStatus.objects.filter(project__plan=plan)
    counts = {"project": Project.objects.filter(plan=plan).count(), "status": statuses.count()}
    search.remove(statuses)
    StatusDepartment.objects.filter(status__project__plan=plan).delete()
    statuses.delete()
    Project.objects.filter(plan=plan).delete()
    PolicyDirection.objects.filter(goal__plan=plan).delete()
    BasicGoal.objects.filter(plan=plan).delete()
    return counts
