"""The writes of a 经营数据 list's quarters and months (period_figures, imports.period_merge): new periods with a
'create' change-log row naming the file and row; changed, brought-back and retired periods guarded by version
and logged per field (a retired one as its tombstone, like a deleted year). A period added or changed
meanwhile by another import is a conflict, and nothing is written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from imports.code_lookup import IN_LIMIT
from imports.commit_writes import CHANGE_COLUMNS, Writes
from imports.errors import ImportConflict
from imports.period_merge import FIGURE_FIELDS, NewPeriod, StoredPeriod
from storage.audit import as_log_text
from storage.tables import PeriodFigures
from workbench.domain.figure_periods import Period
from workbench.services.classification_decide import uuid7_batch

ENTITY = "period_figures"
TABLE: Any = PeriodFigures.__table__  # type: ignore[attr-defined]
COLUMNS = ("uuid", "version", "updated_at", "updated_by", "device", "office_id", "business_id", "year",
           "first_month", "last_month", *FIGURE_FIELDS, "source")  # fmt: skip

if TYPE_CHECKING:
    from imports.figures_plan import FigureWrites


def write_periods(writes: Writes, figures: FigureWrites, file_name: str) -> None:
    """Write a list's new, changed and retired periods, each change-logged, in the caller's transaction."""
    new, changed, source = figures.new_periods, figures.changed_periods, file_name[:255]
    _retire(writes, figures.retired_periods, source)
    _check_new_periods(writes, new)
    actor = writes.actor
    stamp = (1, writes.at, actor.who, actor.device, actor.office_id)
    for start in range(0, len(new), writes.batch):
        writes.stop()
        batch = new[start : start + writes.batch]
        rows, changes = [], []
        for item, uuid in zip(batch, uuid7_batch(len(batch)), strict=True):
            rows.append((uuid, *stamp, item.business_id, item.year, item.first_month, item.last_month, *item.values,
                         source))  # fmt: skip
            label = Period(item.year, item.first_month, item.last_month).label
            changes.append(writes.change_row(ENTITY, uuid, "create", "", None,
                                             f"导入自「{file_name}」第 {item.row_number} 行：{label}"))  # fmt: skip
        writes.writer.insert(ENTITY, COLUMNS, rows)
        writes.writer.insert("change_log", CHANGE_COLUMNS, changes)
    for change in changed:
        writes.stop()
        values: dict[str, Any] = {name: new_value for name, (_old, new_value) in change.diff.items()}
        values |= {"version": change.base_version + 1, "updated_at": writes.moment, "updated_by": actor.who,
                   "device": actor.device, "source": source}  # fmt: skip
        if change.revived:
            values["deleted_at"] = None
        statement = update(TABLE).where(TABLE.c.id == change.period_id, TABLE.c.version == change.base_version)
        if writes.connection.execute(statement.values(values)).rowcount != 1:
            raise ImportConflict(["预览之后有分期经营数据被他人修改（写入时版本已变化）"])
        logged = [writes.change_row(ENTITY, change.uuid, "update", name, _logged(old), _logged(new_value))
                  for name, (old, new_value) in change.diff.items()]  # fmt: skip
        if change.revived:
            logged.append(writes.change_row(ENTITY, change.uuid, "update", "deleted_at", "已删除", None))
        writes.writer.insert("change_log", CHANGE_COLUMNS, logged)


def _retire(writes: Writes, retired: list[StoredPeriod], source: str) -> None:
    """Shorter periods a longer one of the list replaces (本年累计): tombstoned, guarded by version, logged."""
    actor = writes.actor
    for item in retired:
        writes.stop()
        statement = update(TABLE).where(TABLE.c.id == item.id, TABLE.c.version == item.version).values(
            deleted_at=writes.moment, version=item.version + 1, updated_at=writes.moment, updated_by=actor.who,
            device=actor.device, source=source)  # fmt: skip
        if writes.connection.execute(statement).rowcount != 1:
            raise ImportConflict(["预览之后有分期经营数据被他人修改（写入时版本已变化）"])
        writes.writer.insert("change_log", CHANGE_COLUMNS, [
            writes.change_row(ENTITY, item.uuid, "update", "deleted_at", None, f"已删除（被「{source}」的更长期间替换）")])


def _logged(value: Any) -> str | None:
    return None if value is None else as_log_text(value)


def _check_new_periods(writes: Writes, new: list[NewPeriod]) -> None:
    wanted = {(item.business_id, item.year, item.first_month, item.last_month) for item in new}
    if not wanted:
        return
    ids = sorted({item.business_id for item in new})
    taken: list[str] = []
    for start in range(0, len(ids), IN_LIMIT):
        part = ids[start : start + IN_LIMIT]
        rows = writes.connection.execute(
            TABLE.select().with_only_columns(TABLE.c.business_id, TABLE.c.year, TABLE.c.first_month,
                                             TABLE.c.last_month).where(TABLE.c.business_id.in_(part))
        )  # fmt: skip
        taken += [f"{Period(year, first, last).label}（市场主体编号 {business_id}）"
                  for business_id, year, first, last in rows if (business_id, year, first, last) in wanted]  # fmt: skip
    if taken:
        raise ImportConflict([f"预览之后已有人导入了 {item} 的分期经营数据" for item in taken])
