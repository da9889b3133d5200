"""The production stack under the two attacks of issue 13, through `make serve-proxied`.

    make bench-proxy            # or: .venv/bin/python benchmarks/bench_proxy.py

One stack (nginx, gunicorn with two sync workers, an embedded PostgreSQL of its
own in a temporary directory), then:

1. Slow clients: the latency of /about/ alone; then while 20 connections send
   their headers one line a second through nginx (the target: every page within
   1 s); then, for contrast, straight to gunicorn's socket with only two such
   connections.
2. A database outage: four client threads request pages and the API for 4 s,
   PostgreSQL is stopped for 8 s, then started again by hand, and they go on
   for 4 s. Printed: the answers by status, how many 503s carry Retry-After,
   the log lines and bytes written per failed request, and how long after the
   restart the first page came back.

Everything goes to 127.0.0.1 or to gunicorn's unix socket, in loops bounded by
count and time.
"""

import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dvplan.embedded_db import stop_server  # noqa: E402
from tests.deploy import stack as proxied  # noqa: E402

MAX_REQUESTS = 20_000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latencies(stack, seconds: float) -> list[float]:
    found = []
    until = time.monotonic() + seconds
    while time.monotonic() < until and len(found) < MAX_REQUESTS:
        answer = proxied.get(stack, "/about/", timeout=10)
        assert answer.status == 200, answer.status
        found.append(answer.seconds)
        time.sleep(0.05)
    return found


def describe(name: str, values: list[float]) -> None:
    print(
        f"{name:<44} n={len(values):>4}  p50={statistics.median(values) * 1000:6.0f} ms  "
        f"p95={percentile(values, 0.95) * 1000:6.0f} ms  max={max(values) * 1000:6.0f} ms"
    )


def slow_clients(stack) -> None:
    print("== Slow clients (two gunicorn workers) ==")
    describe("/about/ alone", latencies(stack, 4))
    slow = proxied.SlowClients(("127.0.0.1", stack.port), 20, rounds=9).start()
    try:
        measured = latencies(stack, 7)
    finally:
        firsts = slow.finish()
    describe("/about/ with 20 slow clients, through nginx", measured)
    print(f"{'':<44} the slow clients' own answers: {Counter(firsts)}")
    held = proxied.SlowClients(str(stack.gunicorn_socket), 2, family=socket.AF_UNIX, rounds=12)
    held.start()
    started = time.monotonic()
    try:
        proxied.raw_request(
            str(stack.gunicorn_socket),
            b"GET /about/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
            family=socket.AF_UNIX,
            timeout=10,
        )
        outcome = f"answered after {time.monotonic() - started:.1f} s"
    except TimeoutError:
        outcome = "no answer within 10 s"
    finally:
        held.finish()
    print(f"{'/about/ with 2 slow clients, straight to gunicorn':<44} {outcome}")


def outage(stack) -> None:
    print("== Database outage: 4 s up, 8 s down, 4 s up; four client threads ==")
    paths = ["/about/", "/plans/saitama-dv-2/statuses/?q=DV", "/api/v1/plans/saitama-dv-2/"]
    answers: list[tuple[float, int, bool]] = []
    stopping = threading.Event()

    def client(offset: int) -> None:
        count = 0
        while not stopping.is_set() and count < MAX_REQUESTS // 4:
            answer = proxied.get(stack, paths[(count + offset) % len(paths)], timeout=10)
            answers.append((time.monotonic(), answer.status, "Retry-After" in answer.headers))
            count += 1

    log_before = stack.stderr.stat().st_size
    lines_before = stack.stderr.read_bytes().count(b"\n")
    socket_dir = proxied.socket_directory(stack.pgdata)
    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(4)
    stop_server(stack.pgdata)
    time.sleep(8)
    proxied.start_postgres_by_hand(stack.pgdata, socket_dir)
    restarted = time.monotonic()
    time.sleep(4)
    stopping.set()
    for thread in threads:
        thread.join(timeout=30)
    log_bytes = stack.stderr.stat().st_size - log_before
    log_lines = stack.stderr.read_bytes().count(b"\n") - lines_before

    statuses = Counter(status for _, status, _ in answers)
    unavailable = [a for a in answers if a[1] == 503]
    print(f"answers: {len(answers)}  by status: {dict(sorted(statuses.items()))}")
    print(f"503s with Retry-After: {sum(a[2] for a in unavailable)} of {len(unavailable)}")
    print(
        f"log: {log_lines} lines, {log_bytes:,} bytes "
        f"({log_lines / max(1, len(unavailable)):.2f} lines and "
        f"{log_bytes / max(1, len(unavailable)):.0f} bytes per 503)"
    )
    back = [t for t, status, _ in answers if t >= restarted and status == 200]
    print(f"first 200 after the restart: {(min(back) - restarted) * 1000:.0f} ms" if back else "")


def main() -> None:
    print(f"load: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="bench-proxy-") as tmp:
        stack = proxied.start(Path(tmp), WEB_CONCURRENCY="2")
        try:
            for _ in range(6):
                proxied.get(stack, "/about/")
            slow_clients(stack)
            outage(stack)
        finally:
            proxied.interrupt(stack)
    print(f"load: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
