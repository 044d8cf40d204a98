"""The writes of a 经营数据 commit: new years in bulk, changed years guarded by version, each change-logged.

A new year_figures row is one 'create' change-log row naming the file and row (as a new business of a
registration list is); a changed year is one change-log row per changed field, like an edit by hand.
Before writing, the years the plan takes as new are looked up again: one added meanwhile (by hand, or by
another import) is a conflict and nothing is written.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from sqlalchemy import bindparam, update

from imports.commit_writes import Writes
from imports.errors import ImportConflict
from imports.figures_plan import FIGURE_FIELDS, ChangedFigure, FigureWrites
from imports.list_plan import ListPlan
from imports.period_writes import write_periods
from storage.audit import as_log_text
from storage.tables import YearFigures
from workbench.services.bulk_write import sql_literal
from workbench.services.classification_decide import uuid7_batch

TABLE: Any = YearFigures.__table__  # type: ignore[attr-defined]
COLUMNS = ("uuid", "business_id", "year", *FIGURE_FIELDS)  # what differs from row to row; the rest: _shared
_IN = 500
WINDOW = 256  # changed years written together, statement by statement (see _apply_changes)


def write_figures(writes: Writes, plan: ListPlan) -> tuple[dict[str, int], set[int]]:
    """Write the plan's years; ({what: how many}, the businesses touched)."""
    figures: FigureWrites = plan.writes
    _check_new_years(writes, figures)
    source = plan.file_name[:255]
    actor, total = writes.actor, len(figures.new) + len(figures.changed)
    stamp = (("version", 1), ("updated_at", writes.at), ("updated_by", actor.who), ("device", actor.device),
             ("office_id", actor.office_id), ("source", source))  # fmt: skip
    created = writes.log_stamp("year_figures", "create") + (("field", ""), ("old", None))
    new = sorted(figures.new, key=attrgetter("business_id", "year"))  # the (business, year) index page by page
    head = f"导入自「{plan.file_name}」第 "
    for start in range(0, len(new), writes.batch):
        writes.stop()
        batch = new[start : start + writes.batch]
        rows, changes = [], []
        for item, uuid in zip(batch, uuid7_batch(len(batch)), strict=True):  # time-ordered: appended to indexes
            rows.append((uuid, item.business_id, item.year, *map(item.values.get, FIGURE_FIELDS)))
            changes.append((uuid, f"{head}{item.row_number} 行：{item.year}年"))
        writes.writer.insert_shared("year_figures", COLUMNS, rows, stamp)
        writes.writer.insert_shared("change_log", ("entity_uuid", "new"), changes, created)
        writes.report(start + len(batch), total, "写入年度经营数据")
    _apply_changes(writes, figures.changed, source, len(figures.new), total)
    write_periods(writes, figures, plan.file_name)
    written = {"新增年度数据": len(figures.new), "更新年度数据": len(figures.changed)}
    if figures.new_periods or figures.changed_periods:
        written |= {"新增分期数据": len(figures.new_periods), "更新分期数据": len(figures.changed_periods)}
    return written, figures.touched


def _check_new_years(writes: Writes, figures: FigureWrites) -> None:
    wanted = {(item.business_id, item.year) for item in figures.new}
    if not wanted:
        return
    mark = "?" if writes.sqlite else "%s"
    ids = sorted({business_id for business_id, _year in wanted})
    taken = []
    cursor = writes.writer.raw.cursor()  # the driver's cursor, plain tuples (SQLAlchemy's IN cost more than the query)
    try:
        for start in range(0, len(ids), _IN):
            part = ids[start : start + _IN]
            cursor.execute(f"SELECT business_id, year FROM year_figures WHERE business_id IN ({', '.join([mark] * len(part))})",
                           part)  # fmt: skip
            taken += [f"{year}年（市场主体编号 {business_id}）" for business_id, year in cursor.fetchall()
                      if (business_id, year) in wanted]  # fmt: skip
    finally:
        cursor.close()
    if taken:
        raise ImportConflict([f"预览之后已有人录入了 {item} 的经营数据" for item in taken])


def _apply_changes(writes: Writes, changed: list[ChangedFigure], source: str, done: int, total: int) -> None:
    """Changed years in id order (the table's pages in turn), guarded by version; then their change-log rows
    in the order of the years' uuids. A statement per set of changed fields: on SQLite each WINDOW of years
    in id order is written statement by statement before the next window, so a page is changed while it
    is in the page cache and reaches the WAL once (a page written again after it went to the WAL makes
    SQLite re-read and re-checksum the WAL from there at the commit); the values every row shares are
    literals (BulkWriter.insert_shared). PostgreSQL: a statement per set of fields and batch."""
    ordered = sorted(changed, key=attrgetter("figure_id"))
    statements = _UpdateStatements(writes, source)
    window = WINDOW if writes.sqlite else writes.batch
    for start in range(0, len(ordered), writes.batch):
        writes.stop()
        batch = ordered[start : start + writes.batch]
        for first in range(0, len(batch), window):
            groups: dict[tuple[tuple[str, ...], bool], list[ChangedFigure]] = {}
            for item in batch[first : first + window]:  # a diff's fields are in FIGURE_FIELDS' order
                groups.setdefault((tuple(item.diff), item.revived), []).append(item)
            for (fields, revived), members in groups.items():
                if statements.run(fields, revived, members) != len(members):
                    raise ImportConflict(["预览之后有年度经营数据被他人修改（写入时版本已变化）"])
        done += len(batch)
        writes.report(done, total, "更新年度经营数据")
    _log_changes(writes, changed)


class _UpdateStatements:
    """The guarded UPDATE of a set of changed fields (made once per set); run() gives the rows it updated
    (-1 where the driver cannot tell, which counts as all)."""

    def __init__(self, writes: Writes, source: str) -> None:
        self.writes = writes
        actor = writes.actor
        self.source = source
        self.shared = {"updated_at": writes.at, "updated_by": actor.who, "device": actor.device, "source": source}
        self.literals = {name: sql_literal(value) for name, value in self.shared.items()}
        self.tail = tuple(value for name, value in self.shared.items() if self.literals[name] is None)
        self.sane = writes.sqlite or writes.connection.dialect.supports_sane_multi_rowcount
        self.made: dict[tuple[tuple[str, ...], bool], Any] = {}

    def run(self, fields: tuple[str, ...], revived: bool, members: list[ChangedFigure]) -> int:
        statement = self.made.get((fields, revived))
        if statement is None:
            statement = self.made[(fields, revived)] = self._make(fields, revived)
        writes, tail = self.writes, self.tail
        if writes.sqlite:  # the driver's executemany with tuples: SQLAlchemy's binding is most of the cost
            rows = [(*[new for _old, new in item.diff.values()], *tail, item.figure_id, item.base_version)
                    for item in members]  # fmt: skip
            updated = int(writes.writer.raw.executemany(statement, rows).rowcount)
        else:
            params = [{**{f"v_{name}": new for name, (_old, new) in item.diff.items()}, "b_id": item.figure_id,
                       "b_base": item.base_version, "b_new": item.base_version + 1} for item in members]
            updated = int(writes.connection.execute(statement, params).rowcount)  # type: ignore[attr-defined]
        return updated if self.sane else len(members)

    def _make(self, fields: tuple[str, ...], revived: bool) -> Any:
        if self.writes.sqlite:
            sets = [f"{name} = ?" for name in fields] + ["version = version + 1"]
            sets += [f"{name} = {'?' if literal is None else literal}" for name, literal in self.literals.items()]
            return (f"UPDATE year_figures SET {', '.join(sets)}{', deleted_at = NULL' if revived else ''} "
                    "WHERE id = ? AND version = ?")  # fmt: skip
        actor = self.writes.actor
        values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in fields}
        values |= {"version": bindparam("b_new"), "updated_at": self.writes.moment, "updated_by": actor.who,
                   "device": actor.device, "source": self.source}
        if revived:
            values["deleted_at"] = None
        return update(TABLE).where(TABLE.c.id == bindparam("b_id"), TABLE.c.version == bindparam("b_base")).values(values)


def _log_changes(writes: Writes, changed: list[ChangedFigure]) -> None:
    """One change-log row per changed field of each changed year (and one for a year brought back), the years
    taken in the order of their uuids: the change log's (entity_uuid, id) index then takes its ~700,000
    entries a 300,000-row list makes page after page, not each on a page of its own (half the insert's
    CPU at 1,000,000 businesses; docs/benchmarks.md, session 12). A year's rows stay together, in the
    order of its fields. Each row holds only (entity_uuid, field, old, new): the rest is Writes.log_stamp."""
    log = as_log_text
    shared = writes.log_stamp("year_figures", "update")
    ordered = sorted(changed, key=attrgetter("uuid"))
    for start in range(0, len(ordered), writes.batch):
        writes.stop()
        batch = ordered[start : start + writes.batch]
        changes = [(item.uuid, name,  # amounts and headcounts: int or None
                    None if old is None else str(old) if old.__class__ is int else log(old),
                    str(new) if new.__class__ is int else log(new))
                   for item in batch for name, (old, new) in item.diff.items()]  # fmt: skip
        if any(item.revived for item in batch):  # a year brought back: its "deleted_at" row after its fields
            changes = _with_revivals(batch, changes)
        writes.writer.insert_shared("change_log", ("entity_uuid", "field", "old", "new"), changes, shared)
        writes.report(start + len(batch), len(ordered), "写入年度经营数据的变更记录")


def _with_revivals(batch: list[ChangedFigure], changes: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    at = 0
    for item in batch:
        rows += changes[at : at + len(item.diff)]
        at += len(item.diff)
        if item.revived:
            rows.append((item.uuid, "deleted_at", "已删除", None))
    return rows
