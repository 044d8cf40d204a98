"""Bulk inserts for the demo: the driver's executemany on SQLite, COPY on PostgreSQL, in the caller's transaction.

SQLAlchemy's Core executemany spends most of its time binding each value through the column types;
at millions of rows that dominates. Instead each distinct value is bound once through the same column
types (`Values`: dates by day number, booleans, the one timestamp) and rows go to the driver as tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, text
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (puts the tables on SQLModel.metadata)

from workbench.services.demo_rows import Values

_SQLITE_CACHE_KIB = 512 * 1024  # page cache while building: index inserts stay in memory


def _processor(table: str, column: str, connection: Connection) -> Callable[[Any], Any]:
    column_type = SQLModel.metadata.tables[table].c[column].type
    process = column_type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    return process if process is not None else (lambda value: value)


class BulkWriter:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.raw: Any = connection.connection.driver_connection
        self._old_cache: int | None = None
        if not self.postgres:
            self._old_cache = self.raw.execute("PRAGMA cache_size").fetchone()[0]
            self.raw.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")

    def values(self, stamp: datetime, first: date, last: date) -> Values:
        """Every day from first to last, the booleans and the timestamp, bound as the columns would bind them."""
        bind_day = _processor("business", "registered_on", self.connection)
        bind_bool = _processor("business", "suspended", self.connection)
        bind_stamp = _processor("business", "updated_at", self.connection)
        days = {ordinal: bind_day(date.fromordinal(ordinal))
                for ordinal in range(first.toordinal(), last.toordinal() + 1)}
        return Values(days=days, true=bind_bool(True), false=bind_bool(False), stamp=bind_stamp(stamp))

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        if self.postgres:
            with self.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        self.raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def finish(self, tables_with_given_ids: Sequence[str]) -> None:
        """PostgreSQL: move id sequences past ids given explicitly. SQLite: restore the page cache size."""
        if self.postgres:
            for table in tables_with_given_ids:
                self.connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                ))
        elif self._old_cache is not None:
            self.raw.execute(f"PRAGMA cache_size = {int(self._old_cache)}")
