"""`make run` from a clean copy of the repository, as a new contributor runs it.

The two runs start with the test run, in a thread of their own (see
``MakeRunInBackground``); the test waits for them and checks what they showed.
"""

import contextlib
import os
import pickle
import shutil
import signal
import socket
import subprocess
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _clean_copy(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            destination = target / name.decode()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _revalidated_and_download(port: int, etag: str) -> tuple[int, str, str]:
    """The home page asked for again with its ETag (the status), and the whole
    dataset's .xlsx (its Content-Type and Content-Length)."""
    again = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"If-None-Match": etag})
    try:
        urllib.request.urlopen(again, timeout=5).close()
        status = 200
    except urllib.error.HTTPError as answer:
        status = answer.code
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/data/statuses.xlsx", timeout=30) as xlsx:
        body = xlsx.read()
        assert xlsx.headers["Content-Length"] == str(len(body))
        return status, xlsx.headers["Content-Type"], xlsx.headers["ETag"]


def _serve_and_fetch(
    repo: Path, log: Path, started_process: Callable[[subprocess.Popen], None]
) -> tuple[str, float, tuple[int, str, str]]:
    """Run `make run`, wait for the home page, stop the server; return the page,
    the seconds it took, and what ``_revalidated_and_download`` found."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SECRET_KEY"}}
    env.update(PORT=str(port), PYTHON=shutil.which("python3") or "python3")
    started = time.monotonic()
    with log.open("ab") as output:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=repo,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        started_process(process)
        deadline = started + 600
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page, etag = response.read().decode(), response.headers["ETag"]
                    served_after = time.monotonic() - started
                return page, served_after, _revalidated_and_download(port, etag)
            except OSError:
                time.sleep(0.5)
        raise AssertionError("the site did not answer within 10 minutes\n" + log.read_text())
    finally:
        _stop(process)
        _wait_until_database_stopped(repo)


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def _wait_until_database_stopped(repo: Path) -> None:
    """gunicorn outlives make by a moment; the embedded server stops after it."""
    pid_file = repo / ".data" / "postgres" / "postmaster.pid"
    deadline = time.monotonic() + 60
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)


@dataclass(frozen=True)
class TwoRuns:
    """What `make run` twice from one clean copy showed."""

    first: str
    """The home page the first run served."""
    stopped_after_first: bool
    """Whether the embedded database had stopped once the first run was stopped."""
    second: str
    stopped_after_second: bool
    log: str
    """Both runs' output."""
    revalidated_and_download: tuple[int, str, str]
    """The first run's answer to the home page's ETag, and the whole dataset's
    .xlsx: its content type and ETag."""


def make_run_twice(directory: Path, started_process: Callable[[subprocess.Popen], None]) -> TwoRuns:
    repo = _clean_copy(directory / "repo")
    log = directory / "make-run.log"
    pid_file = repo / ".data" / "postgres" / "postmaster.pid"
    first, _, cached = _serve_and_fetch(repo, log, started_process)
    stopped_after_first = not pid_file.exists()
    second, _, _ = _serve_and_fetch(repo, log, started_process)
    runs = TwoRuns(
        first, stopped_after_first, second, not pid_file.exists(), log.read_text(), cached
    )
    # Half a gigabyte, mostly the virtualenv: the next test run would spend
    # its first seconds deleting it. Kept when a run failed, to look into.
    shutil.rmtree(repo)
    return runs


class MakeRunInBackground(threading.Thread):
    """``make_run_twice`` in a thread of its own, started with the test run
    (tests/conftest.py): most of its minute or two is spent installing
    packages and waiting for the server, while the other tests run.

    In a parallel run the controlling process starts it and the test runs in
    a worker: the outcome is then also written to ``OUTCOME`` in ``directory``,
    where ``MakeRunOfTheController`` reads it."""

    def __init__(self, directory: Path) -> None:
        super().__init__(name="make run from a clean copy", daemon=True)
        self.directory = directory
        self.runs: TwoRuns | None = None
        self.error: BaseException | None = None
        self.process: subprocess.Popen | None = None

    def run(self) -> None:
        try:
            self.runs = make_run_twice(self.directory, self._record)
        except BaseException as error:  # raised again by ``result``
            self.error = error
        failure = None
        if self.error is not None:
            failure = "".join(traceback.format_exception(self.error))
        written = self.directory / f"{OUTCOME}.partial"
        written.write_bytes(pickle.dumps((self.runs, failure)))
        written.rename(self.directory / OUTCOME)

    def _record(self, process: subprocess.Popen) -> None:
        self.process = process

    def result(self) -> TwoRuns:
        """Wait for both runs; raise what stopped them, if anything did."""
        self.join()
        if self.error is not None:
            raise self.error
        assert self.runs is not None
        return self.runs

    def stop(self) -> None:
        """Stop a run still going (the test run was interrupted) and wait for it."""
        if self.is_alive() and self.process is not None:
            _stop(self.process)
        self.join()


OUTCOME = "outcome.pickle"
"""What ``MakeRunInBackground`` leaves in its directory: the two runs, or why they failed."""


@dataclass(frozen=True)
class MakeRunOfTheController:
    """The two runs as a worker of a parallel test run sees them: started by
    the controlling process as the workers' collection ends (tests/conftest.py),
    and read here from the outcome it writes."""

    directory: Path

    def result(self) -> TwoRuns:
        assert self.directory.is_dir(), (
            f"{self.directory}: the controlling process did not start `make run`"
        )
        outcome = self.directory / OUTCOME
        deadline = time.monotonic() + 2 * 600 + 60  # both runs' own limits, and a minute
        while not outcome.exists():
            assert time.monotonic() < deadline, "`make run` in the background did not finish"
            time.sleep(0.5)
        runs, failure = pickle.loads(outcome.read_bytes())
        if failure is not None:
            raise AssertionError(f"`make run` in the background failed:\n{failure}")
        return runs


def test_make_run_from_a_clean_copy_serves_the_plan_and_stops_cleanly(make_run_in_background):
    runs = make_run_in_background.result()

    assert "基本目標 5・施策の方向 15・事業 57" in runs.first
    assert runs.first.count('href="/plans/saitama-dv-2/projects/') == 57
    assert runs.stopped_after_first, runs.log
    # Served from the data version: a 304 for the page's own ETag, and the
    # .xlsx written by load_fixtures, sent as a file.
    status, content_type, etag = runs.revalidated_and_download
    assert status == 304
    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert etag.startswith('W/"')
    assert "ダウンロード用ファイルを作成しました" in runs.log

    assert runs.second == runs.first
    assert "saitama_dv2_H29_status.txt: 変更はありません" in runs.log
    assert runs.stopped_after_second, runs.log
