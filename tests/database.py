"""The test databases' contents: the seed loaded once per run, and every test
started from exactly the state it asks for.

Loading the seed through the importer takes about half a second, and most tests
start from it. The run loads it once and saves every table's rows with COPY
(``SavedTables``). An ordinary test that asks for it (one transaction, rolled
back) runs on a clone of the test database made once with the seed in it
(``SeededDatabase``); a test that commits (the live server's) gets the rows
written back in tens of milliseconds, and flushed afterwards. Writing back
deletes every row first, so a test that imports more data leaves nothing
behind for the next one.
"""

import graphlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, connections, transaction

# The tables' rows in PostgreSQL's binary COPY format: exact for every column
# type, and read back by the same server into the same tables.
COPY_OUT = "COPY {} TO STDOUT (FORMAT binary)"
COPY_IN = "COPY {} FROM STDIN (FORMAT binary)"

WRITTEN_BY_TRIGGERS = {"reports_dataversion"}
"""Tables that a write to any other table writes too (migration 0009)."""


def data_tables() -> list[str]:
    """Every table of the schema but Django's migration records, each after
    the tables its foreign keys point to."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, coalesce(array_agg(r.relname) FILTER (WHERE r.oid <> t.oid), '{}')
            FROM pg_class t
            LEFT JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'f'
            LEFT JOIN pg_class r ON r.oid = k.confrelid
            WHERE t.relkind = 'r' AND t.relnamespace = current_schema()::regnamespace
              AND t.relname <> 'django_migrations'
            GROUP BY t.relname
            """
        )
        return list(graphlib.TopologicalSorter(dict(cursor.fetchall())).static_order())


@dataclass(frozen=True)
class SavedTables:
    """Every table's rows at one moment, and the highest id of each."""

    tables: tuple[str, ...]
    """Every data table, referenced tables first."""
    rows: dict[str, bytes]
    """The rows of the tables that had any."""
    highest_ids: dict[str, int]
    """Per id sequence, the highest id the saved rows hold."""
    skip_triggers: bool
    """Whether writing back may leave the tables' triggers out (a superuser's
    connection, as the embedded server's is)."""

    @classmethod
    def made_by(cls, make: Callable[[], object]) -> "SavedTables":
        """The tables as ``make`` leaves them, saved; ``make``'s transaction is
        rolled back."""
        with transaction.atomic():
            make()
            saved = cls.save()
            transaction.set_rollback(True)
        return saved

    @classmethod
    def empty(cls) -> "SavedTables":
        """Every table empty: the state Django's transactional tests leave."""
        return cls(tables=tuple(data_tables()), rows={}, highest_ids={}, skip_triggers=False)

    @classmethod
    def save(cls) -> "SavedTables":
        quote = connection.ops.quote_name
        tables = tuple(data_tables())
        rows: dict[str, bytes] = {}
        highest_ids: dict[str, int] = {}
        with connection.cursor() as cursor:
            for table in tables:
                with cursor.cursor.copy(COPY_OUT.format(quote(table))) as copy:
                    data = b"".join(bytes(block) for block in copy)
                if not cursor.cursor.rowcount:
                    continue
                rows[table] = data
                cursor.execute(
                    "SELECT attname, pg_get_serial_sequence(%s, attname) FROM pg_attribute"
                    " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                    [quote(table), quote(table)],
                )
                for column, sequence in cursor.fetchall():
                    if sequence:
                        cursor.execute(f"SELECT max({quote(column)}) FROM {quote(table)}")
                        highest_ids[sequence] = cursor.fetchone()[0]
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            skip_triggers = cursor.fetchone()[0]
        return cls(tables=tables, rows=rows, highest_ids=highest_ids, skip_triggers=skip_triggers)

    def restore(self) -> None:
        """Make every table hold exactly the saved rows, in the current
        transaction (or in one of its own), and forget what this process kept
        from earlier reads."""
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            if self.skip_triggers:
                # The rows were consistent when saved: checking each foreign
                # key again (then at the end of every test, as Django's
                # TestCase does) would cost more than the writing itself.
                # Undone below, or by the rollback of this block on error.
                cursor.execute("SET session_replication_role = replica")
            # The data version last: where triggers fire (not as a superuser),
            # writing the other tables writes it too.
            tables = [t for t in self.tables if t not in WRITTEN_BY_TRIGGERS]
            for group in (tables, [t for t in self.tables if t in WRITTEN_BY_TRIGGERS]):
                cursor.execute(
                    "; ".join(f"DELETE FROM {quote(table)}" for table in reversed(group))
                )
                for table in group:
                    if table in self.rows:
                        with cursor.cursor.copy(COPY_IN.format(quote(table))) as copy:
                            copy.write(self.rows[table])
            if self.highest_ids:
                # Ids given after this never collide with the saved rows'.
                cursor.execute(
                    "SELECT setval(sequence, highest) FROM unnest(%s::text[], %s::bigint[])"
                    " AS saved(sequence, highest)"
                    " WHERE coalesce(pg_sequence_last_value(sequence::regclass), 0) < highest",
                    [list(self.highest_ids), list(self.highest_ids.values())],
                )
            if self.skip_triggers:
                cursor.execute("SET session_replication_role = DEFAULT")
        forget_cached_reads()


class SeededDatabase:
    """A second test database, cloned once from the first with the seed in it.

    An ordinary test (one transaction, rolled back) that asks for the seed
    runs on the clone, where the seed already is: nothing to write back, and
    no foreign key to check again at the end of the test. ``use_for`` points
    the connections at the clone before such a test's fixtures start, and back
    at the empty test database before any other test. Tests that commit (the
    live server's, transactional ones) stay on the empty database, where the
    seed is written back for them, and flushed afterwards.
    """

    current: "SeededDatabase | None" = None
    """The test run's clone, once made."""

    def __init__(self, empty: str) -> None:
        self.empty = empty
        self.name = f"{empty}_seeded"

    @classmethod
    def make(cls, saved_seed: SavedTables, saved_empty: SavedTables) -> "SeededDatabase":
        """Write the seed into the empty test database, clone it, and empty it again."""
        database = cls(connection.settings_dict["NAME"])
        saved_seed.restore()
        quote = connection.ops.quote_name
        # A database is cloned only while no one is connected to it.
        connections.close_all()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(database.name)}")
            cursor.execute(
                f"CREATE DATABASE {quote(database.name)} TEMPLATE {quote(database.empty)}"
            )
        saved_empty.restore()
        cls.current = database
        return database

    def drop(self) -> None:
        self._switch(self.empty)
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE {connection.ops.quote_name(self.name)}")
        SeededDatabase.current = None

    def use_for(self, seeded: bool) -> None:
        """The clone for a test that asks for the seed and commits nothing, the
        empty database for any other."""
        self._switch(self.name if seeded else self.empty)

    def in_use(self) -> bool:
        return connection.settings_dict["NAME"] == self.name

    @staticmethod
    def _switch(name: str) -> None:
        if connection.settings_dict["NAME"] != name:
            # Every thread's connections read this one settings dictionary.
            connections.close_all()
            connection.settings_dict["NAME"] = name


def forget_cached_reads() -> None:
    """Drop what this process (the live server's threads included) keeps from
    earlier reads of the database.

    The search engine keeps each plan's index columns, keyed by plan id and
    read again when a block's version changes. An import gives new ids and
    new versions, so a test that loads data never finds them cached; restored
    rows carry the ids and versions they were saved with, and without this a
    test would find the columns of an earlier test's identical rows and make
    one query fewer than on freshly imported data.
    """
    from django.core.cache import cache

    from reports.search.engine import _columns_cache

    _columns_cache.clear()
    # Written back rows keep their data version while the pages differ.
    cache.clear()


def data_fingerprint() -> list[tuple[str, int, int]]:
    """Per table, how many rows it holds and the newest transaction that wrote
    one: an insert or an update changes the newest writer, a delete the count."""
    quote = connection.ops.quote_name
    tables = data_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s, count(*), coalesce(max(xmin::text::bigint), 0) FROM {quote(table)}"
                for table in tables
            ),
            tables,
        )
        return cursor.fetchall()
