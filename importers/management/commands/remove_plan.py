from django.core.management.base import BaseCommand, CommandError, CommandParser

from importers.undo import UndoRefused, plan_counts, plan_remove
from reports.downloads import dataset_files_build_on_commit


class Command(BaseCommand):
    help = (
        "Remove a plan with everything in it (goals, projects, statuses, corrections, "
        "import runs), and the departments no other plan uses."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", metavar="SLUG", help="the plan's slug, e.g. saitama-dv-2")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (for scripts)"
        )

    def handle(self, *args: object, **options: object) -> None:
        slug = str(options["slug"])
        try:
            counts = plan_counts(slug=slug)
            if not options["yes"]:
                question = (
                    f"計画「{slug}」と、その事業 {counts['project']}・実施状況 {counts['status']}・"
                    f"取り込み記録 {counts['run']} を削除します。よろしいですか？ [y/N] "
                )
                if input(question).strip().lower() not in {"y", "yes"}:
                    raise CommandError("削除しませんでした / nothing was removed")
            removed = plan_remove(slug=slug)
        except UndoRefused as refused:
            raise CommandError(str(refused)) from None
        # The whole-dataset downloads follow the data.
        dataset_files_build_on_commit(self.stdout.write)
        for name in removed.removed_departments:
            self.stdout.write(f"担当課を削除: {name}")
        self.stdout.write(
            f"計画「{removed.slug}」（{removed.title}）を削除しました: 事業 {removed.counts['project']}、"
            f"実施状況 {removed.counts['status']}、取り込み記録 {removed.counts['run']}、"
            f"担当課 {len(removed.removed_departments)}"
        )
