"""nginx in front of gunicorn, with the repository's deploy/nginx.conf.

    python deploy/proxy.py serve    # `make serve-proxied`: both servers, on this machine
    python deploy/proxy.py nginx    # the proxy image: nginx alone, as PID 1

``serve`` starts gunicorn on a unix socket in a fresh directory, then nginx on
``BIND_HOST:PORT`` (default 127.0.0.1:8000) in front of it, and waits. Ctrl-C
(or SIGTERM) stops both; gunicorn, the last process using the embedded
database, stops that too. If either server exits on its own, the other is
stopped and the exit status says so. With ``TLS_CERTIFICATE`` and
``TLS_CERTIFICATE_KEY`` (PEM files), nginx also answers HTTPS on ``TLS_PORT``
(default 8443).

``nginx`` writes the configuration for the proxy container and becomes nginx:
HTTP on ``LISTEN`` (default 8080), HTTPS on ``TLS_LISTEN`` (default 8443) when
given a certificate, gunicorn at ``UPSTREAM`` (default the socket that the app
container shares, ``unix:/run/gunicorn/gunicorn.sock``).
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 40
TLS_SETTINGS = """\
        ssl_certificate {certificate};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_prefer_server_ciphers off;
        ssl_session_cache shared:TLS:10m;
        ssl_session_timeout 1h;
        ssl_session_tickets off;"""


def render(
    *,
    listen: str,
    upstream: str,
    run_dir: Path,
    access_log: str = "/dev/stdout",
    tls_listen: str = "",
    tls: tuple[str, str] | None = None,
) -> str:
    """deploy/nginx.conf with its four @NAMES@ filled in; HTTPS on ``tls_listen``
    with ``tls`` (certificate, key) when both are given."""
    listening = [f"        listen {listen} default_server;"]
    if tls and tls_listen:
        listening.append(f"        listen {tls_listen} ssl default_server;")
        listening.append(TLS_SETTINGS.format(certificate=tls[0], key=tls[1]))
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in {
        "LISTEN": "\n".join(listening),
        "UPSTREAM": upstream,
        "RUN_DIR": str(run_dir),
        "ACCESS_LOG": access_log,
    }.items():
        text = text.replace(f"@{name}@", value)
    return text


def _tls_from_environment() -> tuple[str, str] | None:
    certificate = os.environ.get("TLS_CERTIFICATE", "")
    key = os.environ.get("TLS_CERTIFICATE_KEY", "")
    return (certificate, key) if certificate and key else None


def nginx_executable() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(found, os.X_OK):
        sys.exit("nginx is not installed: `make nginx` installs Debian's package")
    return found


def serve() -> int:
    host = os.environ.get("BIND_HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    run_dir = Path(tempfile.mkdtemp(prefix="dvplan-proxy-"))
    # nginx's workers drop to an unprivileged user when it starts as root: they
    # must reach gunicorn's socket in here.
    run_dir.chmod(0o755)
    gunicorn_socket = run_dir / "gunicorn.sock"
    config = run_dir / "nginx.conf"
    tls = _tls_from_environment()
    tls_port = int(os.environ.get("TLS_PORT", "8443"))
    config.write_text(
        render(
            listen=f"{host}:{port}",
            upstream=f"unix:{gunicorn_socket}",
            run_dir=run_dir,
            tls_listen=f"{host}:{tls_port}",
            tls=tls,
        )
    )

    stop_signal: list[int] = []

    def remember(signum: int, frame: object) -> None:
        stop_signal.append(signum)

    signal.signal(signal.SIGINT, remember)
    signal.signal(signal.SIGTERM, remember)

    environment = {
        **os.environ,
        "GUNICORN_BIND": f"unix:{gunicorn_socket}",
        "GUNICORN_ACCESS_LOG": "0",  # nginx keeps the access log
        "DJANGO_SECURE_PROXY_SSL_HEADER": os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "1"),
    }
    servers: dict[str, subprocess.Popen] = {}
    status = 0
    try:
        servers["gunicorn"] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF), "dvplan.wsgi"],
            cwd=ROOT,
            env=environment,
        )
        if not _wait_until_accepting(socket.AF_UNIX, str(gunicorn_socket), servers, stop_signal):
            return _stopped(servers, stop_signal, run_dir, "gunicorn did not start")
        servers["nginx"] = subprocess.Popen(
            [nginx_executable(), "-p", run_dir, "-c", config, "-e", "stderr", "-g", "daemon off;"],
            cwd=run_dir,
        )
        if not _wait_until_accepting(socket.AF_INET, (host, port), servers, stop_signal):
            return _stopped(servers, stop_signal, run_dir, "nginx did not start")
        https = f" and https://{host}:{tls_port}/" if tls else ""
        print(f"Serving http://{host}:{port}/{https} (nginx, then gunicorn on "
              f"{gunicorn_socket}); Ctrl-C stops both.", flush=True)  # fmt: skip
        while not stop_signal and all(server.poll() is None for server in servers.values()):
            time.sleep(0.2)
        exited = [name for name, server in servers.items() if server.poll() is not None]
        if exited and not stop_signal:
            status = 1
            print(f"{', '.join(exited)} exited on its own; stopping the rest.", file=sys.stderr)
    finally:
        _stop(servers, stop_signal[0] if stop_signal else signal.SIGTERM)
        shutil.rmtree(run_dir, ignore_errors=True)
    return status


def _wait_until_accepting(family, address, servers, stop_signal) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and not stop_signal:
        if any(server.poll() is not None for server in servers.values()):
            return False
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.connect(address)
                return True
            except OSError:
                time.sleep(0.1)
    return False


def _stopped(servers, stop_signal, run_dir: Path, message: str) -> int:
    _stop(servers, stop_signal[0] if stop_signal else signal.SIGTERM)
    shutil.rmtree(run_dir, ignore_errors=True)
    if stop_signal:
        return 0
    print(message, file=sys.stderr)
    return 1


def _stop(servers: dict[str, subprocess.Popen], signum: int) -> None:
    """Pass the signal on (Ctrl-C's SIGINT stops both at once), then wait; kill what lingers."""
    for server in servers.values():
        if server.poll() is None:
            server.send_signal(signum)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for server in servers.values():
        try:
            server.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def exec_nginx() -> None:
    """The proxy container's command: write the configuration, then become nginx."""
    run_dir = Path(os.environ.get("RUN_DIR", "/var/lib/nginx/dvplan"))
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "nginx.conf"
    config.write_text(
        render(
            listen=os.environ.get("LISTEN", "8080"),
            upstream=os.environ.get("UPSTREAM", "unix:/run/gunicorn/gunicorn.sock"),
            run_dir=run_dir,
            tls_listen=os.environ.get("TLS_LISTEN", "8443"),
            tls=_tls_from_environment(),
        )
    )
    nginx = nginx_executable()
    os.execv(nginx, [nginx, "-c", str(config), "-e", "stderr", "-g", "daemon off;"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="nginx in front of gunicorn, until Ctrl-C")
    commands.add_parser("nginx", help="the proxy container: configure, then become nginx")
    if parser.parse_args().command == "serve":
        return serve()
    exec_nginx()
    return 1


if __name__ == "__main__":
    sys.exit(main())
