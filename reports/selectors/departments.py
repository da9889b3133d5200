"""Reads for the department pages: every department, and one with its statuses and those of its predecessors."""

import unicodedata
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from reports.filters import counted_as
from reports.models import (
    AnnualStatus,
    Department,
    Municipality,
    Plan,
    PolicyDirection,
    Project,
)
from reports.selectors.prefetches import (
    corrections_prefetch,
    statuses_with_departments,
    succession_prefetches,
)

DEPARTMENT_ORDERS = {
    "reading": "名前の順（五十音）",
    "entries": "記載の多い順",
}
"""The department index's orders (``?sort=``), the first the default."""


def department_list(
    *, municipality: Municipality | None = None, name: str | None = None, order: str = "reading"
) -> list[Department]:
    """Every department (or a municipality's, or those of one name) with its
    counts and its predecessor and successor links, by municipality, sections
    before the whole government (全庁), each in ``order``: by reading (the
    name where no reading is written down), or by number of statuses."""
    departments = Department.objects.all()
    if municipality is not None:
        departments = departments.filter(municipality=municipality)
    if name is not None:
        # PostgreSQL text cannot hold NUL, so no department has it in its name.
        departments = departments.filter(name=name) if "\x00" not in name else departments.none()
    found = list(
        departments.select_related("municipality")
        .annotate(
            status_count=Count("statuses", distinct=True),
            project_count=Count("statuses__project", distinct=True),
        )
        .order_by("municipality__name", "kind", "name")
        .prefetch_related(*succession_prefetches())
    )
    return sorted(
        found,
        key=lambda d: (
            d.municipality.name,
            d.kind,
            -d.status_count if order == "entries" else 0,
            *reading_key(d.reading or d.name),
        ),
    )


def reading_key(reading: str) -> tuple[str, str]:
    """五十音 order: a kana with and without its voicing mark (か, が, ぱ) sort
    together, then the voiced one after; not the code points' order, which
    puts every が after every か."""
    decomposed = unicodedata.normalize("NFKD", reading)
    return "".join(c for c in decomposed if not unicodedata.combining(c)), reading


def municipality_get(*, slug: str) -> Municipality:
    return get_object_or_404(Municipality, slug=slug)


def department_get(*, municipality_slug: str, name: str) -> Department:
    if "\x00" in name:
        # PostgreSQL text cannot hold NUL, so no department has it in its name.
        raise Http404("no such department")
    return get_object_or_404(
        Department.objects.select_related("municipality").prefetch_related(
            *succession_prefetches()
        ),
        municipality__slug=municipality_slug,
        name=name,
    )


@dataclass
class DepartmentEntry:
    """A status on a department's page; ``listed_as`` is the predecessor it was
    listed under; ``shared_with`` the other departments it lists (共管)."""

    status: AnnualStatus
    listed_as: Department | None = None
    shared_with: list[Department] = field(default_factory=list)


@dataclass
class DirectionEntries:
    """A department's entries of one year under one policy direction (and its goal)."""

    direction: PolicyDirection
    entries: list[DepartmentEntry]


@dataclass
class DepartmentYear:
    fiscal_year: int
    entries: list[DepartmentEntry] = field(default_factory=list)
    """In project order, which is the plan's order of goals and directions."""
    published: bool = True
    """False: the plan has no statuses for this year yet (「未掲載」)."""
    section_projects: int = 0
    """How many of the plan's projects the department has entries for, in any year."""
    missing: list[Project] = field(default_factory=list)
    """Those of them without an entry of the department this year (a published year)."""

    @property
    def directions(self) -> list[DirectionEntries]:
        """The entries grouped by policy direction, in the plan's order, as the
        city's table groups them: a clerk sees which part of the plan each is."""
        return [
            DirectionEntries(direction=entries[0].status.project.direction, entries=entries)
            for entries in (
                list(group)
                for _, group in groupby(self.entries, key=lambda e: e.status.project.direction_id)
            )
        ]


@dataclass
class DepartmentPlan:
    plan: Plan
    years: list[DepartmentYear] = field(default_factory=list)


def department_statuses(
    *, department: Department, shared_only: bool = False
) -> list[DepartmentPlan]:
    """Every status of the department and its predecessors, by plan and year
    (newest first); with ``shared_only``, those it shares with other departments."""
    links = list(department.predecessor_links.all())
    statuses = list(
        statuses_with_departments()
        .filter(counted_as(department.pk))
        .select_related("project__plan", "project__direction__goal")
        .prefetch_related(corrections_prefetch("project__corrections"))
        .order_by("project__plan__slug", "-fiscal_year", "project__number")
    )
    predecessors = {link.predecessor_id: link for link in links}
    plans: list[DepartmentPlan] = []
    for status in statuses:
        plan = status.project.plan
        if not plans or plans[-1].plan.pk != plan.pk:
            plans.append(DepartmentPlan(plan=plan))
        years = plans[-1].years
        if not years or years[-1].fiscal_year != status.fiscal_year:
            years.append(DepartmentYear(fiscal_year=status.fiscal_year))
        listed = [link.department for link in status.department_links]
        listed_as = None
        if all(d.pk != department.pk for d in listed):
            listed_as = next(d for d in listed if d.pk in predecessors)
        own = department if listed_as is None else listed_as
        shared_with = [d for d in listed if d.pk != own.pk]
        if shared_only and not shared_with:
            continue
        years[-1].entries.append(
            DepartmentEntry(status=status, listed_as=listed_as, shared_with=shared_with)
        )
    _add_period_years(plans)
    if not shared_only:
        _add_worklist(plans)
    return plans


def _add_worklist(plans: list[DepartmentPlan]) -> None:
    """For each published year: how many of the section's projects (those it
    has entries for in any year) have one that year, and which have none."""
    for group in plans:
        projects = {
            entry.status.project.number: entry.status.project
            for year in group.years
            for entry in year.entries
        }
        for year in group.years:
            year.section_projects = len(projects)
            if year.published:
                present = {entry.status.project.number for entry in year.entries}
                year.missing = [projects[n] for n in sorted(projects) if n not in present]


def _add_period_years(plans: list[DepartmentPlan]) -> None:
    """Every year of each plan's period, newest first: a year with no entry of
    the department is either published (none of its projects that year) or
    not yet (「未掲載」)."""
    if not plans:
        return
    published = set(
        AnnualStatus.objects.filter(project__plan__in=[group.plan.pk for group in plans])
        .order_by()
        .values_list("project__plan", "fiscal_year")
        .distinct()
    )
    for group in plans:
        shown = {year.fiscal_year for year in group.years}
        group.years.extend(
            DepartmentYear(fiscal_year=year, published=(group.plan.pk, year) in published)
            for year in group.plan.period
            if year not in shown
        )
        group.years.sort(key=lambda year: -year.fiscal_year)
