"""The whole-dataset downloads, written once per data version.

Building a 300,000-row ``.xlsx`` takes minutes, far longer than a request may;
so every format is written after an import commits (the import commands call
``dataset_files_build``, outside any request), and the site serves the files
as they are. Each file is written beside its final name and renamed into
place, then ``current.json`` is replaced the same way to point at them: a
reader sees the old set or the new one, never half a file. Files carry their
data version in their names, and the site serves them only while that version
is current (``dataset_file``); until the new set is written, the CSV and JSON
are streamed from the database instead.
"""

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from reports import exports, selectors
from reports.dataversion import data_version_read

MANIFEST = "current.json"


@dataclass(frozen=True)
class DatasetFile:
    path: Path
    version: int


def dataset_file(*, suffix: str, version: int) -> DatasetFile | None:
    """The whole dataset's file in this format, if it was built for ``version``."""
    directory: Path = settings.DOWNLOADS_DIR
    manifest = _manifest(directory)
    name = manifest.get("files", {}).get(suffix)
    if manifest.get("version") != version or name is None:
        return None
    return DatasetFile(path=directory / name, version=version)


def dataset_files_build() -> int | None:
    """Write every format for the current data version, unless already written.

    The rows and the version are read in one snapshot, so the files hold what
    the version they are named by holds. Returns the version written, or None
    when the files were current already."""
    directory: Path = settings.DOWNLOADS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        version = data_version_read().number
        if _manifest(directory).get("version") == version:
            return None
        files = {}
        for suffix in exports.EXPORT_FORMATS:
            name = f"statuses-{version}{suffix}"
            _write(directory / name, suffix)
            files[suffix] = name
    _replace(directory / MANIFEST, json.dumps({"version": version, "files": files}).encode())
    for old in directory.glob("statuses-*"):
        if old.name not in files.values():
            # A reader still sending an old file keeps it open until done.
            old.unlink(missing_ok=True)
    return version


def dataset_files_build_on_commit(report: Callable[[str], object]) -> None:
    """Build the whole-dataset files once the current transaction commits (at
    once outside one), and ``report`` the version written: for a command that
    changed the data."""

    def build() -> None:
        version = dataset_files_build()
        if version is not None:
            report(f"ダウンロード用ファイルを作成しました（データの版 {version}）")

    transaction.on_commit(build)


def _write(path: Path, suffix: str) -> None:
    rows = exports.status_export_rows(statuses=selectors.all_statuses())
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as output:
            if suffix == ".xlsx":
                exports.xlsx_write(rows, output)
            elif suffix == ".json":
                output.writelines(exports.json_chunks(rows, licence=settings.DATA_LICENCE))
            else:
                output.writelines(exports.csv_chunks(rows, bom=suffix == "-excel.csv"))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _replace(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _manifest(directory: Path) -> dict:
    try:
        return json.loads((directory / MANIFEST).read_bytes())
    except (FileNotFoundError, ValueError):
        return {}
