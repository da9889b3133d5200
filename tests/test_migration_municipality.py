"""Migration 0008 moves each plan's municipality text into a Municipality row
and gives every department the municipality of the plans that list it; a
department listed by two municipalities' plans is split, its reorganisations
repeated in each."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("reports", "0006_department_coverage")
AFTER = ("reports", "0008_municipality")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_plans_and_departments_into_municipalities():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([BEFORE])
        old = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
        plans = [
            old.get_model("reports", "Plan").objects.create(
                slug=slug, title=slug, municipality=municipality
            )
            for slug, municipality in (("a", "水戸市"), ("b", "甲府市"), ("c", ""))
        ]
        department = old.get_model("reports", "Department")
        shared = department.objects.create(name="男女共同参画課")
        predecessor = department.objects.create(name="女性政策課")
        only_a = department.objects.create(name="人権政策課")
        orphan = department.objects.create(name="どこにもない課")
        old.get_model("reports", "DepartmentSuccession").objects.create(
            successor=shared, predecessor=predecessor, effective_fiscal_year=2019, note="(注)"
        )
        run_model = old.get_model("reports", "ImportRun")
        listing = old.get_model("reports", "StatusDepartment")
        for plan, departments in ((plans[0], [shared, only_a]), (plans[1], [shared])):
            goal = plan.goals.create(number=1, title="目標")
            direction = goal.directions.create(number=1, title="方向")
            project = plan.projects.create(direction=direction, number=1, name="事業")
            run = run_model.objects.create(
                plan=plan,
                file_name="f.csv",
                sha256="0" * 64,
                file_format="csv",
                fiscal_year=2020,
                started_at="2020-04-01T00:00Z",
                finished_at="2020-04-01T00:00Z",
                outcome="loaded",
            )
            status = project.statuses.create(
                fiscal_year=2020, status_text="状況", import_run=run, source_row=2
            )
            for position, listed in enumerate(departments, start=1):
                listing.objects.create(status=status, department=listed, position=position)

        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        new = executor.loader.project_state([AFTER]).apps
        municipality = new.get_model("reports", "Municipality")
        assert sorted(municipality.objects.values_list("name", "slug")) == sorted(
            [
                ("", "unnamed"),
                ("水戸市", f"m-{_hash('水戸市')}"),
                ("甲府市", f"m-{_hash('甲府市')}"),
            ]
        )
        assert sorted(
            new.get_model("reports", "Plan").objects.values_list("slug", "municipality__name")
        ) == [("a", "水戸市"), ("b", "甲府市"), ("c", "")]
        departments = new.get_model("reports", "Department").objects
        assert sorted(departments.values_list("municipality__name", "name")) == sorted(
            [
                ("水戸市", "男女共同参画課"),
                ("甲府市", "男女共同参画課"),
                ("水戸市", "女性政策課"),
                ("甲府市", "女性政策課"),
                ("水戸市", "人権政策課"),
                ("", "どこにもない課"),
            ]
        )
        assert departments.get(pk=orphan.pk).municipality.name == ""
        assert sorted(
            new.get_model("reports", "StatusDepartment").objects.values_list(
                "status__project__plan__slug", "department__municipality__name", "department__name"
            )
        ) == [
            ("a", "水戸市", "人権政策課"),
            ("a", "水戸市", "男女共同参画課"),
            ("b", "甲府市", "男女共同参画課"),
        ]
        assert sorted(
            new.get_model("reports", "DepartmentSuccession").objects.values_list(
                "successor__municipality__name",
                "successor__name",
                "predecessor__municipality__name",
                "predecessor__name",
                "effective_fiscal_year",
            )
        ) == [
            ("水戸市", "男女共同参画課", "水戸市", "女性政策課", 2019),
            ("甲府市", "男女共同参画課", "甲府市", "女性政策課", 2019),
        ]
    finally:
        MigrationExecutor(connection).migrate(latest)
