"""Bulk inserts with PostgreSQL's ``COPY``, for every writer of the project.

A large import adds hundreds of thousands of rows; ``bulk_create`` builds a
model instance and an SQL parameter list for each, which took most of an
import's time. ``COPY`` streams the rows as they are made, in the caller's
transaction (so a failed import writes none of them), and returns no ids: a
writer that needs them reads them back by natural key afterwards.

``foreign_keys_checked_meanwhile`` has PostgreSQL check the keys of such rows
while Python goes on with other work, rather than at commit.
"""

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager

from django.db import connection
from django.db.models import Field, Model


def copy_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    binary: bool = False,
) -> int:
    """Insert ``rows`` (values in the order of ``fields``) into ``model``'s table; return how many.

    ``fields`` are the model's field names, or a foreign key's ``…_id``.
    ``binary`` sends each value in PostgreSQL's binary form, with the types of
    the columns: a ``bytes`` value then goes as it is rather than spelled out
    in hex, for rows that are mostly bytes.
    """
    columns = [model._meta.get_field(name) for name in fields]
    sql = copy_statement(model, fields, binary=binary)
    written = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        if binary:
            copy.set_types([_type_name(field) for field in columns])
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def copy_statement(model: type[Model], fields: Sequence[str], *, binary: bool = False) -> str:
    """``COPY table (columns) FROM STDIN``, with the columns of ``fields``."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    options = " (FORMAT BINARY)" if binary else ""
    return f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN{options}"


def _type_name(field: Field) -> str:
    """The column's type as PostgreSQL names it, without a length: ``varchar(200)`` → ``varchar``."""
    db_type = field.db_type(connection)
    if db_type is None:
        raise ValueError(f"{field} has no column type of its own")
    return db_type.split("(")[0]


@contextmanager
def foreign_keys_checked_meanwhile() -> Iterator[None]:
    """Have PostgreSQL check the foreign keys of the rows this transaction has
    written so far while the caller works in Python.

    Django declares foreign keys ``DEFERRABLE INITIALLY DEFERRED``: the rows of
    a large import are checked at commit, a second or two of the server's
    time in which Python only waits. ``SET CONSTRAINTS ALL IMMEDIATE`` runs
    those checks at once; sent from a thread, they run on the server while
    this thread computes, on the machine's other core. The keys are deferred
    again afterwards, so what follows is checked at commit as before.

    The body must not use the connection: psycopg lets a second statement
    wait for the first (nothing breaks, but nothing overlaps either). A key
    that points nowhere raises ``IntegrityError`` here, not at commit; the
    transaction then rolls back as it would have.
    """
    connection.ensure_connection()
    raw = connection.connection  # psycopg's connection: thread-safe, one statement at a time
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="foreign-keys") as pool:
        checked = pool.submit(raw.execute, "SET CONSTRAINTS ALL IMMEDIATE")
        try:
            yield
        except BaseException:
            wait([checked])  # the body's error is the one to report
            raise
        with connection.wrap_database_errors:  # psycopg's errors as Django's
            checked.result()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
