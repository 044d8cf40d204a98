"""A refresh takes off the laptop what the office no longer sends (issue 19, `workbench sync in` a newer 外业包).

A row on the laptop that the newer field package does not carry was deleted at the office, reassigned to
another officer (with its licences, visits, support…), or left the package's window (an appeal closed, a
visit over a year old). It leaves the laptop's working set as a tombstone (deleted_at, a new version, a
change-log row), never a physical delete, and its base values go: the tombstone is the office's doing, not
the laptop's, so it never travels back in a return package (workbench.services.sync_pending sends a
tombstone only against a base). A later package that carries the row again brings it back.

Nothing unsent is lost: a row with laptop work not yet sent back stays, and so do the rows it hangs from (a
new visit keeps its business; a follow-up its visit and business). Each business kept that way is listed
with one Chinese sentence saying why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlmodel import Session

from storage.audit import Actor, log_changes
from storage.tables_sync import SyncBase
from workbench.domain.sync_model import RowChange
from workbench.services.sync_rows import DATA_SPECS, PlainRow

REMOVED_NOTE = "所里新的外业包已不含这条记录（已删除、改派给其他干部或已不在外业范围）：从本机移除"
# A child row -> the column naming its parent and the parent's table; every other data row hangs from a business
# but these, which hang from nothing (an inspector, a 双随机 task).
_PARENTS = {
    "visit_follow_up": ("visit_id", "visit"), "appeal_step": ("appeal_id", "appeal"),
    "inspection_task_item": ("task_id", "inspection_task"), "inspection_draw": ("task_id", "inspection_task"),
    "inspection_pair": ("draw_id", "inspection_draw"),
}
_ROOTS = frozenset({"business", "inspector", "inspection_task"})


@dataclass(frozen=True)
class HeldBack:
    """A row the office no longer sends that stays because laptop work not yet sent back hangs on it."""

    table: str
    uuid: str
    name: str  # 市场主体「老街面馆」
    reason: str  # one Chinese sentence


@dataclass
class Retired:
    removed: dict[str, int] = field(default_factory=dict)  # table -> rows taken off the laptop
    held: list[HeldBack] = field(default_factory=list)


@dataclass(frozen=True)
class _Local:
    id: int
    uuid: str
    parent: int | None  # the parent's local id (a business, a visit, an appeal)
    name: str


def retire_missing(
    session: Session, *, office_id: int, carried: Mapping[str, Iterable[PlainRow]],
    pending: Mapping[tuple[str, str], RowChange], actor: Actor, at: datetime,
) -> Retired:
    """Tombstone the live laptop rows the package does not carry, but those unsent work needs."""
    connection = session.connection()
    local = {spec.name: _live_rows(connection, spec.name, spec.table, office_id) for spec in DATA_SPECS}
    in_package = {table: {row.uuid for row in rows} for table, rows in carried.items()}
    needed = _needed(local, pending)
    retired = Retired()
    for spec in DATA_SPECS:
        table = spec.name
        carried_here = in_package.get(table, set())
        gone = [row for row in local[table].values() if row.uuid not in carried_here]
        removed = [row for row in gone if (table, row.uuid) not in needed]
        for row in gone:
            if (table, row.uuid) in needed and (table, row.uuid) in _had_base(connection, table, row.uuid):
                retired.held.append(HeldBack(table, row.uuid, _what(spec.label, row), _reason(table, row, pending)))
        if removed:
            _tombstone(session, connection, spec.table, table, removed, actor, at)
            retired.removed[table] = len(removed)
    return retired


def _live_rows(connection: Connection, table_name: str, table: Any, office_id: int) -> dict[int, _Local]:
    parent_column = _PARENTS.get(table_name, ("business_id", ""))[0] if table_name not in _ROOTS else None
    name_column = next((table.c[name] for name in ("name", "visited_on", "given_on", "received_on", "kind", "year",
                                                   "inspected_on", "drawn_at", "position")
                        if name in table.c), table.c.uuid)
    columns = [table.c.id, table.c.uuid, table.c[parent_column] if parent_column else table.c.id, name_column]
    rows = connection.execute(select(*columns).where(table.c.office_id == office_id, table.c.deleted_at.is_(None)))
    return {row_id: _Local(row_id, uuid, parent if parent_column else None, str(name or "")[:40])
            for row_id, uuid, parent, name in rows}


def _needed(local: Mapping[str, Mapping[int, _Local]], pending: Mapping[tuple[str, str], RowChange]
            ) -> set[tuple[str, str]]:
    """The rows with unsent work, and every row above them (visit above follow-up, business above both)."""
    by_uuid = {(table, row.uuid): row for table, rows in local.items() for row in rows.values()}
    needed: set[tuple[str, str]] = set()
    for key in pending:
        table, uuid = key
        needed.add(key)
        row = by_uuid.get(key)
        while row is not None and table not in _ROOTS:
            parent_table = _PARENTS.get(table, ("", "business"))[1]
            parent = local.get(parent_table, {}).get(row.parent) if row.parent is not None else None
            if parent is None:
                break
            needed.add((parent_table, parent.uuid))
            table, row = parent_table, parent
    return needed


def _had_base(connection: Connection, table: str, uuid: str) -> set[tuple[str, str]]:
    """{(table, uuid)} when the row came from a field package (a row made on the laptop was never the
    office's to take away: it is simply new work, not a kept one)."""
    base = SyncBase.__table__  # type: ignore[attr-defined]
    found = connection.execute(select(base.c.uuid).where(base.c.table_name == table, base.c.uuid == uuid)).first()
    return {(table, uuid)} if found is not None else set()


def _reason(table: str, row: _Local, pending: Mapping[tuple[str, str], RowChange]) -> str:
    own = pending.get((table, row.uuid))
    if own is not None:
        return ("所里新的外业包已不含它（已删除或改派给其他干部），但本机对它的修改还没有被所里收到，暂时保留："
                "请用 workbench sync back 生成回传包交回所里")
    return ("所里新的外业包已不含它（已删除或改派给其他干部），但本机在它名下新记的内容还没有被所里收到，暂时保留："
            "请用 workbench sync back 生成回传包交回所里")


def _what(label: str, row: _Local) -> str:
    return f"{label}「{row.name or row.uuid[:8]}」"


def _tombstone(session: Session, connection: Connection, table: Any, table_name: str, rows: list[_Local],
               actor: Actor, at: datetime) -> None:
    ids = [row.id for row in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        connection.execute(update(table).where(table.c.id.in_(chunk)).values(
            deleted_at=at, version=table.c.version + 1, updated_at=at, updated_by=actor.who, device=actor.device))
    base = SyncBase.__table__  # type: ignore[attr-defined]
    uuids = [row.uuid for row in rows]
    for start in range(0, len(uuids), 500):
        connection.execute(delete(base).where(base.c.table_name == table_name, base.c.uuid.in_(uuids[start:start + 500])))
    for row in rows:
        log_changes(session, actor, table_name, row.uuid, "delete", {"": (None, REMOVED_NOTE)}, at)
