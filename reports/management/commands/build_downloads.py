from django.core.management.base import BaseCommand

from reports.dataversion import data_version_publish
from reports.downloads import dataset_files_build


class Command(BaseCommand):
    help = (
        "Write the whole-dataset downloads (CSV, Excel CSV, .xlsx, JSON) for the current "
        "data version, unless written already, and publish the version to the page cache. "
        "The import commands do both after they commit; run it after changing the data "
        "any other way."
    )

    def handle(self, *args: object, **options: object) -> None:
        version = data_version_publish()
        built = dataset_files_build()
        if built is None:
            self.stdout.write(
                f"データの版 {version.number}: ダウンロード用ファイルは作成済みです / already written"
            )
        else:
            self.stdout.write(
                f"データの版 {built}: ダウンロード用ファイルを作成しました / downloads written"
            )
