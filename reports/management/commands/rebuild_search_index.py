from django.core.management.base import BaseCommand, CommandParser

from reports import search
from reports.dataversion import data_version_publish


class Command(BaseCommand):
    help = (
        "Repair the search index: write the documents of statuses that have none and of "
        "blocks in another format, and take out statuses deleted without it; with --all, "
        "rewrite every status's document."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="rewrite every status's document")

    def handle(self, *args: object, **options: object) -> None:
        written = search.rebuild() if options["all"] else search.repair()
        # Committed (the command runs outside a transaction): pages see it next.
        data_version_publish()
        self.stdout.write(f"検索索引: {written} 件の文書を書きました / {written} documents written")
