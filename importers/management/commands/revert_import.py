from django.core.management.base import BaseCommand, CommandError, CommandParser

from importers.undo import UndoRefused, import_run_revert
from reports.downloads import dataset_files_build_on_commit

_KINDS = (
    ("plan", "計画"),
    ("goal", "基本目標"),
    ("direction", "施策の方向"),
    ("project", "事業"),
    ("status", "実施状況"),
    ("link", "担当課の記載"),
    ("department", "担当課"),
    ("succession", "組織変更"),
)


class Command(BaseCommand):
    help = (
        "Put the database back as it was before an import (the latest of its plan and "
        "fiscal year); the run stays in the history, marked as reverted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("run_id", type=int, metavar="RUN_ID", help="the ImportRun's id")

    def handle(self, *args: object, **options: object) -> None:
        try:
            reverted = import_run_revert(run_id=int(options["run_id"]))
        except UndoRefused as refused:
            raise CommandError(str(refused)) from None
        # The whole-dataset downloads follow the data.
        dataset_files_build_on_commit(self.stdout.write)
        for name in reverted.removed_departments:
            self.stdout.write(f"担当課を削除: {name}")
        run = reverted.run
        counts = "、".join(
            f"{label} {reverted.restored[kind]}"
            for kind, label in _KINDS
            if kind in reverted.restored
        )
        if reverted.removed_plan:
            self.stdout.write(
                f"取り込み記録 {run.pk}（{run.file_name}）はこの計画を作った取り込みなので、"
                f"計画「{run.plan.slug}」ごと削除しました: {counts}"
            )
            return
        self.stdout.write(
            f"取り込み記録 {run.pk}（{run.file_name}、{run.plan.slug} {run.fiscal_year}年度）を"
            f"取り消しました。戻した行: {counts or 'なし'}"
        )
