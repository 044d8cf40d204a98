"""Before a commit writes: has anything the dry run relied on changed since? One sentence per row if so."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, bindparam, select

from imports.matching import register_is_empty
from imports.pending import getter
from imports.plan import ImportPlan
from storage.tables import Business

_TABLE: Any = Business.__table__  # type: ignore[attr-defined]
_IN_LIMIT = 500
_CODES = getter("uscc", "reg_no")


def find_conflicts(connection: Connection, plan: ImportPlan) -> list[str]:
    """Updates whose business moved on (edited, deleted) and new rows whose code was taken meanwhile.

    On PostgreSQL the businesses to update are locked (FOR UPDATE) until the commit ends, so the check
    holds while the commit writes; on SQLite the commit already holds the write lock (BEGIN IMMEDIATE).
    """
    return [*_moved_on(connection, plan), *_codes_taken(connection, plan)]


def _moved_on(connection: Connection, plan: ImportPlan) -> Iterator[str]:
    by_id = {pending.business_id: pending for pending in plan.updates}
    query = select(_TABLE.c.id, _TABLE.c.version, _TABLE.c.updated_by, _TABLE.c.deleted_at).where(
        _TABLE.c.id.in_(bindparam("ids", expanding=True)), _TABLE.c.office_id == plan.office_id
    )
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    current: dict[int, Any] = {}
    for part in _parts(sorted(by_id)):
        current.update((row.id, row) for row in connection.execute(query, {"ids": part}))
    for business_id, pending in by_id.items():
        row = current.get(business_id)
        where = f"第 {pending.row_number} 行「{pending.name}」"
        if row is None or row.deleted_at is not None:
            yield f"{where}在预览之后被删除"
        elif row.version != pending.base_version:
            who = row.updated_by or "其他终端"
            yield f"{where}在预览之后被{who}修改（预览时版本 {pending.base_version}，现在版本 {row.version}）"


def _codes_taken(connection: Connection, plan: ImportPlan) -> Iterator[str]:
    """A new row's credit code now live anywhere, or its 注册号 now in this office (none in an empty register)."""
    if register_is_empty(connection):
        return
    rows_by_uscc: dict[str, int] = {}
    rows_by_reg_no: dict[str, int] = {}
    for pending in plan.inserts:
        uscc, reg_no = _CODES(pending.values)
        if uscc is not None:
            rows_by_uscc[uscc] = pending.row_number
        elif reg_no is not None:
            rows_by_reg_no[reg_no] = pending.row_number
    for column, rows, office_only, label in (
        (_TABLE.c.uscc, rows_by_uscc, False, "统一社会信用代码"),
        (_TABLE.c.reg_no, rows_by_reg_no, True, "注册号"),
    ):
        query = select(column).where(
            column.in_(bindparam("keys", expanding=True)), _TABLE.c.deleted_at.is_(None)
        )
        if office_only:
            query = query.where(_TABLE.c.office_id == plan.office_id)
        for part in _parts(sorted(rows)):
            for (code,) in connection.execute(query, {"keys": part}):
                yield f"第 {rows[code]} 行的{label} {code} 在预览之后已被登记"


def _parts(keys: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(keys), _IN_LIMIT):
        yield keys[start : start + _IN_LIMIT]
