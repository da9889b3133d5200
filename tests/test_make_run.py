"""`make run` from a clean copy of the repository, as a new contributor runs it."""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
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


def _serve_and_fetch(repo: Path, log: Path) -> tuple[str, float]:
    """Run `make run`, wait for the home page, stop the server; return the page."""
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
        deadline = started + 600
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    return response.read().decode(), time.monotonic() - started
            except OSError:
                time.sleep(0.5)
        raise AssertionError("the site did not answer within 10 minutes\n" + log.read_text())
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        _wait_until_database_stopped(repo)


def _wait_until_database_stopped(repo: Path) -> None:
    """gunicorn outlives make by a moment; the embedded server stops after it."""
    pid_file = repo / ".data" / "postgres" / "postmaster.pid"
    deadline = time.monotonic() + 60
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def test_make_run_from_a_clean_copy_serves_the_plan_and_stops_cleanly(tmp_path):
    repo = _clean_copy(tmp_path / "repo")
    log = tmp_path / "make-run.log"

    first, _ = _serve_and_fetch(repo, log)
    assert "基本目標 5・施策の方向 15・事業 57" in first
    assert first.count('href="/plans/saitama-dv-2/projects/') == 57
    assert not (repo / ".data" / "postgres" / "postmaster.pid").exists(), log.read_text()

    second, _ = _serve_and_fetch(repo, log)
    assert second == first
    assert "saitama_dv2_H29_status.txt: 変更はありません" in log.read_text()
    assert not (repo / ".data" / "postgres" / "postmaster.pid").exists(), log.read_text()
