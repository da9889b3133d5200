import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from reports.models import Plan


class Command(BaseCommand):
    help = "Create the plans listed in fixtures/plans.toml and import their status files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--manifest", type=Path, default=settings.BASE_DIR / "fixtures" / "plans.toml"
        )

    def handle(self, *args: object, **options: object) -> None:
        manifest: Path = options["manifest"]
        with manifest.open("rb") as handle:
            plans = tomllib.load(handle)["plan"]
        for entry in plans:
            plan, created = Plan.objects.update_or_create(
                slug=entry["slug"],
                defaults={
                    "title": entry["title"],
                    "municipality": entry.get("municipality", ""),
                    "first_fiscal_year": entry.get("first_fiscal_year"),
                    "last_fiscal_year": entry.get("last_fiscal_year"),
                },
            )
            files = [manifest.parent / name for name in entry["files"]]
            call_command(
                "import_status",
                *files,
                plan_slug=plan.slug,
                stdout=self.stdout,
                stderr=self.stderr,
            )
            self.stdout.write(
                f"{plan.slug}: {'作成' if created else '確認'}、{len(files)} ファイル"
            )
