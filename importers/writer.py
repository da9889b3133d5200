"""Every row an import writes: the plan, then goals, directions, departments
(with their successions), projects and statuses, each compared with what the
plan holds and written in bulk, with a ``Change`` for each addition or change.

Runs inside the loader's transaction (``importers.loader``), after the file
has been normalised and validated.
"""

import tomllib
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from django.db import connection

from importers.changes import Change, text_diff
from importers.exported import PlanFields
from importers.normaliser import ProjectRecord, StatusTable
from importers.pdf import page_of
from importers.problems import ImportProblems, Place, error
from importers.titles import folded, municipality_name, municipality_slug, plan_name, plan_slug
from importers.validator import known_departments
from reports import search
from reports.bulk import copy_rows
from reports.dataversion import data_version_publish_on_commit
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
    SearchBlock,
    SearchPostings,
    StatusDepartment,
    StatusSearchDocument,
)


def plan_for_import(
    table: StatusTable, slug: str | None, path: Path, plan_fields: PlanFields | None = None
) -> tuple[Plan, list[Change]]:
    """The plan to import into; a download's own plan fields (``plan_fields``)
    are set on it, whether it is new or already there.

    Without a slug, the plan the file's title names: the plan of that name, or
    a new one with a slug made from the name (``importers.titles``). A file
    whose title names no plan goes into the only plan, or asks for ``--plan``."""
    if slug is None:
        name = plan_name(table.title)
        if name is None:
            return _only_plan(path), []
        plan = _plan_named(name)
        if plan is None:
            return _new_plan_from_title(table, name, path)
        return plan, _set_aim(plan, table)
    plan = Plan.objects.select_for_update().filter(slug=slug).first()
    if plan is not None and plan_fields is not None:
        return plan, _set_plan_fields(plan, plan_fields, path)
    if plan is not None:
        return plan, _set_aim(plan, table)
    title = plan_name(table.title) or plan_title(table.title) or slug
    if plan_fields is None:
        municipality, changes = _municipality(municipality_name(title) or "", path)
        fields = {"aim": table.aim, "municipality": municipality}
    else:
        fields = asdict(plan_fields)
        municipality, changes = _municipality(fields.pop("municipality"), path)
        fields["municipality"] = municipality
    plan = Plan.objects.create(slug=slug, title=title, **fields)
    return plan, [*changes, Change("plan", "added", f"{plan.slug} {plan.title}")]


def _only_plan(path: Path) -> Plan:
    plans = list(Plan.objects.select_for_update().order_by("slug")[:2])
    if len(plans) == 1:
        return plans[0]
    raise ImportProblems(
        [
            error(
                Place(path.name),
                "ファイルの表題に計画名がありません。どの計画に取り込むか --plan で指定してください",
                "the file's title names no plan; name the plan to import into with --plan SLUG",
                ", ".join(p.slug for p in plans) or None,
            )
        ]
    )


def _plan_named(name: str) -> Plan | None:
    """The plan whose title is ``name`` (compared folded), locked for the import."""
    wanted = folded(name)
    for plan in Plan.objects.select_for_update().order_by("slug"):
        if wanted in (folded(plan.title), folded(plan_name(plan.title) or "")):
            return plan
    return None


def _new_plan_from_title(table: StatusTable, name: str, path: Path) -> tuple[Plan, list[Change]]:
    """A new plan named by the file's title, its slug made from the name."""
    municipality, changes = _municipality(municipality_name(name) or "", path)
    slug = plan_slug(name, municipality.slug)
    clash = Plan.objects.filter(slug=slug).first()
    if clash is not None:
        raise ImportProblems(
            [
                error(
                    Place(path.name),
                    f"表題の計画「{name}」から作った識別子 {slug} は別の計画「{clash.title}」が"
                    "使っています。--plan で新しい識別子を指定してください",
                    f"the slug {slug} made from the title's plan is taken by another plan; "
                    "name a new slug with --plan",
                    name,
                )
            ]
        )
    plan = Plan.objects.create(slug=slug, title=name, aim=table.aim, municipality=municipality)
    return plan, [
        *changes,
        Change(
            "plan",
            "added",
            f"{plan.slug} {plan.title}（表題から作成。識別子 {plan.slug}、自治体 {municipality}）",
        ),
    ]


def _municipality(name: str, path: Path) -> tuple[Municipality, list[Change]]:
    """The municipality of that name, added when new (its slug made from the name)."""
    name = name.strip()
    municipality = Municipality.objects.filter(name=name).first()
    if municipality is not None:
        return municipality, []
    limit = Municipality._meta.get_field("name").max_length
    if len(name) > limit:
        raise ImportProblems(
            [
                error(
                    Place(path.name),
                    f"自治体の名称が長すぎます（{len(name):,} 字、上限 {limit} 字）",
                    f"the municipality's name is too long ({len(name):,} characters, "
                    f"at most {limit})",
                    name,
                )
            ]
        )
    slug = municipality_slug(name)
    if Municipality.objects.filter(slug=slug).exists():
        raise ImportProblems(
            [
                error(
                    Place(path.name),
                    f"自治体「{name}」の識別子 {slug} は別の自治体が使っています",
                    f"the slug {slug} made for this municipality is taken by another one",
                    name,
                )
            ]
        )
    municipality = Municipality.objects.create(name=name, slug=slug)
    return municipality, [Change("municipality", "added", f"{slug} {municipality}")]


def _set_aim(plan: Plan, table: StatusTable) -> list[Change]:
    """A plan without an aim takes the file's."""
    if plan.aim or not table.aim:
        return []
    plan.aim = table.aim
    plan.save(update_fields=["aim"])
    return [Change("plan", "changed", f"{plan.slug} 計画の目標", table.aim)]


def _set_plan_fields(plan: Plan, plan_fields: PlanFields, path: Path) -> list[Change]:
    """Set a download's plan fields on an existing plan: a change for each that differs."""
    changes = []
    fields = asdict(plan_fields)
    if fields["municipality"].strip() != plan.municipality.name:
        old = plan.municipality.name
        plan.municipality, added = _municipality(fields["municipality"], path)
        changes += added
        changes.append(
            Change("plan", "changed", f"{plan.slug} 自治体", text_diff(old, plan.municipality.name))
        )
    del fields["municipality"]
    for name, new in fields.items():
        old = getattr(plan, name)
        if old == new:
            continue
        setattr(plan, name, new)
        label = Plan._meta.get_field(name).verbose_name
        changes.append(
            Change(
                "plan",
                "changed",
                f"{plan.slug} {label}",
                text_diff("" if old is None else str(old), "" if new is None else str(new)),
            )
        )
    if changes:
        plan.save(update_fields=["municipality", *fields])
    return changes


def plan_title(table_title: str) -> str:
    """第2次…基本計画の実施状況について → 第2次…基本計画."""
    for suffix in ("の実施状況について", "の実施状況", "実施状況", "について"):
        if table_title.endswith(suffix):
            return table_title[: -len(suffix)].strip()
    return table_title.strip()


class TableWriter:
    """Compares the table with what the plan holds, then writes the difference in bulk."""

    def __init__(
        self,
        plan: Plan,
        table: StatusTable,
        run: ImportRun,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.plan = plan
        self.table = table
        self.run = run
        self.progress = progress
        self.changes: list[Change] = []
        self.touched_statuses = 0
        self.written: dict[int, ProjectRecord] = {}
        """The statuses whose texts or department links this import wrote, by
        id, with the records they were written from."""
        self.changed_project_numbers: list[int] = []
        self.project_directions: dict[int, int] = {}
        """Each project id's direction id."""

    def apply(self) -> list[Change]:
        goals = self._goals()
        directions = self._directions(goals)
        departments = self._departments()
        projects = self._projects(directions)
        self._statuses(projects, departments)
        self._search_documents(projects, directions, departments)
        _analyse()
        return self.changes

    def _search_documents(
        self,
        projects: dict[int, int],
        directions: dict[tuple[int, int], PolicyDirection],
        departments: dict[str, Department],
    ) -> None:
        """Rewrite the search documents of every status whose texts or
        departments this import changed, including every year of a renamed project.

        The statuses written here are handed to the index with what they were
        written from, so that it need not read them back."""
        goals = {direction.pk: direction.goal_id for direction in directions.values()}
        sources = []
        for status_id, record in self.written.items():
            project_id = projects[record.number]
            direction_id = self.project_directions[project_id]
            sources.append(
                search.StatusSource(
                    status_id=status_id,
                    plan_id=self.plan.pk,
                    project_id=project_id,
                    fiscal_year=self.table.fiscal_year,
                    project_number=record.number,
                    goal_id=goals[direction_id],
                    direction_id=direction_id,
                    name=record.name,
                    content=record.content,
                    status_text=record.status_text,
                    departments=tuple(
                        (departments[name].pk, name) for name in _department_names(record)
                    ),
                )
            )
        dirty: set[int] = set()
        changed_projects = [projects[number] for number in self.changed_project_numbers]
        if changed_projects:
            # One array parameter, however many projects were renamed.
            quote = connection.ops.quote_name
            table = quote(AnnualStatus._meta.db_table)
            project = quote(AnnualStatus._meta.get_field("project").column)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id FROM {table} WHERE {project} = ANY(%s)", [changed_projects]
                )
                dirty.update(status_id for (status_id,) in cursor.fetchall())
        search.index(sorted(dirty), sources=sources)

    def _goals(self) -> dict[int, BasicGoal]:
        existing = {g.number: g for g in BasicGoal.objects.filter(plan=self.plan)}
        for record in self.table.goals:
            goal = existing.get(record.number)
            if goal is None:
                existing[record.number] = BasicGoal.objects.create(
                    plan=self.plan, number=record.number, title=record.title
                )
                self.changes.append(Change("goal", "added", f"{record.number} {record.title}"))
            elif goal.title != record.title:
                self.changes.append(
                    Change(
                        "goal", "changed", f"{record.number}", text_diff(goal.title, record.title)
                    )
                )
                goal.title = record.title
                goal.save(update_fields=["title"])
        return existing

    def _directions(self, goals: dict[int, BasicGoal]) -> dict[tuple[int, int], PolicyDirection]:
        existing = {
            (d.goal.number, d.number): d
            for d in PolicyDirection.objects.filter(goal__plan=self.plan).select_related("goal")
        }
        for record in self.table.directions:
            key = (record.goal_number, record.number)
            direction = existing.get(key)
            label = f"{record.goal_number}-{record.number} {record.title}"
            if direction is None:
                existing[key] = PolicyDirection.objects.create(
                    goal=goals[record.goal_number], number=record.number, title=record.title
                )
                self.changes.append(Change("direction", "added", label))
            elif direction.title != record.title:
                self.changes.append(
                    Change("direction", "changed", label, text_diff(direction.title, record.title))
                )
                direction.title = record.title
                direction.save(update_fields=["title"])
        return existing

    def _departments(self) -> dict[str, Department]:
        wanted: dict[str, bool] = {}
        links: dict[tuple[str, str], tuple[int, str]] = {}
        for project in self.table.projects:
            for entry in project.departments:
                wanted[entry.name] = entry.is_whole_government
                if entry.predecessor:
                    wanted.setdefault(entry.predecessor, False)
                    assert entry.effective_fiscal_year is not None and entry.note is not None
                    links[(entry.name, entry.predecessor)] = (
                        entry.effective_fiscal_year,
                        entry.note,
                    )
        # Names are looked up within the plan's municipality (known_departments):
        # another city's department of the same name is another department.
        municipality = self.plan.municipality_id
        existing = {d.name: d for d in known_departments(self.plan).filter(name__in=wanted)}
        new = [
            Department(
                municipality_id=municipality,
                name=name,
                kind=Department.Kind.WHOLE_GOVERNMENT if whole else Department.Kind.SECTION,
            )
            for name, whole in wanted.items()
            if name not in existing
        ]
        for department in Department.objects.bulk_create(new):
            existing[department.name] = department
            self.changes.append(Change("department", "added", department.name))

        current = {
            (s.successor.name, s.predecessor.name): s
            for s in DepartmentSuccession.objects.filter(
                successor__municipality=municipality, successor__name__in=[k[0] for k in links]
            ).select_related("successor", "predecessor")
        }
        for (successor, predecessor), (year, note) in links.items():
            link = current.get((successor, predecessor))
            label = f"{predecessor} → {successor}（{year}年度から）"
            if link is None:
                DepartmentSuccession.objects.create(
                    successor=existing[successor],
                    predecessor=existing[predecessor],
                    effective_fiscal_year=year,
                    note=note,
                )
                self.changes.append(Change("succession", "added", label))
            elif (link.effective_fiscal_year, link.note) != (year, note):
                self.changes.append(
                    Change("succession", "changed", label, text_diff(link.note, note))
                )
                link.effective_fiscal_year, link.note = year, note
                link.save(update_fields=["effective_fiscal_year", "note"])
        return existing

    def _projects(self, directions: dict[tuple[int, int], PolicyDirection]) -> dict[int, int]:
        """Add and update projects; return each project number's id."""
        existing = {p.number: p for p in Project.objects.filter(plan=self.plan)}
        new: list[tuple[object, ...]] = []
        changed: list[Project] = []
        for record in self.table.projects:
            project = existing.get(record.number)
            label = f"{record.number} {record.name}"
            if project is None:
                direction = directions[(record.goal_number, record.direction_number)]
                new.append((self.plan.pk, direction.pk, record.number, record.name, record.content))
                self.changes.append(Change("project", "added", label))
                continue
            diffs = []
            if project.name != record.name:
                diffs.append(text_diff(project.name, record.name))
            if project.content != record.content:
                diffs.append(text_diff(project.content, record.content))
            if diffs:
                project.name, project.content = record.name, record.content
                changed.append(project)
                self.changed_project_numbers.append(record.number)
                self.changes.append(Change("project", "changed", label, "\n".join(diffs)))
        copy_rows(Project, ["plan", "direction", "number", "name", "content"], new)
        Project.objects.bulk_update(changed, ["name", "content"], batch_size=2000)
        ids = {}
        for number, project_id, direction_id in Project.objects.filter(plan=self.plan).values_list(
            "number", "id", "direction_id"
        ):
            ids[number] = project_id
            self.project_directions[project_id] = direction_id
        return ids

    def _statuses(self, projects: dict[int, int], departments: dict[str, Department]) -> None:
        """Add and update the year's statuses and their department links; note
        which statuses changed, for the search index."""
        existing, current_departments = self._current_statuses()
        new: list[tuple[object, ...]] = []
        changed: list[AnnualStatus] = []
        relink: list[int] = []
        """Project ids whose statuses get their department links written afresh."""
        wanted_departments: dict[int, list[str]] = {}
        total = len(self.table.projects)
        records: dict[int, ProjectRecord] = {}
        for index, record in enumerate(self.table.projects, start=1):
            project_id = projects[record.number]
            records[project_id] = record
            names = _department_names(record)
            wanted_departments[project_id] = names
            status = existing.get(project_id)
            if status is None:
                new.append(self._new_status(project_id, record))
                relink.append(project_id)
            else:
                if self._update_status(status, record):
                    changed.append(status)
                if current_departments.get(status.pk, []) != names:
                    relink.append(project_id)
            if self.progress is not None and (index % 1000 == 0 or index == total):
                self.progress(index)

        copy_rows(
            AnnualStatus,
            [
                "project",
                "fiscal_year",
                "status_text",
                "departments_text",
                "source_row",
                "source_page",
                "import_run",
            ],
            new,
        )
        AnnualStatus.objects.bulk_update(
            changed,
            ["status_text", "departments_text", "source_row", "source_page", "import_run"],
            batch_size=2000,
        )
        relinked = self._relink(relink, existing, wanted_departments, departments)
        self.touched_statuses = len(new) + len(changed)
        self.written = {
            status_id: records[project_id]
            for status_id, project_id in [
                *((status.pk, status.project_id) for status in changed),
                *relinked,
            ]
        }

    def _current_statuses(self) -> tuple[dict[int, AnnualStatus], dict[int, list[str]]]:
        """The year's statuses by project id, and each one's department names in order."""
        year = self.table.fiscal_year
        existing = {
            s.project_id: s
            for s in AnnualStatus.objects.filter(project__plan=self.plan, fiscal_year=year)
        }
        current_departments: dict[int, list[str]] = {}
        for status_id, name in (
            StatusDepartment.objects.filter(
                status__project__plan=self.plan, status__fiscal_year=year
            )
            .order_by("status_id", "position")
            .values_list("status_id", "department__name")
        ):
            current_departments.setdefault(status_id, []).append(name)
        return existing, current_departments

    def _new_status(self, project_id: int, record: ProjectRecord) -> tuple[object, ...]:
        label = f"{record.number} {record.name}（{self.table.fiscal_year}年度）"
        self.changes.append(Change("status", "added", label))
        return (
            project_id,
            self.table.fiscal_year,
            record.status_text,
            record.departments_text,
            record.place.row or 0,
            page_of(record.place.sheet),
            self.run.pk,
        )

    def _update_status(self, status: AnnualStatus, record: ProjectRecord) -> bool:
        """Set the record's texts on an existing status; whether it is to be saved."""
        diffs = []
        if status.status_text != record.status_text:
            diffs.append(text_diff(status.status_text, record.status_text))
        if status.departments_text != record.departments_text:
            diffs.append(text_diff(status.departments_text, record.departments_text))
        if diffs:
            label = f"{record.number} {record.name}（{self.table.fiscal_year}年度）"
            self.changes.append(Change("status", "changed", label, "\n".join(diffs)))
        page = page_of(record.place.sheet)
        if not diffs and status.source_row == record.place.row and status.source_page == page:
            return False
        status.status_text = record.status_text
        status.departments_text = record.departments_text
        status.source_row = record.place.row or 0
        status.source_page = page
        status.import_run = self.run
        return True

    def _relink(
        self,
        relink: list[int],
        existing: dict[int, AnnualStatus],
        wanted_departments: dict[int, list[str]],
        departments: dict[str, Department],
    ) -> list[tuple[int, int]]:
        """Write afresh the department links of the statuses of ``relink`` (project
        ids); return those statuses' ids, each with its project's."""
        if not relink:
            return []
        year = self.table.fiscal_year
        status_ids = dict(
            AnnualStatus.objects.filter(project__plan=self.plan, fiscal_year=year).values_list(
                "project_id", "id"
            )
        )
        StatusDepartment.objects.filter(
            status__project__plan=self.plan,
            status__fiscal_year=year,
            status__project_id__in=[pid for pid in relink if pid in existing],
        ).delete()
        copy_rows(
            StatusDepartment,
            ["status", "department", "position"],
            (
                (status_ids[project_id], departments[name].pk, position)
                for project_id in relink
                for position, name in enumerate(wanted_departments[project_id], start=1)
            ),
        )
        return [(status_ids[project_id], project_id) for project_id in relink]


def _department_names(record: ProjectRecord) -> list[str]:
    """The departments a status lists, in published order, each once."""
    return list(dict.fromkeys(entry.name for entry in record.departments))


ANALYSED_MODELS = (
    Project,
    AnnualStatus,
    StatusDepartment,
    StatusSearchDocument,
    SearchBlock,
    SearchPostings,
)


def _analyse() -> None:
    """Refresh the planner's statistics of the tables an import writes, before
    the first page reads them: a plan made from the statistics of a much
    smaller table (before autovacuum gets to it) can be slower by orders of magnitude."""
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in ANALYSED_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


_IMPORT_LOCK = 0x6476706C616E  # any constant: the one advisory lock all imports share
"""``pg_advisory_xact_lock`` key: imports (and their undoing) run one at a time."""


def lock_imports() -> None:
    """Wait for any other import to commit or roll back, then go on: two imports
    that would create the same plan, department or status at once are run one
    after the other, and the second sees what the first wrote (a unique
    constraint would otherwise stop it with a raw IntegrityError). Held until
    the transaction ends. Imports are rare one-off commands, so waiting costs
    nothing that matters, and one lock leaves no order in which two could deadlock.

    Every write of the importers takes it (imports, reverts, plan removals), so
    here each also publishes the data version its commit makes (the database's
    trigger has changed it already): the next request, on any worker, sees the
    new data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK])
    data_version_publish_on_commit()


def department_readings_load(*, path: Path) -> int:
    """Set each listed department's reading (its name in hiragana, for the index's
    reading order) from ``path``; return how many departments it set. A listed
    department the site does not hold is skipped: the list may name a city's
    departments before their tables are imported."""
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("reading", [])
    data_version_publish_on_commit()
    updated = 0
    for entry in entries:
        updated += (
            Department.objects.filter(municipality__name=entry["municipality"], name=entry["name"])
            .exclude(reading=entry["reading"])
            .update(reading=entry["reading"])
        )
    return updated
