"""What several pages load with a status or a department, each in one query."""

from django.db.models import Prefetch, QuerySet

from reports.models import AnnualStatus, Correction, DepartmentSuccession, StatusDepartment


def corrections_prefetch(lookup: str = "corrections") -> Prefetch:
    """A project's reviewed corrections as ``correction_list``, which the
    ``corrected`` template filters read (``reports.corrections``); ``lookup``
    reaches the project from a status (``project__corrections``)."""
    return Prefetch(lookup, queryset=Correction.objects.order_by("pk"), to_attr="correction_list")


def department_links_prefetch() -> Prefetch:
    return Prefetch(
        "statusdepartment_set",
        queryset=StatusDepartment.objects.order_by("position").select_related(
            # The department's URL names its municipality.
            "department__municipality"
        ),
        to_attr="department_links",
    )


def statuses_with_departments() -> QuerySet[AnnualStatus]:
    return AnnualStatus.objects.select_related("import_run").prefetch_related(
        department_links_prefetch()
    )


def succession_prefetches() -> tuple[Prefetch, Prefetch]:
    """A department's predecessor and successor links, oldest reorganisation first."""
    return (
        Prefetch(
            "predecessor_links",
            queryset=DepartmentSuccession.objects.select_related("predecessor").order_by(
                "effective_fiscal_year", "predecessor__name"
            ),
        ),
        Prefetch(
            "successor_links",
            queryset=DepartmentSuccession.objects.select_related("successor").order_by(
                "effective_fiscal_year", "successor__name"
            ),
        ),
    )
