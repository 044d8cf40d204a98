"""SQLite: a large import into a full register gives its new businesses to the search index in one statement
per index, after they are all written, instead of one trigger firing per row.

The search index is three FTS5 tables kept in step with `business` by triggers (migration 0002). Fired per
row, the insert trigger makes FTS5 write its pending terms out at the end of every statement: ~0.2 ms a row,
20 s of a 100,000-row import into a 1,000,000 register (docs/benchmarks.md). An import into a small register
drops the triggers and rebuilds the whole index (storage.search.bulk_load); into a full one that rebuild would
read every business. Here the insert trigger is dropped for the writes, and its own statements are run once
each over the new rows (`id` above the register's largest before the import: SQLite gives new rows larger
ids), then the trigger is created again from its stored SQL. All of it is in the import's transaction: a
failed import rolls the trigger's removal back with everything else. The statements are read from the
trigger, so a trigger that indexes more columns or tables (a later migration) is followed as it is; one
whose body is not plain `INSERT … VALUES (new.…)` statements is left alone and fires per row as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

INSERT_TRIGGER = "business_search_insert"
DEFER_FROM = 1000  # new rows; below this the per-row upkeep costs less than the trigger's DDL twice
# FTS5's pending-terms hash while adding the rows (as storage.search_sqlite's rebuild does)
PENDING_BYTES = 16 << 20
DEFAULT_PENDING_BYTES = 1 << 20
_STATEMENT = re.compile(
    r"^\s*INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*VALUES\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL
)
_BODY = re.compile(r"\bBEGIN\b(.*)\bEND\s*$", re.IGNORECASE | re.DOTALL)
_NEW_COLUMN = re.compile(r"^new\.(\w+)$", re.IGNORECASE)


@contextmanager
def search_index_afterwards(connection: Connection, new_rows: int) -> Iterator[None]:
    """Within the block, new businesses are not indexed row by row; at its end they are, in one pass."""
    if connection.dialect.name != "sqlite" or new_rows < DEFER_FROM:
        yield
        return
    found = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (INSERT_TRIGGER,)
    ).first()
    trigger_sql = str(found[0]) if found is not None else ""
    statements = bulk_statements(trigger_sql) if trigger_sql else None
    if not statements:
        yield
        return
    last_id = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM business").scalar()
    connection.exec_driver_sql(f"DROP TRIGGER {INSERT_TRIGGER}")
    yield
    for table, statement in statements:
        fts5 = _is_fts5(connection, table)
        if fts5:
            _pending_bytes(connection, table, PENDING_BYTES)
        connection.exec_driver_sql(statement, (last_id,))
        if fts5:
            _pending_bytes(connection, table, DEFAULT_PENDING_BYTES)
    connection.exec_driver_sql(trigger_sql)


def bulk_statements(trigger_sql: str) -> list[tuple[str, str]] | None:
    """(table, `INSERT INTO table(columns) SELECT … FROM business WHERE id > ?`) for each statement of the
    insert trigger; None when a statement is not `INSERT INTO t(…) VALUES (new.a, new.b, …)`."""
    body = _BODY.search(trigger_sql)
    if body is None:
        return None
    statements = []
    for part in body.group(1).split(";"):
        if not part.strip():
            continue
        match = _STATEMENT.match(part)
        if match is None:
            return None
        table, columns, values = match.groups()
        selected = []
        for value in values.split(","):
            column = _NEW_COLUMN.match(value.strip())
            if column is None:
                return None
            selected.append(column.group(1))
        statements.append(
            (table, f"INSERT INTO {table}({columns}) SELECT {', '.join(selected)} FROM business WHERE id > ?")
        )
    return statements or None


def _pending_bytes(connection: Connection, table: str, size: int) -> None:
    connection.exec_driver_sql(f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', {int(size)})")


def _is_fts5(connection: Connection, table: str) -> bool:
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar()
    return bool(sql) and "USING FTS5" in str(sql).upper()
