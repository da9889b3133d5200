from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from importers.loader import ImportReport, status_import
from importers.problems import ImportProblems


class Command(BaseCommand):
    help = "Import yearly implementation-status tables (年度実施状況) into a plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--plan", dest="plan_slug", help="the plan's slug, e.g. saitama-dv-2")
        parser.add_argument(
            "--fiscal-year", type=int, help="the Western fiscal year, when the file names none"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change; write nothing"
        )

    def handle(self, *args: object, **options: object) -> None:
        failed = 0
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: ファイルがありません / no such file")
            try:
                report = status_import(
                    path=path,
                    plan_slug=options["plan_slug"],
                    fiscal_year=options["fiscal_year"],
                    dry_run=options["dry_run"],
                )
            except ImportProblems as problems:
                failed += 1
                for problem in problems.problems:
                    self.stderr.write(str(problem))
                self.stderr.write(
                    f"{path.name}: {len(problems.errors)} 件のエラー。何も取り込んでいません"
                    f" / {len(problems.errors)} error(s); nothing was imported"
                )
                continue
            self._summarise(report)
        if failed:
            raise CommandError(
                f"{failed} 件のファイルを取り込めませんでした。上の行を直してから再実行してください"
                f" / {failed} file(s) failed; fix the rows above and run again"
            )

    def _summarise(self, report: ImportReport) -> None:
        for warning in report.warnings:
            self.stderr.write(str(warning))
        prefix = "[dry-run] " if report.dry_run else ""
        if report.unchanged:
            self.stdout.write(
                f"{prefix}{report.file_name}: 変更はありません（{report.fiscal_year}年度、"
                f"{report.row_count} 事業） / no changes"
            )
            return
        for change in report.changes:
            self.stdout.write(f"{prefix}{change}")
        self.stdout.write(
            f"{prefix}{report.file_name}: {report.fiscal_year}年度 {report.row_count} 事業、"
            f"追加 {sum(1 for c in report.changes if c.action == 'added')} 件、"
            f"変更 {sum(1 for c in report.changes if c.action == 'changed')} 件"
            f"{'（書き込みはしていません）' if report.dry_run else ''}"
        )
