"""Commit a reviewed plan: all accepted rows or none, in one transaction, logged like any edit.

Before writing, the commit checks that nothing the plan relies on moved since the dry run: every business
to update still has the version the dry run read (PostgreSQL locks those rows), and no code of a new row
was taken meanwhile. Otherwise it raises ImportConflict naming the rows, and nothing is written.

Change log: an update writes one row per changed field (as the form does); a new business writes one
'create' row (field "", new = which file and row it came from) instead of one per field, so a
100,000-row import logs 100,000 rows, not 1.5 million; the values themselves are in the business row.
New rows go through the driver in bulk (workbench.services.bulk_write.BulkWriter), made (search columns,
uuid, change-log row) by worker processes for a large import (imports.commit_rows); a large import into a
small register drops and rebuilds the search index and secondary indexes once, as the demo build does (into
an empty one, SQLite: the search tables built beside the database on other threads, imports.commit_search).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from imports.commit_checks import find_conflicts
from imports.commit_search import side_search
from imports.commit_writes import BUSINESS, CHANGE_COLUMNS, Writes
from imports.deferred_search import search_index_afterwards
from imports.errors import ImportCancelled, ImportConflict, PlanNotCommittable
from imports.plan import ImportPlan, ProgressCallback, RowKind
from imports.plan_text import when
from storage import search
from storage.audit import Actor, utc_now
from storage.tables import new_uuid
from storage.tables_imports import ImportRecord
from workbench.domain.labels import ImportKind
from workbench.services.bulk_write import rollback_journal

BATCH = 5000
BULK_FROM = 2000  # new rows; below this the row-by-row index upkeep is cheaper than a rebuild
PAGE_CACHE_KIB = 512 * 1024  # while loading in bulk (SQLite): index builds stay in memory
_RECORD: Any = ImportRecord.__table__  # type: ignore[attr-defined]


@dataclass
class ImportResult:
    """What a commit wrote, and the import record that remembers it."""

    record_uuid: str
    inserted: int
    updated: int
    unchanged: int
    skipped: int
    invalid: int
    seconds: float
    duplicates: int = 0
    awaiting_confirmation: int = 0
    file_name: str = ""

    def summary_text(self) -> str:
        text = (
            f"已导入「{self.file_name}」：新增 {self.inserted:,} 户，更新 {self.updated:,} 户，"
            f"无变化 {self.unchanged:,} 户"
        )
        if self.skipped:
            text += f"，按导入方式跳过 {self.skipped:,} 行"
        if self.invalid or self.duplicates:
            text += f"，有错误未导入 {self.invalid + self.duplicates:,} 行"
        if self.awaiting_confirmation:
            text += f"，待确认未导入 {self.awaiting_confirmation:,} 行"
        text += f"（用时 {self.seconds:.1f} 秒）。"
        if not self.inserted and not self.updated:
            text += "登记簿没有任何改动。"
        return text


def commit_import(
    engine: Engine,
    plan: ImportPlan,
    *,
    actor: Actor,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    owns_file: bool = False,
) -> ImportResult:
    """Write the plan's new rows and updates and its ImportRecord in one transaction.

    Raises ImportConflict (rows changed since the dry run), ImportCancelled (cancel set), or
    PlanNotCommittable; in every such case nothing is written. owns_file: nothing else in this process uses
    the engine meanwhile (the command line), so a bulk load into SQLite may write with a rollback journal.
    """
    if actor.office_id != plan.office_id:
        raise PlanNotCommittable("这份预览是按另一个所的登记簿做的，请重新预览后再导入")
    report = progress or (lambda done, total, stage: None)
    stop = _stopper(cancel)
    started = perf_counter()
    total = len(plan.inserts) + len(plan.updates)
    journal = _bulk_journal(engine, len(plan.inserts)) if owns_file else nullcontext()
    with journal, engine.connect() as connection, import_transaction(connection):
        conflicts = find_conflicts(connection, plan)
        if conflicts:
            raise ImportConflict(conflicts)
        stop()
        writes = Writes(connection, actor, utc_now(), BATCH, report, stop)
        bulk = _worth_bulk_load(connection, len(plan.inserts))
        with ExitStack() as stack:
            side = side_search(connection, len(plan.inserts), len(plan.updates)) if bulk else None
            if side is not None:
                stack.callback(side.close)  # after bulk_load has copied the side index in (or failed)
            if bulk:
                stack.enter_context(_page_cache(connection))
                stack.enter_context(search.bulk_load(connection, side.side if side else None))
                stack.callback(stop)  # 取消 pressed while the indexes were built: the search tables are not made
                stack.enter_context(writes.writer.loading())
                stack.callback(report, total, total, "重建索引")
                done = writes.insert_new(plan, total, side)
            else:
                with search_index_afterwards(connection, len(plan.inserts)):
                    done = writes.insert_new(plan, total)
            _apply_updates(writes, plan, done, total)
            if side is not None:  # the search tables build beside while writer.loading builds the indexes
                side.start(connection)
        if bulk:
            writes.writer.finish([])
        stop()
        record_uuid = _record(connection, writes, plan, perf_counter() - started)
        stop()
        report(total, total, "提交")
    return _result(plan, record_uuid, perf_counter() - started)


@contextmanager
def import_transaction(connection: Connection) -> Iterator[None]:
    """One transaction around everything, DDL included: on SQLite an explicit BEGIN IMMEDIATE (the
    driver would otherwise run the index DDL outside any transaction, and take the write lock late)."""
    with connection.begin():
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield


def _stopper(cancel: threading.Event | None) -> Callable[[], None]:
    def stop() -> None:
        if cancel is not None and cancel.is_set():
            raise ImportCancelled()

    return stop


@contextmanager
def _page_cache(connection: Connection) -> Iterator[None]:
    """SQLite: a page cache that holds the loaded rows while the secondary indexes are built from them
    (with the default 2 MB each index build reads the table back from the file)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size or -2000)}")


def _bulk_journal(engine: Engine, new_rows: int) -> AbstractContextManager[None]:
    """A bulk load into SQLite writes with a rollback journal (workbench.services.bulk_write.rollback_journal):
    its pages go to the file once instead of through the WAL and again at the checkpoint (−0.4 s of the 100,000
    rows into an empty database, docs/benchmarks.md, session 15). An import into a full register keeps WAL."""
    if engine.dialect.name != "sqlite" or new_rows < BULK_FROM:
        return nullcontext()
    with engine.connect() as connection:
        bulk = _worth_bulk_load(connection, new_rows)
    return rollback_journal(engine) if bulk else nullcontext()


def _worth_bulk_load(connection: Connection, new_rows: int) -> bool:
    if new_rows < BULK_FROM:
        return False
    existing = connection.execute(select(func.count()).select_from(BUSINESS)).scalar_one()
    return new_rows * 4 >= existing + new_rows


def _apply_updates(writes: Writes, plan: ImportPlan, done: int, total: int) -> None:
    writes.apply_updates(plan, done, total)


def _record(connection: Connection, writes: Writes, plan: ImportPlan, seconds: float) -> str:
    """The ImportRecord (file, sha256, who, when, counts) and its own 'create' change-log row."""
    counts = plan.counts
    note = (
        f"{plan.file_name}（{when(writes.moment)}，{plan.mode.label}）：新增 {len(plan.inserts)} 户，"
        f"更新 {len(plan.updates)} 户"
    )
    return record_import(
        connection, writes, note, file_name=plan.file_name, sha256=plan.sha256, sheet=plan.sheet,
        mode=plan.mode.value, rows_read=plan.rows_read, inserted=len(plan.inserts), updated=len(plan.updates),
        unchanged=counts[RowKind.UNCHANGED], skipped=counts[RowKind.SKIPPED], invalid=counts[RowKind.INVALID],
        duplicates=counts[RowKind.DUPLICATE], milliseconds=int(seconds * 1000),
    )  # fmt: skip


def record_import(connection: Connection, writes: Writes, note: str, *, file_name: str, sheet: str,
                  kind: str = ImportKind.REGISTER, **counts: Any) -> str:
    """Insert an ImportRecord (which file, its sha256, who, when, which list, the counts) and its own 'create'
    change-log row saying `note`; every kind of list is recorded this way."""
    record_uuid = new_uuid()
    actor, at = writes.actor, writes.moment
    connection.execute(
        insert(_RECORD).values(
            uuid=record_uuid, version=1, updated_at=at, updated_by=actor.who, device=actor.device,
            office_id=actor.office_id, file_name=file_name[:255], sheet=sheet[:100], kind=kind, who=actor.who,
            imported_at=at, **counts,
        )
    )  # fmt: skip
    row = writes.change_row("import_record", record_uuid, "create", "", None, note)
    writes.writer.insert("change_log", CHANGE_COLUMNS, [row])
    return record_uuid


def _result(plan: ImportPlan, record_uuid: str, seconds: float) -> ImportResult:
    counts = plan.counts
    return ImportResult(
        record_uuid=record_uuid,
        inserted=len(plan.inserts),
        updated=len(plan.updates),
        unchanged=counts[RowKind.UNCHANGED],
        skipped=counts[RowKind.SKIPPED],
        invalid=counts[RowKind.INVALID],
        seconds=seconds,
        duplicates=counts[RowKind.DUPLICATE],
        awaiting_confirmation=counts[RowKind.NAME_MATCH],
        file_name=plan.file_name,
    )
