from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from importers.changes import ImportReport
from importers.loader import status_import_years
from importers.ocr_readings import correction_candidates
from importers.problems import ImportProblems, Place, Problem
from importers.validator import plan_slug_problem
from reports.downloads import dataset_files_build_on_commit

PROBLEMS_SHOWN = 100
"""A file's problems printed at most; the rest are counted."""

_STAGES = {"read": "読み込み", "load": "照合"}
_KINDS = (
    ("municipality", "自治体"),
    ("plan", "計画"),
    ("goal", "基本目標"),
    ("direction", "施策の方向"),
    ("project", "事業"),
    ("status", "実施状況"),
    ("department", "担当課"),
    ("succession", "組織変更"),
)


class Command(BaseCommand):
    help = (
        "Import yearly implementation-status tables (年度実施状況) into a plan: the one "
        "--plan names, else the one the file's title names (created when new)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--plan", dest="plan_slug", help="the plan's slug, e.g. saitama-dv-2")
        parser.add_argument(
            "--fiscal-year", type=int, help="the Western fiscal year, when the file names none"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change; write nothing"
        )
        parser.add_argument(
            "--allow-new-projects",
            action="store_true",
            help="accept project numbers the plan does not have yet (a revised plan)",
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="the table holds only some of the plan's projects (the pages say so for its year)",
        )
        parser.add_argument(
            "--ocr-corrections",
            type=Path,
            metavar="TOML",
            help="for a scanned PDF read through OCR: write each name and content that differs "
            "from the plan's as a candidate entry of the corrections file, for review",
        )
        parser.add_argument(
            "--exported",
            action="store_true",
            help=(
                "accepted and ignored: this site's downloads are recognised by their header "
                "and import every plan and year in them without it"
            ),
        )

    def handle(self, *args: object, **options: object) -> None:
        slug = options["plan_slug"]
        if slug is not None and (problem := plan_slug_problem(slug, Place("--plan"))):
            raise CommandError(f"{problem.message_ja} / {problem.message_en}「{slug}」")
        failed = 0
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: ファイルがありません / no such file")
            progress = _ProgressBar(self.stdout, self.stderr)
            try:
                reports = status_import_years(
                    path=path,
                    plan_slug=options["plan_slug"],
                    fiscal_year=options["fiscal_year"],
                    dry_run=options["dry_run"],
                    allow_new_projects=options["allow_new_projects"],
                    partial=options["partial"],
                    progress=progress,
                )
            except ImportProblems as problems:
                progress.close()
                failed += 1
                self._write_problems(path.name, problems.problems)
                self.stderr.write(
                    f"{path.name}: {len(problems.errors)} 件のエラー。何も取り込んでいません"
                    f" / {len(problems.errors)} error(s); nothing was imported"
                )
                continue
            progress.close()
            for report in reports:
                self._summarise(report)
                if options["ocr_corrections"] is not None:
                    self._write_candidates(Path(options["ocr_corrections"]), report)
            if not options["dry_run"]:
                # After the commit (of load_fixtures' transaction, when it runs
                # this command): the whole-dataset files for the new version.
                dataset_files_build_on_commit(self.stdout.write)
        if failed:
            raise CommandError(
                f"{failed} 件のファイルを取り込めませんでした。上の行を直してから再実行してください"
                f" / {failed} file(s) failed; fix the rows above and run again"
            )

    def _write_problems(self, file_name: str, problems: list[Problem]) -> None:
        """The first ``PROBLEMS_SHOWN`` problems, then a count of the rest: a
        hostile file must not flood the terminal or the log."""
        for problem in problems[:PROBLEMS_SHOWN]:
            self.stderr.write(str(problem))
        if len(problems) > PROBLEMS_SHOWN:
            rest = len(problems) - PROBLEMS_SHOWN
            self.stderr.write(
                f"{file_name}: ほか {rest:,} 件（最初の {PROBLEMS_SHOWN} 件だけを示しました）"
                f" / {rest:,} more not shown (only the first {PROBLEMS_SHOWN} are listed)"
            )

    def _write_candidates(self, path: Path, report: ImportReport) -> None:
        """The OCR readings to review, as corrections-file entries (never applied)."""
        if not report.ocr_readings:
            self.stdout.write(
                f"{report.file_name}: 計画の文言と違う読み取りはありません（{path} は書きません）"
                f" / no reading differs from the plan's wording; {path} not written"
            )
            return
        path.write_text(
            correction_candidates(report.plan_slug, report.fiscal_year, report.ocr_readings),
            encoding="utf-8",
        )
        self.stdout.write(
            f"{report.file_name}: 補正の候補 {len(report.ocr_readings)} 件を {path} に書きました。"
            f"確かめてから fixtures/corrections.toml に加えてください"
            f" / {len(report.ocr_readings)} candidate correction(s) written to {path}; "
            "review them before adding any to fixtures/corrections.toml"
        )

    def _summarise(self, report: ImportReport) -> None:
        self._write_problems(report.file_name, report.warnings)
        prefix = "[dry-run] " if report.dry_run else ""
        if report.ocr:
            self.stdout.write(
                f"{prefix}{report.file_name}: この年度の表は画像から文字を読み取りました（OCR）。"
                "警告の読み取りを確かめてください / read through OCR; review the readings warned about"
            )
        if report.unchanged:
            self.stdout.write(
                f"{prefix}{report.file_name}: 変更はありません（{report.fiscal_year}年度、"
                f"{report.row_count} 事業） / no changes"
            )
            return
        for change in report.changes:
            self.stdout.write(f"{prefix}{change}")
        counts = []
        for kind, label in _KINDS:
            added, changed = report.count(kind, "added"), report.count(kind, "changed")
            removed = report.count(kind, "removed")
            if added or changed or removed:
                parts = [f"追加 {added}"] * bool(added) + [f"変更 {changed}"] * bool(changed)
                parts += [f"削除 {removed}"] * bool(removed)
                counts.append(f"{label} {'・'.join(parts)}")
        self.stdout.write(f"{prefix}内訳: {'、'.join(counts)}")
        self.stdout.write(
            f"{prefix}{report.file_name}: {report.fiscal_year}年度 {report.row_count} 事業、"
            f"追加 {sum(1 for c in report.changes if c.action == 'added')} 件、"
            f"変更 {sum(1 for c in report.changes if c.action == 'changed')} 件"
            f"{'（書き込みはしていません）' if report.dry_run else ''}"
        )
        if report.import_run is not None and report.import_run.partial:
            self.stdout.write(
                f"{report.file_name}: 一部の事業のみの表として取り込みました（{report.fiscal_year}年度）"
                " / imported as a table of only some of the plan's projects"
            )


class _ProgressBar:
    """A bar per stage on a terminal; nothing at all when output is not a terminal."""

    def __init__(self, stdout, stderr) -> None:
        self.enabled = stdout.isatty() and stderr.isatty()
        # tqdm redraws one line with \r, so it writes to the stream itself,
        # not through Django's wrapper that ends every write with a newline.
        self.stream = getattr(stderr, "_out", stderr)
        self.stage: str | None = None
        self.bar: tqdm | None = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(
                desc=_STAGES.get(stage, stage),
                total=total,
                unit="行",
                file=self.stream,
                leave=False,
                mininterval=0.2,
            )
        assert self.bar is not None
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        self.stage = None
