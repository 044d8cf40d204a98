"""The business list: one page of rows, and the count, for a filter and a search text.

Two plans, chosen per query from what the search index says (storage.search.plan_text):
- few candidates (at most SPARSE_LIMIT): fetch just those rows, sort them, cut the page;
- many: walk the (office, sort key) index in order and keep matching rows until the page is full,
  so a one-character query that matches half the office still shows its first page at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import Select, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from storage.search import TextPlan, backend_for, plan_text
from storage.tables import Business, Grid, Officer

Sort = Literal["name", "registered_on", "-registered_on"]

_business: Any = Business.__table__  # type: ignore[attr-defined]
_grid: Any = Grid.__table__  # type: ignore[attr-defined]
_officer: Any = Officer.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class BusinessFilter:
    """What the list shows: one office, optional search text and filters ("mine" = officer_id), a sort."""

    office_id: int
    text: str = ""
    status: str | None = None
    kind: str | None = None
    grid_id: int | None = None
    officer_id: int | None = None
    sort: Sort = "name"


@dataclass(frozen=True)
class BusinessRow:
    """One line of the list."""

    id: int
    uuid: str
    version: int
    name: str
    uscc: str | None
    reg_no: str | None
    kind: str
    operator: str
    phone: str
    address: str
    status: str
    registered_on: date | None
    grid_name: str | None
    officer_name: str | None
    suspended: bool
    abnormal: bool


_ROW_COLUMNS = ("id", "uuid", "version", "name", "uscc", "reg_no", "kind", "operator", "phone", "address",
                "status", "registered_on")


def page_businesses(session: Session, flt: BusinessFilter, offset: int, limit: int) -> list[BusinessRow]:
    """Rows offset .. offset+limit of the filtered, sorted list (live rows of the filter's office only)."""
    if limit <= 0:
        return []
    connection = session.connection()
    plan = plan_text(connection, flt.text)
    conditions = _conditions(flt, plan)
    if plan.candidates is None:
        keys: Any = _business
        source: Any = _business
    else:
        matched = (select(_business.c.id, _business.c.name, _business.c.registered_on)
                   .where(backend_for(connection).ids_condition(plan.candidates), *conditions)
                   .cte("matched").prefix_with("MATERIALIZED"))
        keys = (select(matched).order_by(*_order(flt.sort, matched)).limit(limit).offset(offset)
                .subquery("page"))
        source = keys.join(_business, _business.c.id == keys.c.id)
        conditions, offset = [], 0
    statement = (_row_select(source).where(*conditions).order_by(*_order(flt.sort, keys))
                 .limit(limit).offset(offset))
    return [_row(mapping) for mapping in connection.execute(statement).mappings()]


def count_businesses(session: Session, flt: BusinessFilter) -> int:
    """How many live rows of the office match the filter."""
    connection = session.connection()
    plan = plan_text(connection, flt.text)
    conditions = _conditions(flt, plan)
    if plan.candidates is not None:
        conditions.append(backend_for(connection).ids_condition(plan.candidates))
    statement = select(func.count()).select_from(_business).where(*conditions)
    return int(connection.execute(statement).scalar_one())


def _conditions(flt: BusinessFilter, plan: TextPlan) -> list[ColumnElement[bool]]:
    b = _business.c
    conditions = [b.office_id == flt.office_id, b.deleted_at.is_(None)]
    for column, value in (("status", flt.status), ("kind", flt.kind), ("grid_id", flt.grid_id),
                          ("officer_id", flt.officer_id)):
        if value is not None:
            conditions.append(b[column] == value)
    if plan.condition is not None:
        conditions.append(plan.condition)
    return conditions


def _order(sort: Sort, source: Any) -> list[Any]:
    if sort == "name":
        return [source.c.name, source.c.id]
    if sort == "registered_on":
        return [source.c.registered_on, source.c.id]
    return [source.c.registered_on.desc(), source.c.id.desc()]


def _row_select(source: Any) -> Select[Any]:
    b = _business.c
    return (
        select(*(b[name] for name in _ROW_COLUMNS), _grid.c.name.label("grid_name"),
               _officer.c.name.label("officer_name"), b.suspended, b.abnormal)
        .select_from(source.outerjoin(_grid, _grid.c.id == b.grid_id).outerjoin(_officer, _officer.c.id == b.officer_id))
    )


def _row(mapping: Any) -> BusinessRow:
    return BusinessRow(**{**mapping, "suspended": bool(mapping["suspended"]), "abnormal": bool(mapping["abnormal"])})
