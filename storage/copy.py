"""Move an office's whole database between engines (SQLite <-> PostgreSQL), row for row, then verify.

Keys, uuids, versions, timestamps, tombstones and the change log travel unchanged, so field packages
and return packages made before the move still apply after it. The rows are written in one
transaction: a copy that fails or does not verify leaves no rows behind (a blank target that was
migrated first stays migrated and empty, which a second attempt accepts).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, inspect, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables on the metadata)
from storage.check import REFERENCE_TABLES, TABLE_LABELS, explain_connection_error
from storage.engine import is_sqlite
from storage.schema import current_revision, head_revision, upgrade
from storage.search import bulk_load

CHUNK_ROWS = 2000
NOT_COPIED = frozenset({"alembic_version"})

Progress = Callable[[int, int, str], None]


class CopyError(RuntimeError):
    """The copy was refused or failed; the message is for the user, in Chinese. The target is unchanged."""


@dataclass(frozen=True)
class CopyResult:
    counts: dict[str, int]
    verified: bool


@dataclass(frozen=True)
class Fingerprint:
    rows: int
    checksum: str


def copied_tables() -> list[Table]:
    """The application's tables in foreign-key order (parents first); the search index is rebuilt, not copied."""
    return [table for table in SQLModel.metadata.sorted_tables if table.name not in NOT_COPIED]


def copy_database(
    source_engine: Engine, target_engine: Engine, *, progress: Progress | None = None
) -> CopyResult:
    """Copy every row of source into the empty target (migrated here if blank) and verify counts and checksums."""
    _refuse_same_database(source_engine, target_engine)
    _prepare(source_engine, target_engine)
    try:
        with _snapshot(source_engine) as source, _write_transaction(target_engine) as target:
            _refuse_target_with_data(target)
            with bulk_load(target):  # the search index is derived: built once from the copied rows at the end
                counts = _copy_tables(source, target, progress or _no_progress)
            _verify(source, target)
            _reset_sequences(target)
    except SQLAlchemyError as error:
        raise CopyError(
            f"复制失败，目标库未作任何改动：{explain_connection_error(target_engine, error)}"
        ) from error
    return CopyResult(counts=counts, verified=True)


def _no_progress(_done: int, _total: int, _what: str) -> None:
    return None


def _refuse_same_database(source_engine: Engine, target_engine: Engine) -> None:
    if source_engine.url.render_as_string() == target_engine.url.render_as_string():
        raise CopyError("源数据库和目标数据库是同一个：请给出另一个空库作为目标")


def _prepare(source_engine: Engine, target_engine: Engine) -> None:
    """The source must be at the program's head; a blank target is migrated to it, any other is refused."""
    source_revision = _revision(source_engine, "源")
    head = head_revision()
    if source_revision is None:
        raise CopyError("源数据库是空的（尚未建表），没有可复制的内容")
    if source_revision != head:
        raise CopyError(
            f"源数据库版本 {source_revision} 与程序（{head}）不一致：请先对源库运行 workbench db upgrade"
        )
    target_revision = _revision(target_engine, "目标")
    if target_revision is None:
        upgrade(target_engine, head)
    elif target_revision != head:
        raise CopyError(
            f"目标数据库版本 {target_revision} 与源库（{head}）不一致：请换一个空库，或先把目标库升级"
        )


def _revision(engine: Engine, which: str) -> str | None:
    try:
        return current_revision(engine)
    except SQLAlchemyError as error:
        raise CopyError(f"{which}数据库无法使用：{explain_connection_error(engine, error)}") from error


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A read connection that sees one consistent state of the source for the whole copy and verification."""
    level = "SERIALIZABLE" if is_sqlite(engine) else "REPEATABLE READ"
    with engine.connect().execution_options(isolation_level=level) as connection:
        if is_sqlite(engine):
            # pysqlite opens a transaction only before writes; reads need an explicit one to share a snapshot.
            connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()


@contextmanager
def _write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for everything written to the target, the search index's DDL included."""
    with engine.begin() as connection:
        if is_sqlite(engine):
            # pysqlite would autocommit DDL run before the first INSERT; IMMEDIATE also keeps other writers out.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield connection


def _refuse_target_with_data(target: Connection) -> None:
    present = set(inspect(target).get_table_names())
    filled = [
        (table.name, _count(target, table))
        for table in copied_tables()
        if table.name in present and table.name not in REFERENCE_TABLES
    ]
    filled = [(name, rows) for name, rows in filled if rows]
    if filled:
        listed = "，".join(f"{_label(name)} {rows:,} 行" for name, rows in filled)
        raise CopyError(f"目标数据库已有数据（{listed}）：为防止覆盖，只能复制到空库")


def _count(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _copy_tables(source: Connection, target: Connection, progress: Progress) -> dict[str, int]:
    tables = copied_tables()
    total = sum(_count(source, table) for table in tables)
    done = 0
    counts: dict[str, int] = {}
    for table in tables:
        if table.name in REFERENCE_TABLES:
            target.execute(table.delete())
        counts[table.name] = 0
        for chunk in _chunks(source, table):
            _insert(target, table, chunk)
            counts[table.name] += len(chunk)
            done += len(chunk)
            progress(done, total, f"复制{_label(table.name)}")
    return counts


def _insert(target: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    try:
        target.execute(table.insert(), rows)
    except IntegrityError as error:
        detail = str(error.orig).strip().splitlines()[0]
        raise CopyError(
            f"源库的{_label(table.name)}中有目标库不接受的数据（例如引用了不存在的记录），"
            f"目标库未作任何改动。请先运行 workbench db check 检查源库：{detail}"
        ) from error


def _label(name: str) -> str:
    return TABLE_LABELS.get(name, (name, ""))[0]


def _chunks(source: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    ordered = select(table).order_by(*table.primary_key.columns)
    result = source.execution_options(yield_per=CHUNK_ROWS).execute(ordered)
    for partition in result.partitions():
        yield [dict(row._mapping) for row in partition]


def _verify(source: Connection, target: Connection) -> None:
    for table in copied_tables():
        expected, actual = fingerprint(source, table), fingerprint(target, table)
        if expected != actual:
            raise CopyError(
                f"核对失败：{_label(table.name)}（{table.name}）源库 {expected.rows:,} 行，目标库 {actual.rows:,} 行"
                f"{'' if expected.rows != actual.rows else '，内容校验值不同'}；目标库未作任何改动"
            )


def fingerprint(connection: Connection, table: Table) -> Fingerprint:
    """Row count and a checksum over each row's key, uuid and version.

    The checksum adds up per-row hashes, so it does not depend on the order rows come back in
    (SQLite and PostgreSQL collate text keys differently).
    """
    names = [column.name for column in table.primary_key.columns]
    names += [name for name in ("uuid", "version") if name in table.c and name not in names]
    total, rows = 0, 0
    query = select(*(table.c[name] for name in names))
    for row in connection.execution_options(yield_per=CHUNK_ROWS).execute(query):
        total += int.from_bytes(hashlib.sha256(repr(tuple(row)).encode()).digest())
        rows += 1
    return Fingerprint(rows, f"{total % 2**256:064x}")


def _reset_sequences(target: Connection) -> None:
    """PostgreSQL hands out ids from a sequence that explicit inserts did not advance: move it past max(id)."""
    if target.dialect.name != "postgresql":
        return
    for table in copied_tables():
        column = table.autoincrement_column
        if column is None:
            continue
        target.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
            ),
            {"table": table.name, "column": column.name},
        )
