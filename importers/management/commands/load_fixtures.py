import tomllib
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from importers.corrections import CorrectionsError, corrections_load
from importers.titles import municipality_slug
from importers.writer import department_readings_load
from reports import search
from reports.dataversion import data_version_publish_on_commit
from reports.downloads import dataset_files_build_on_commit
from reports.models import Municipality, Plan, SourceDocument


class Command(BaseCommand):
    help = (
        "Create the municipalities and plans listed in fixtures/plans.toml, import their status files, "
        "then load the reviewed corrections (fixtures/corrections.toml)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--manifest", type=Path, default=settings.BASE_DIR / "fixtures" / "plans.toml"
        )
        parser.add_argument(
            "--readings",
            type=Path,
            default=settings.BASE_DIR / "fixtures" / "department_readings.toml",
        )
        parser.add_argument(
            "--corrections",
            type=Path,
            default=settings.BASE_DIR / "fixtures" / "corrections.toml",
        )

    def handle(self, *args: object, **options: object) -> None:
        manifest: Path = options["manifest"]
        with manifest.open("rb") as handle:
            entries = tomllib.load(handle)
        plans = entries["plan"]
        # One transaction: a corrections file that does not fit the imported
        # tables leaves the database as it was.
        with transaction.atomic():
            data_version_publish_on_commit()
            municipalities = {
                entry["name"]: Municipality.objects.update_or_create(
                    name=entry["name"],
                    defaults={"slug": entry["slug"], "code": entry.get("code", "")},
                )[0]
                for entry in entries.get("municipality", [])
            }
            for entry in plans:
                name = entry.get("municipality", "")
                if name not in municipalities:
                    municipalities[name] = Municipality.objects.get_or_create(
                        name=name, defaults={"slug": municipality_slug(name)}
                    )[0]
                plan, created = Plan.objects.update_or_create(
                    slug=entry["slug"],
                    defaults={
                        "title": entry["title"],
                        "municipality": municipalities[name],
                        "first_fiscal_year": entry.get("first_fiscal_year"),
                        "last_fiscal_year": entry.get("last_fiscal_year"),
                        "city_url": entry.get("city_url", ""),
                    },
                )
                sources_load(plan=plan, entries=entry.get("source", []), where=manifest.name)
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
            repaired = search.repair()
            if repaired:
                self.stdout.write(f"検索索引: 文書のない状況 {repaired} 件を索引に追加")
            readings = department_readings_load(path=options["readings"])
            if readings:
                self.stdout.write(f"担当課の読み: {readings} 件を設定")
            try:
                report = corrections_load(path=options["corrections"])
            except CorrectionsError as problems:
                for message in problems.messages:
                    self.stderr.write(message)
                raise CommandError(
                    f"{options['corrections'].name}: {len(problems.messages)} 件のエラー。"
                    "何も変更していません。上の件を直してから再実行してください"
                    f" / {len(problems.messages)} error(s); nothing was changed"
                ) from None
        self.stdout.write(
            f"{report.file_name}: 補正 {report.total} 件"
            f"（追加 {report.added}、変更 {report.changed}、削除 {report.removed}、"
            f"変更なし {report.unchanged}）、検索用の文書 {report.rebuilt_documents} 件を更新"
        )
        # Already written when an import ran above; else (nothing to import)
        # written here, so that a fresh clone serves its downloads as files.
        # After the commit, when run inside a transaction (as the tests do).
        dataset_files_build_on_commit(self.stdout.write)


def sources_load(*, plan: Plan, entries: list[dict], where: str) -> None:
    """A plan's ``[[plan.source]]`` entries become its ``SourceDocument`` rows
    exactly: listed years are written, the others removed. Every problem is
    named before anything is written (the caller's transaction keeps the rest)."""
    problems = []
    years = set()
    for index, entry in enumerate(entries, start=1):
        place = f"{where}: {plan.slug} の source {index} 件目"
        year = entry.get("fiscal_year")
        if not isinstance(year, int):
            problems.append(f"{place}: fiscal_year（西暦の年度）がありません")
        elif plan.period and year not in plan.period:
            problems.append(
                f"{place}: {year} 年度は計画期間（{plan.first_fiscal_year}〜"
                f"{plan.last_fiscal_year}）の外です"
            )
        elif year in years:
            problems.append(f"{place}: {year} 年度が二度あります")
        years.add(year)
        if not str(entry.get("title", "")).strip():
            problems.append(f"{place}: title（資料名）がありません")
        url = entry.get("url", "")
        if url and not str(url).startswith(("https://", "http://")):
            problems.append(f"{place}: url は http:// か https:// で始まるアドレスにしてください")
        published = entry.get("published")
        if published is not None and (
            isinstance(published, datetime) or not isinstance(published, date)
        ):
            problems.append(
                f"{place}: published は日付（例: 2024-04-01、引用符なし）にしてください"
            )
        unknown = set(entry) - {"fiscal_year", "title", "url", "published"}
        if unknown:
            problems.append(f"{place}: 知らない項目 {', '.join(sorted(unknown))}")
    if problems:
        raise CommandError("\n".join(problems))
    SourceDocument.objects.filter(plan=plan).exclude(fiscal_year__in=years).delete()
    for entry in entries:
        SourceDocument.objects.update_or_create(
            plan=plan,
            fiscal_year=entry["fiscal_year"],
            defaults={
                "title": entry["title"].strip(),
                "url": entry.get("url", ""),
                "published_on": entry.get("published"),
            },
        )
