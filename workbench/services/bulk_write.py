"""Bulk inserts (the demo build, the register import): the driver's executemany on SQLite, COPY on PostgreSQL,
in the caller's transaction.

SQLAlchemy's Core executemany spends most of its time binding each value through the column types;
at millions of rows that dominates. Instead each distinct value is bound once through the same column
types (`Values`: dates by day number, booleans, the one timestamp) and rows go to the driver as tuples.
While loading, the secondary indexes of the loaded tables are dropped and then rebuilt from their own
stored definitions (one sort instead of a million random B-tree inserts), inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (puts the tables on SQLModel.metadata)

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass
class Values:
    """Driver values: `days[ordinal]` for every day a bulk row can hold, TRUE/FALSE, and the timestamp."""

    days: dict[int, Any]
    true: Any
    false: Any
    stamp: Any


def copy_text(rows: list[tuple[Any, ...]]) -> str:
    """Rows in PostgreSQL's COPY text format (values already str, int or None)."""
    lines = [copy_line(row) for row in rows]
    return "\n".join(lines) + "\n" if lines else ""


def copy_line(row: tuple[Any, ...]) -> str:
    """One row in COPY text format, without its newline."""
    line = "\t".join(["\\N" if value is None else str(value) for value in row])
    # Nothing to escape unless a value holds a tab, newline, carriage return or backslash (rare).
    if (
        line.count("\t") == len(row) - 1
        and line.count("\\") == row.count(None)
        and "\n" not in line
        and "\r" not in line
    ):
        return line
    return "\t".join(["\\N" if value is None else str(value).translate(_COPY_ESCAPES) for value in row])


LOADED_TABLES = ("business", "year_figures", "license", "change_log")
_SQLITE_CACHE_KIB = 512 * 1024  # page cache while building: index builds stay in memory
_PG_INDEX_MEMORY = "512MB"


@contextmanager
def rollback_journal(engine: Engine) -> Iterator[None]:
    """SQLite: build with a rollback journal, then return to WAL.

    One transaction that writes the whole database would otherwise pass every page through the WAL
    file (as large as the database) and copy it again at the checkpoint; a rollback journal of a fresh
    database holds almost nothing. If another connection has the file open (this process's pool, the
    interface in another window), the switch fails at once and the build runs in WAL. Meanwhile a process
    that opens the file waits for the build (its switch to WAL needs the write lock): for callers that own
    the file for the build's length, the demo build and the command line's bulk import.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    with engine.connect() as connection:
        try:
            switched = connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal" and (
                connection.exec_driver_sql("PRAGMA journal_mode = DELETE").scalar() == "delete"
            )
        except OperationalError:  # another connection has the file open: keep WAL
            switched = False
        if switched:  # a rollback journal is as safe as WAL only when every commit is synced in full
            connection.exec_driver_sql("PRAGMA synchronous = FULL")
    try:
        yield
    finally:
        if switched:
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode = WAL")
                connection.exec_driver_sql("PRAGMA synchronous = NORMAL")


def _processor(table: str, column: str, connection: Connection) -> Callable[[Any], Any]:
    column_type = SQLModel.metadata.tables[table].c[column].type
    process = column_type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    return process if process is not None else (lambda value: value)


class BulkWriter:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.raw: Any = connection.connection.driver_connection

    def values(self, stamp: datetime, first: date, last: date) -> Values:
        """Every day from first to last, the booleans and the timestamp: bound as SQLAlchemy's column types
        bind them for SQLite, as COPY text literals for PostgreSQL."""
        if self.postgres:  # COPY text literals
            days = {
                ordinal: date.fromordinal(ordinal).isoformat()
                for ordinal in range(first.toordinal(), last.toordinal() + 1)
            }
            return Values(days=days, true="t", false="f", stamp=stamp.isoformat())
        bind_day = _processor("business", "registered_on", self.connection)
        bind_bool = _processor("business", "suspended", self.connection)
        bind_stamp = _processor("business", "updated_at", self.connection)
        days = {
            ordinal: bind_day(date.fromordinal(ordinal))
            for ordinal in range(first.toordinal(), last.toordinal() + 1)
        }
        return Values(days=days, true=bind_bool(True), false=bind_bool(False), stamp=bind_stamp(stamp))

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Drop the loaded tables' secondary indexes for the block, then build them again."""
        indexes = pg_indexes(self.connection, LOADED_TABLES) if self.postgres else self._sqlite_indexes()
        for name, _definition in indexes:
            self.connection.exec_driver_sql(f'DROP INDEX "{name}"')
        if self.postgres:
            # Foreign keys are checked row by row by triggers; adding them back checks all rows in one join.
            foreign_keys = pg_foreign_keys(self.connection, LOADED_TABLES)
            for table, name, _definition in foreign_keys:
                self.connection.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            self.connection.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{_PG_INDEX_MEMORY}'")
            yield
            for table, name, definition in foreign_keys:
                self.connection.exec_driver_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        else:
            cache_size = self.connection.exec_driver_sql("PRAGMA cache_size").scalar()
            self.connection.exec_driver_sql(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
            try:
                yield
            finally:
                self.connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size or -2000)}")
        for _name, definition in indexes:
            self.connection.exec_driver_sql(definition)

    def _sqlite_indexes(self) -> list[tuple[str, str]]:
        # sql IS NULL marks the automatic indexes of PRIMARY KEY / UNIQUE constraints: those stay.
        rows = self.connection.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join(repr(table) for table in LOADED_TABLES)}) ORDER BY name"
            )
        )
        return [(str(name), str(sql)) for name, sql in rows]

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]] | str) -> None:
        """Rows as tuples, or (PostgreSQL) already as COPY text."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.postgres:
            with self.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                if isinstance(rows, str):
                    copy.write(rows)
                else:
                    for row in rows:
                        copy.write_row(row)
            return
        assert isinstance(rows, list)
        marks = ", ".join("?" * len(columns))
        self.raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def insert_shared(
        self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], shared: Sequence[tuple[str, Any]]
    ) -> None:
        """Rows holding only `columns`; every row also gets the `shared` (column, value) pairs. On SQLite those
        are written into the statement as literals (sql_literal), so the driver binds only what differs from
        row to row (a change-log row of an import binds 4 values instead of 10: ~0.3 CPU-s per 700,000 rows);
        a value no literal can hold (a text with a NUL) is bound with each row as before."""
        if not rows:
            return
        literals = {name: sql_literal(value) for name, value in shared}
        if self.postgres or None in literals.values():
            tail = tuple(value for _name, value in shared)
            self.insert(table, (*columns, *(name for name, _value in shared)), [row + tail for row in rows])
            return
        names = ", ".join((*columns, *(name for name, _value in shared)))
        marks = ", ".join(["?"] * len(columns) + [str(literals[name]) for name, _value in shared])
        self.raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def finish(self, tables_with_given_ids: Sequence[str]) -> None:
        """PostgreSQL: move id sequences past the ids given explicitly, and refresh statistics."""
        if not self.postgres:
            return
        for table in tables_with_given_ids:
            self.connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                )
            )
        for table in LOADED_TABLES:
            self.connection.exec_driver_sql(f"ANALYZE {table}")


def sql_literal(value: Any) -> str | None:
    """A SQLite literal of the same value and type a bound parameter would store: NULL, an integer, or a text
    in single quotes (quotes doubled); None for anything else (a float, bytes, a text holding a NUL): bind it."""
    if value is None:
        return "NULL"
    if value.__class__ is int:
        return str(value)
    if value.__class__ is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def pg_indexes(connection: Connection, tables: Sequence[str]) -> list[tuple[str, str]]:
    """PostgreSQL: (name, CREATE INDEX statement) of the tables' plain indexes; those behind a constraint
    (primary key, UNIQUE) are left out."""
    rows = connection.execute(
        text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:tables) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
            "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) ORDER BY i.indexname"
        ),
        {"tables": list(tables)},
    )
    return [(str(name), str(definition)) for name, definition in rows]


def pg_foreign_keys(connection: Connection, tables: Sequence[str]) -> list[tuple[str, str, str]]:
    """PostgreSQL: (table, name, definition) of the foreign keys the tables hold."""
    rows = connection.execute(
        text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(CAST(:tables AS regclass[])) ORDER BY 1, 2"
        ),
        {"tables": list(tables)},
    )
    return [(str(table), str(name), str(definition)) for table, name, definition in rows]
