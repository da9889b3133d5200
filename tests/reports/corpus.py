"""A synthetic plan for search tests: many statuses of random Japanese-like text
with full- and half-width letters, dash variants and spaces."""

import random
from datetime import UTC, datetime

from django.db import connection

from reports.models import (
    AnnualStatus,
    BasicGoal,
    Department,
    ImportRun,
    Plan,
    PolicyDirection,
    Project,
    StatusDepartment,
)
from reports.search.writer import search_documents_rebuild

ALPHABET = (
    "相談支援事業被害者保護啓発研修会市民女性暴力防止周知実施状況担当課"
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよ"
    "アイウエオカキクケコサシスセソタチツテトデータドメスティックバイオレンスー"
    "ｱｲｳｴｵｶﾞｷﾞﾃﾞｰﾀ"
    "DVdvＤＶｄｖABCabcＡＢＣ0123０１２３"
    "-－−‐–—ー、。・（）()「」 　"
)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def random_text(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(low, high)))


def synthetic_plan(*, projects: int, years: int, seed: int, slug: str = "synthetic") -> Plan:
    """``projects`` × ``years`` statuses with their search documents."""
    rng = random.Random(seed)
    plan = Plan.objects.create(slug=slug, title="合成の計画")
    goal = BasicGoal.objects.create(plan=plan, number=1, title="目標")
    direction = PolicyDirection.objects.create(goal=goal, number=1, title="方向")
    departments = [
        Department.objects.get_or_create(name=f"{slug}{random_text(rng, 2, 5)}課{i}")[0]
        for i in range(20)
    ]
    created = Project.objects.bulk_create(
        Project(
            plan=plan,
            direction=direction,
            number=number,
            name=random_text(rng, 4, 15),
            content=random_text(rng, 20, 80),
        )
        for number in range(1, projects + 1)
    )
    run = ImportRun.objects.create(
        plan=plan,
        file_name="synthetic.txt",
        sha256="0" * 64,
        file_format="text",
        fiscal_year=2020,
        started_at=NOW,
        finished_at=NOW,
        outcome=ImportRun.Outcome.LOADED,
    )
    statuses = AnnualStatus.objects.bulk_create(
        AnnualStatus(
            project=project,
            fiscal_year=2020 + offset,
            status_text=random_text(rng, 20, 120),
            import_run=run,
            source_row=project.number,
        )
        for project in created
        for offset in range(years)
    )
    StatusDepartment.objects.bulk_create(
        StatusDepartment(status=status, department=department, position=position)
        for status in statuses
        for position, department in enumerate(rng.sample(departments, rng.randint(1, 2)), 1)
    )
    search_documents_rebuild(status_ids=[s.pk for s in statuses])
    # As the loader does: the planner must not keep the statistics of the
    # empty tables autovacuum may have seen (it nests loops over every row).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return plan
