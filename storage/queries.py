"""The business list: one page of rows, and the count, for a filter and a search text.

The search index (storage.search.plan_text) says, per query, how many candidates its most selective
term has. Then the first page comes from one of three plans:
- sparse (few candidates): check just those, sort them, cut the page;
- dense: walk the (office, sort key) index in order and keep matching rows within a window of
  WALK_WINDOW rows: a one-character query matching half the office fills its page at once;
- clustered: when the matches lie further on (温州市鹿城区… names sit together, far from the
  start), sort the candidates after all. Walking on would read every row before the cluster; sorting
  reads a narrow index entry per candidate, and measured faster for every clustered set tried.
The count always starts from the candidates when there is an index, from the office otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import Connection, Select, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from storage.search import plan_text
from storage.tables import Business, Grid, Officer

Sort = Literal["name", "registered_on", "-registered_on"]
DEFAULT_SORT: Sort = "-registered_on"
"""Newest businesses first: what staff look at most (new households to visit), and the order in which
the matches of a broad term (有限公司, 鹿城区) are spread evenly, so a page fills at once. Names sort by
code point, which means nothing to a Chinese reader; the name order stays one key (F6) away."""

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
    sort: Sort = DEFAULT_SORT


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


_ROW_COLUMNS = (
    "id",
    "uuid",
    "version",
    "name",
    "uscc",
    "reg_no",
    "kind",
    "operator",
    "phone",
    "address",
    "status",
    "registered_on",
)


WALK_WINDOW = 2000  # rows read in sort order before trusting the candidates instead: ~15 ms


def page_businesses(session: Session, flt: BusinessFilter, offset: int, limit: int) -> list[BusinessRow]:
    """Rows offset .. offset+limit of the filtered, sorted list (live rows of the filter's office only)."""
    if limit <= 0:
        return []
    connection = session.connection()
    plan = plan_text(connection, flt.text)
    driven = plan.driven_condition()
    if plan.sparse and driven is not None:
        return _sorted_candidates(connection, flt, driven, offset, limit)
    row_condition = plan.row_condition()
    if row_condition is None or plan.driver is None:
        return _walk(connection, flt, row_condition, offset, limit)
    found = _walk(connection, flt, row_condition, offset, limit, window=WALK_WINDOW)
    if len(found) == limit:
        return found
    assert driven is not None
    return _sorted_candidates(connection, flt, driven, offset, limit)


def count_businesses(session: Session, flt: BusinessFilter) -> int:
    """How many live rows of the office match the filter."""
    connection = session.connection()
    condition = plan_text(connection, flt.text).driven_condition()
    conditions = filter_conditions(flt) + ([] if condition is None else [condition])
    statement = select(func.count()).select_from(_business).where(*conditions)
    return int(connection.execute(statement).scalar_one())


def _sorted_candidates(
    connection: Connection, flt: BusinessFilter, condition: ColumnElement[bool], offset: int, limit: int
) -> list[BusinessRow]:
    """Check every candidate, sort, cut; then read the page's rows."""
    keys: Any = select(_business.c.id, _business.c.name, _business.c.registered_on).where(
        *filter_conditions(flt), condition
    )
    # Materialized: no planner may walk a sort index instead (the walk is what failed, or is too long).
    keys = select(keys.cte("matched").prefix_with("MATERIALIZED"))
    page = (
        keys.order_by(*sort_order(flt.sort, keys.selected_columns)).limit(limit).offset(offset).subquery("page")
    )
    statement = _row_select(page.join(_business, _business.c.id == page.c.id)).order_by(
        *sort_order(flt.sort, page)
    )
    return _rows(connection, statement)


def _walk(
    connection: Connection,
    flt: BusinessFilter,
    condition: ColumnElement[bool] | None,
    offset: int,
    limit: int,
    *,
    window: int | None = None,
) -> list[BusinessRow]:
    """Rows in sort order; with a window, only among the first `window` rows of the office."""
    conditions = filter_conditions(flt) + ([] if condition is None else [condition])
    source: Any = _business
    if window is not None:
        source = (
            select(_business.c.id)
            .where(_business.c.office_id == flt.office_id)
            .order_by(*sort_order(flt.sort, _business))
            .limit(window)
            .subquery("window")
        )
        source = source.join(_business, _business.c.id == source.c.id)
    statement = _row_select(source).where(*conditions).order_by(*sort_order(flt.sort, _business))
    return _rows(connection, statement.limit(limit).offset(offset))


def filter_conditions(flt: BusinessFilter) -> list[ColumnElement[bool]]:
    """The filter's conditions without the search text (the list and the export share them)."""
    b = _business.c
    conditions = [b.office_id == flt.office_id, b.deleted_at.is_(None)]
    for column, value in (
        ("status", flt.status),
        ("kind", flt.kind),
        ("grid_id", flt.grid_id),
        ("officer_id", flt.officer_id),
    ):
        if value is not None:
            conditions.append(b[column] == value)
    return conditions


def sort_order(sort: Sort, source: Any) -> list[Any]:
    """ORDER BY terms of a sort over `source` (a table or a subquery), id breaking ties."""
    columns = getattr(source, "c", source)
    if sort == "name":
        return [columns.name, columns.id]
    if sort == "registered_on":
        return [columns.registered_on, columns.id]
    return [columns.registered_on.desc(), columns.id.desc()]


def _row_select(source: Any) -> Select[Any]:
    b = _business.c
    return select(
        *(b[name] for name in _ROW_COLUMNS),
        _grid.c.name.label("grid_name"),
        _officer.c.name.label("officer_name"),
        b.suspended,
        b.abnormal,
    ).select_from(
        source.outerjoin(_grid, _grid.c.id == b.grid_id).outerjoin(_officer, _officer.c.id == b.officer_id)
    )


def _rows(connection: Connection, statement: Select[Any]) -> list[BusinessRow]:
    return [_row(mapping) for mapping in connection.execute(statement).mappings()]


def _row(mapping: Any) -> BusinessRow:
    return BusinessRow(
        **{**mapping, "suspended": bool(mapping["suspended"]), "abnormal": bool(mapping["abnormal"])}
    )
