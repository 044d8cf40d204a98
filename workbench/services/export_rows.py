"""The rows an export writes: exactly what the list shows for a filter and search text, streamed.

The conditions are the list's own (storage.queries), so "export what I see" cannot drift from the
screen: the same office, live rows only, the same filters, the same search index plan, the same order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

# The list's private builders are reused on purpose: a second copy of the filter would drift.
from storage.queries import BusinessFilter, count_businesses, filter_conditions, sort_order
from storage.search import plan_text
from storage.tables import Business, Grid, Officer
from workbench.domain.labels import kind_label, status_label
from workbench.domain.list_filters import SIZE_LABELS, TIER_LABELS

__all__ = ["BusinessFilter", "ExportRow", "count_rows", "describe_filter", "export_rows"]

FETCH_ROWS = 2000  # rows per round trip: a 100,000-row export never holds more than this in memory

_business: Any = Business.__table__  # type: ignore[attr-defined]
_grid: Any = Grid.__table__  # type: ignore[attr-defined]
_officer: Any = Officer.__table__  # type: ignore[attr-defined]

@dataclass(frozen=True, slots=True)
class ExportRow:
    """One business as an export needs it: stored values plus its grid's and officer's names."""

    name: str
    uscc: str | None
    reg_no: str | None
    kind: str
    composition: str | None
    operator: str
    id_number: str | None
    phone: str
    address: str
    registered_on: date | None
    status: str
    suspended: bool
    industry_code: str | None
    industry_code_version: str
    capital: int | None
    employees: int | None
    grid: str | None
    officer: str | None


# The stored columns the export reads, in ExportRow's order (its last two are the grid's and officer's names).
EXPORTED_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(ExportRow))[:-2]
_SUSPENDED = EXPORTED_FIELDS.index("suspended")


def _statement(session: Session, flt: BusinessFilter) -> Any:
    connection = session.connection()
    condition = plan_text(connection, flt.text).driven_condition()
    b = _business.c
    source = _business.outerjoin(_grid, _grid.c.id == b.grid_id).outerjoin(
        _officer, _officer.c.id == b.officer_id
    )
    conditions = filter_conditions(flt) + ([] if condition is None else [condition])
    return (
        select(
            *(b[name] for name in EXPORTED_FIELDS),
            _grid.c.name.label("grid"),
            _officer.c.name.label("officer"),
        )
        .select_from(source)
        .where(*conditions)
    )


def export_rows(*, session: Session, flt: BusinessFilter) -> Iterator[ExportRow]:
    """Every live business of the filter's office that matches, in the list's order, a chunk at a time."""
    statement = _statement(session, flt).order_by(*sort_order(flt.sort, _business))
    # On this statement only: Connection.execution_options would switch the session's later writes to
    # a server-side cursor as well (PostgreSQL then refuses the change log INSERT).
    result = session.connection().execute(statement.execution_options(yield_per=FETCH_ROWS))
    for values in result:
        cells = list(values)
        cells[_SUSPENDED] = bool(cells[_SUSPENDED])  # SQLite gives 0 / 1
        yield ExportRow(*cells)


def count_rows(*, session: Session, flt: BusinessFilter) -> int:
    """How many rows export_rows will yield (the progress bar's total): the list's own count."""
    return count_businesses(session, flt)


def describe_filter(*, session: Session, flt: BusinessFilter) -> str:
    """The filter in the words of the list screen, e.g. 搜索「面馆」；登记状态：存续；网格：城东片区."""
    parts: list[str] = []
    if flt.text.strip():
        parts.append(f"搜索「{flt.text.strip()}」")
    if flt.status is not None:
        parts.append(f"登记状态：{status_label(flt.status)}")
    if flt.kind is not None:
        parts.append(f"主体类型：{kind_label(flt.kind)}")
    if flt.tier is not None:
        parts.append(f"三型：{TIER_LABELS.get(flt.tier, flt.tier)}")
    if flt.size_class is not None:
        parts.append(f"规模：{SIZE_LABELS.get(flt.size_class, flt.size_class)}")
    if flt.unassigned:
        parts.append("包联干部：未分派")
    for model, row_id, what in ((Grid, flt.grid_id, "网格"), (Officer, flt.officer_id, "包联干部")):
        if row_id is not None:
            row: Any = session.get(model, row_id)
            name = row.name if row is not None and row.office_id == flt.office_id else f"编号 {row_id}"
            parts.append(f"{what}：{name}")
    return "；".join(parts) or "全部市场主体"
