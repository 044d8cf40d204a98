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

from imports.commit_writes import CHANGE_COLUMNS, Writes
from imports.errors import ImportConflict
from imports.figures_plan import FIGURE_FIELDS, ChangedFigure, FigureWrites
from imports.list_plan import ListPlan
from imports.period_writes import write_periods
from storage.audit import as_log_text
from storage.tables import YearFigures
from workbench.services.classification_decide import uuid7_batch

TABLE: Any = YearFigures.__table__  # type: ignore[attr-defined]
COLUMNS = ("uuid", "version", "updated_at", "updated_by", "device", "office_id", "business_id", "year",
           *FIGURE_FIELDS, "source")
_IN = 500


def write_figures(writes: Writes, plan: ListPlan) -> tuple[dict[str, int], set[int]]:
    """Write the plan's years; ({what: how many}, the businesses touched)."""
    figures: FigureWrites = plan.writes
    _check_new_years(writes, figures)
    source = plan.file_name[:255]
    actor, total = writes.actor, len(figures.new) + len(figures.changed)
    stamp = (1, writes.at, actor.who, actor.device, actor.office_id)
    logged = (actor.who, writes.at, actor.device)
    new = sorted(figures.new, key=attrgetter("business_id", "year"))  # the (business, year) index page by page
    for start in range(0, len(new), writes.batch):
        writes.stop()
        batch = new[start : start + writes.batch]
        rows, changes = [], []
        for item, uuid in zip(batch, uuid7_batch(len(batch)), strict=True):  # time-ordered: appended to indexes
            rows.append((uuid, *stamp, item.business_id, item.year, *map(item.values.get, FIGURE_FIELDS), source))
            # writes.change_row's tuple, made inline
            changes.append((actor.office_id, "year_figures", uuid, "create", "", None,
                            f"导入自「{plan.file_name}」第 {item.row_number} 行：{item.year}年", *logged))
        writes.writer.insert("year_figures", COLUMNS, rows)
        writes.writer.insert("change_log", CHANGE_COLUMNS, changes)
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
    """Changed years grouped by the fields they change: one executemany per group in id order (the table's
    pages in turn), guarded by version; then their change-log rows in the order of the years' uuids."""
    groups: dict[tuple[tuple[str, ...], bool], list[ChangedFigure]] = {}
    for item in sorted(changed, key=attrgetter("figure_id")):  # a diff's fields are in FIGURE_FIELDS' order
        groups.setdefault((tuple(item.diff), item.revived), []).append(item)
    sane = writes.connection.dialect.supports_sane_multi_rowcount
    for (fields, revived), members in groups.items():
        values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in fields}
        values |= {"version": bindparam("b_new"), "updated_at": writes.moment, "updated_by": writes.actor.who,
                   "device": writes.actor.device, "source": source}
        if revived:
            values["deleted_at"] = None
        statement = update(TABLE).where(TABLE.c.id == bindparam("b_id"), TABLE.c.version == bindparam("b_base")).values(values)
        stamp = [writes.at, writes.actor.who, writes.actor.device, source]
        raw_sql = (f"UPDATE year_figures SET {''.join(f'{name} = ?, ' for name in fields)}version = ?, "
                   "updated_at = ?, updated_by = ?, device = ?, source = ?"
                   f"{', deleted_at = NULL' if revived else ''} WHERE id = ? AND version = ?")
        for start in range(0, len(members), writes.batch):
            writes.stop()
            batch = members[start : start + writes.batch]
            if writes.sqlite:  # the driver's executemany with tuples: SQLAlchemy's binding is most of the cost
                rows = [(*[new for _old, new in item.diff.values()], item.base_version + 1, *stamp, item.figure_id,
                         item.base_version) for item in batch]
                updated = writes.writer.raw.executemany(raw_sql, rows).rowcount
            else:
                params = [{**{f"v_{name}": new for name, (_old, new) in item.diff.items()}, "b_id": item.figure_id,
                           "b_base": item.base_version, "b_new": item.base_version + 1} for item in batch]
                updated = writes.connection.execute(statement, params).rowcount  # type: ignore[attr-defined]
            if (writes.sqlite or sane) and updated != len(batch):
                raise ImportConflict(["预览之后有年度经营数据被他人修改（写入时版本已变化）"])
            done += len(batch)
            writes.report(done, total, "更新年度经营数据")
    _log_changes(writes, changed)


def _log_changes(writes: Writes, changed: list[ChangedFigure]) -> None:
    """One change-log row per changed field of each changed year (and one for a year brought back), the years
    taken in the order of their uuids: the change log's (entity_uuid, id) index then takes its ~700,000
    entries a 300,000-row list makes page after page, not each on a page of its own (half the insert's
    CPU at 1,000,000 businesses; docs/benchmarks.md, session 12). A year's rows stay together, in the
    order of its fields."""
    office_id, who, at, device, log = writes.actor.office_id, writes.actor.who, writes.at, writes.actor.device, as_log_text
    ordered = sorted(changed, key=attrgetter("uuid"))
    for start in range(0, len(ordered), writes.batch):
        writes.stop()
        batch = ordered[start : start + writes.batch]
        # writes.change_row's tuple, made inline (~715,000 rows a 300,000-row list)
        changes = []
        for item in batch:
            uuid = item.uuid
            changes += [(office_id, "year_figures", uuid, "update", name,  # amounts and headcounts: int or None
                         None if old is None else str(old) if old.__class__ is int else log(old),
                         str(new) if new.__class__ is int else log(new), who, at, device)
                        for name, (old, new) in item.diff.items()]
            if item.revived:
                changes.append(writes.change_row("year_figures", item.uuid, "update", "deleted_at", "已删除", None))
        writes.writer.insert("change_log", CHANGE_COLUMNS, changes)
        writes.report(start + len(batch), len(ordered), "写入年度经营数据的变更记录")
