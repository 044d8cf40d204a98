"""The business list's filter (office, status, kind, grid, officer, 三型, 规模, 未分派, sort) and its SQL
conditions, shared by the list's pages and count (storage.queries), the export, reassignment and the 双随机
population."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, exists, func, select
from sqlalchemy.sql.elements import ColumnElement

from storage.tables import Business
from storage.tables_classification import ClassificationResult

PROBE_CANDIDATES = 7000  # up to this many candidates are sorted at once (~25 ms at most)

Sort = Literal["name", "registered_on", "-registered_on"]
DEFAULT_SORT: Sort = "-registered_on"
"""Newest businesses first: what staff look at most (new households to visit), and the order in which
the matches of a broad term (有限公司, 鹿城区) are spread evenly, so a page fills at once. Names sort by
code point, which means nothing to a Chinese reader; the name order stays one key (F6) away."""

_business: Any = Business.__table__  # type: ignore[attr-defined]
_result: Any = ClassificationResult.__table__  # type: ignore[attr-defined]


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
    tier: str | None = None  # 三型 as staff see it: a manual 认定 (override_tier) over the computed tier
    size_class: str | None = None  # 规模: large / medium / small / micro
    unassigned: bool = False  # 未分派: no 包联干部


def filter_conditions(flt: BusinessFilter, *, walking: bool = False) -> list[ColumnElement[bool]]:
    """The filter's conditions without the search text (the list and the export share them); `walking`:
    for a page walking the sort order over a common 三型 / 规模 (common_class)."""
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
    if flt.unassigned:
        conditions.append(b.officer_id.is_(None))
    if flt.tier is not None or flt.size_class is not None:
        conditions.append(_classified(flt, walking=walking))
    return conditions


def _classified(flt: BusinessFilter, *, walking: bool) -> ColumnElement[bool]:
    """The businesses whose classification result is of the tier / size class asked for.

    The tier is the one staff see: a manual 认定 over the computed tier. Two forms of the same condition
    (migration 0013 indexes both lookups):
    - an IN list read from the result table's own indexes (office + effective tier, office + size class):
      for counting, and for a page of a rare class (小型 is 0.1 % of households: its rows are sorted);
    - `walking` (a common class, see common_class): EXISTS on the business's one result, checked while the
      page walks the sort index, which fills at once. Sorting 180,000 成长型 rows would take a second.
    """
    r = _result.c
    wanted = []
    if flt.tier is not None:
        wanted.append(func.coalesce(r.override_tier, r.tier) == flt.tier)
    if flt.size_class is not None:
        wanted.append(r.size_class == flt.size_class)
    if walking:
        return exists().where(r.business_id == _business.c.id, *wanted)
    return _business.c.id.in_(select(r.business_id).where(r.office_id == flt.office_id, *wanted))


def common_class(connection: Connection, flt: BusinessFilter) -> bool:
    """Whether the filter's tier / size class holds more than PROBE_CANDIDATES businesses (read from the
    index, at most that many + 1): then a page walks the sort order rather than sort them all."""
    if flt.tier is None and flt.size_class is None:
        return False
    r = _result.c
    wanted = [r.office_id == flt.office_id]
    if flt.tier is not None:
        wanted.append(func.coalesce(r.override_tier, r.tier) == flt.tier)
    if flt.size_class is not None:
        wanted.append(r.size_class == flt.size_class)
    probe = select(r.business_id).where(*wanted).limit(PROBE_CANDIDATES + 1).subquery()
    return int(connection.execute(select(func.count()).select_from(probe)).scalar_one()) > PROBE_CANDIDATES


def sort_order(sort: Sort, source: Any) -> list[Any]:
    """ORDER BY terms of a sort over `source` (a table or a subquery), id breaking ties."""
    columns = getattr(source, "c", source)
    if sort == "name":
        return [columns.name, columns.id]
    if sort == "registered_on":
        return [columns.registered_on, columns.id]
    return [columns.registered_on.desc(), columns.id.desc()]
