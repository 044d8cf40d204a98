"""The business list: one page of rows, and the count, for a filter and a search text.

The search index (storage.search.plan_text) says, per query, how many candidates its most selective
term has (reading at most PROBE_CANDIDATES of them). Then the first page comes from one of these plans:
- sparse (few candidates): check just those, sort them, cut the page;
- dense: walk the (office, sort key) index in order, keeping matching rows, within the first
  WALK_WINDOW rows (a one-character query matching half the office fills its page at once), then as
  far as the matches found there say a page needs;
- clustered: when the matches lie further on (温州市鹿城区… names sit together, far from the
  start; codes issued in one year), sort the candidates after all. Walking on would read every row
  before the cluster; sorting reads a narrow index entry per candidate.
A window is a bound on the sort key, so a walk stops as soon as its page is full.
The count always starts from the candidates when there is an index, from the office otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, and_, func, or_, select, text, union
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from storage.business_filter import (
    DEFAULT_SORT,
    PROBE_CANDIDATES,
    BusinessFilter,
    Sort,
    common_class,
    filter_conditions,
    sort_order,
)
from storage.search import TextPlan, parse_query, plan_text, term_condition
from storage.search_list_walk import (
    COLD_WALK_MAX,
    COLD_WINDOW,
    WALK_INDEX,
    reads_from_disk,
    walks_index,
)
from storage.tables import Business, Grid, Officer

_business: Any = Business.__table__  # type: ignore[attr-defined]
_grid: Any = Grid.__table__  # type: ignore[attr-defined]
_officer: Any = Officer.__table__  # type: ignore[attr-defined]


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
    pending_sync: bool = False  # 待处理冲突: a return package left a decision on it (set by the list service)


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


WALK_WINDOW = 2000  # rows read in sort order first: ~5 ms, a page for any term in 2.5 % of the office
WALK_MAX = 30_000  # rows read in sort order at most, before sorting the candidates after all
WALK_ON_MATCHES = 3  # fewer matches than this in the first window: the matches lie elsewhere


def page_businesses(session: Session, flt: BusinessFilter, offset: int, limit: int) -> list[BusinessRow]:
    """Rows offset .. offset+limit of the filtered, sorted list (live rows of the filter's office only).

    Collecting and sorting a candidate costs ~3 us, walking a row in sort order ~2.5 us, and a walk
    fills a page after page * office / matches rows: at a million rows the two meet near 7,000
    matches (~25 ms each). So: up to PROBE_CANDIDATES candidates are sorted; past that, the walk
    reads the first WALK_WINDOW rows, then as many more as the matches found there say it needs
    (three times the estimate, at most WALK_MAX); only when that fails or is out of reach (the matches
    lie far on in this order) are all the candidates sorted. On SQLite a walk in order of registration
    reads ix_business_list_walk alone; while the file is not yet in the OS cache, the walk goes first
    (_walk_first).
    """
    if limit <= 0:
        return []
    connection = session.connection()
    if walks_index(connection, flt.sort) and reads_from_disk(connection):
        return _walk_first(connection, flt, offset, limit)
    probe = plan_text(connection, flt.text, cap=PROBE_CANDIDATES)
    if probe.sparse or (flt.sort != "name" and probe.sparse_in_date_order):
        return _sorted_candidates(connection, flt, probe, offset, limit)
    row_condition = probe.row_condition()
    if row_condition is None or probe.driver is None:
        return _walk(connection, flt, row_condition, offset, limit)
    found = _walk_on(connection, flt, row_condition, offset, limit, WALK_WINDOW, WALK_MAX)
    if found is not None:
        return found
    # A plan by branches holds for any cap (its candidates were not listed): no second probe for it.
    everything = probe if probe.driven_branches() is not None else plan_text(connection, flt.text)
    return _sorted_candidates(connection, flt, everything, offset, limit)


def _walk_first(connection: Connection, flt: BusinessFilter, offset: int, limit: int) -> list[BusinessRow]:
    """SQLite, the file not yet in the OS cache (storage.search_list_walk): the first COLD_WINDOW rows of
    the walk index are read forward before any search index is asked, and fill the page of any term in
    1 % of the office; their matches say how far to walk on (at most COLD_WALK_MAX). Only a term too rare
    for that asks its index for candidates and sorts them, each a random read: few, for a rare term.
    Codes and phone numbers ask their index first, as when the file is cached: it is cheap for them."""
    terms = parse_query(flt.text)
    if not terms:
        return _walk(connection, flt, None, offset, limit)
    if all(term.kind == "code" for term in terms):
        # Codes and phone numbers: a b-tree range or a short position list finds their few businesses
        # (a code prefix, a phone's last 4 digits: hundreds to a few thousand), read in id order, which a walk
        # would look for among 100,000s; measured evicted, the index first was 2x faster for phones.
        probe = plan_text(connection, flt.text, cap=PROBE_CANDIDATES)
        if probe.sparse:
            return _sorted_candidates(connection, flt, probe, offset, limit)
    condition = and_(*(term_condition(term, connection.dialect.name) for term in terms))
    found = _walk_on(connection, flt, condition, offset, limit, COLD_WINDOW, COLD_WALK_MAX)
    if found is not None:
        return found
    probe = plan_text(connection, flt.text)
    if probe.driver is None:  # no index serves any term: the walk is all there is
        return _walk(connection, flt, condition, offset, limit)
    return _sorted_candidates(connection, flt, probe, offset, limit)


def _walk_on(
    connection: Connection,
    flt: BusinessFilter,
    condition: ColumnElement[bool],
    offset: int,
    limit: int,
    first: int,
    most: int,
) -> list[BusinessRow] | None:
    """The page from the first `first` rows in sort order, else from as many as their matches say a page
    needs (three times the estimate, at most `most`); None when the page is not found so."""
    found = _walk(connection, flt, condition, offset, limit, window=first)
    if len(found) == limit:
        return found
    matches = offset + len(found)  # every match within the window (the page is not full)
    needed = first * (offset + limit) // max(matches, 1)  # rows a page needs, by the window's matches
    # In name order (温州市鹿城区… cluster) the first window says nothing of the rest. Past `most` the walk
    # would read that many rows and then sort anyway.
    if matches >= WALK_ON_MATCHES and flt.sort != "name" and needed <= most:
        found = _walk(connection, flt, condition, offset, limit, window=min(most, 3 * needed))
        if len(found) == limit:
            return found
    return None


def count_businesses(session: Session, flt: BusinessFilter) -> int:
    """How many live rows of the office match the filter.

    At most PROBE_CANDIDATES are listed by id: past that the index's own query stands for them, which
    spares collecting them and (for candidates the index cannot vouch for) reading each row.
    """
    connection = session.connection()
    plan = plan_text(connection, flt.text, cap=PROBE_CANDIDATES)
    if plan.driven_branches() is not None:
        matched = _matched(flt, plan, [_business.c.id]).subquery("matched")
        return int(connection.execute(select(func.count()).select_from(matched)).scalar_one())
    condition = plan.driven_condition()
    conditions = filter_conditions(flt) + ([] if condition is None else [condition])
    statement = select(func.count()).select_from(_business).where(*conditions)
    return int(connection.execute(statement).scalar_one())


def _matched(flt: BusinessFilter, plan: TextPlan, columns: list[Any]) -> Any:
    """The matching rows' `columns`: one query from the driver's candidates, or, when its index offers
    branches (a code term on PostgreSQL), the union of one query per branch: each then reads its own
    index only (the prefix ranges carry the office, the date and the id)."""
    branches = plan.driven_branches()
    if branches is not None:
        return union(*(select(*columns).where(*filter_conditions(flt), branch) for branch in branches))
    condition = plan.driven_condition()
    assert condition is not None  # callers have a search text
    return select(*columns).where(*filter_conditions(flt), condition)


def _sorted_candidates(
    connection: Connection, flt: BusinessFilter, plan: TextPlan, offset: int, limit: int
) -> list[BusinessRow]:
    """Check every candidate, sort, cut; then read the page's rows.

    By branches: each branch's first offset + limit rows, then the first of their union (a row found by
    two branches has the same key in both): sorting 20,000 index entries of one branch this way took half
    the time of sorting the union of all candidates."""
    key = _business.c.name if flt.sort == "name" else _business.c.registered_on
    branches = plan.driven_branches()
    keys: Any
    if branches is not None:
        firsts = []
        in_date_order = plan.date_ordered_branches() if flt.sort != "name" else [None] * len(branches)
        for position, (branch, ordered) in enumerate(zip(branches, in_date_order, strict=True)):
            # Materialized: no planner may walk a sort index instead (the walk is what failed, or too long).
            if ordered is None:
                rows = select(_business.c.id, key).where(*filter_conditions(flt), branch)
            else:  # a broad 注册号 prefix: its first rows from the holders' date index
                rows = (
                    select(_business.c.id, key)
                    .where(*filter_conditions(flt), ordered)
                    .order_by(*sort_order(flt.sort, _business))
                    .limit(offset + limit)
                )
            found = rows.cte(f"branch_{position}").prefix_with("MATERIALIZED")
            firsts.append(select(found).order_by(*sort_order(flt.sort, found.c)).limit(offset + limit))
        keys = select(union(*firsts).subquery("matched"))
    else:
        keys = select(_matched(flt, plan, [_business.c.id, key]).cte("matched").prefix_with("MATERIALIZED"))
    page = (
        keys.order_by(*sort_order(flt.sort, keys.selected_columns))
        .limit(limit)
        .offset(offset)
        .subquery("page")
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
    """Rows in sort order; with a window, only among the first `window` rows of the office.

    The window is a bound on the sort key (read from the sort index alone), so the walk stops as soon
    as the page is full: a subquery of the first `window` ids would read all of them before sorting.
    """
    conditions = filter_conditions(flt, walking=common_class(connection, flt)) + (
        [] if condition is None else [condition]
    )
    if window is not None:
        region = _window_region(connection, flt, window)
        conditions += [] if region is None else [region]
    order = sort_order(flt.sort, _business)
    if walks_index(connection, flt.sort):
        # The page's ids from ix_business_list_walk alone (it holds every column the conditions test), then
        # their rows: the walk reads no table row that is not on the page.
        page = select(_business.c.id).where(*conditions).order_by(*order).limit(limit).offset(offset)
        walked = page.subquery("walked")
        statement = _row_select(walked.join(_business, _business.c.id == walked.c.id)).order_by(*order)
        return _rows(connection, statement)
    statement = _row_select(_business).where(*conditions).order_by(*order)
    return _rows(connection, statement.limit(limit).offset(offset))


def _window_region(connection: Connection, flt: BusinessFilter, window: int) -> ColumnElement[bool] | None:
    """Rows at or before the office's `window`-th row in sort order (None: the office has no more rows).

    Rows sharing the boundary's key are all in, so the region may hold a few more than `window`; it is
    always a prefix of the order, so the first matches in it are the first matches of all.
    """
    key = _business.c.name if flt.sort == "name" else _business.c.registered_on
    if walks_index(connection, flt.sort) and flt.sort == "-registered_on":
        # Forward through the walk index, whose pages the walk reads next (ix_business_office_registered is
        # ascending: read backwards, cold, 150,000 entries took 0.05-0.25 s).
        boundary = connection.execute(
            _WALK_BOUNDARY, {"office_id": flt.office_id, "skipped": window - 1}
        ).first()
    else:
        first_keys = select(key).where(_business.c.office_id == flt.office_id)
        boundary = connection.execute(
            first_keys.order_by(*sort_order(flt.sort, _business)).limit(1).offset(window - 1)
        ).first()
    if boundary is None:
        return None
    descending = flt.sort == "-registered_on"
    # NULL sorts below every value on SQLite and above every value on PostgreSQL.
    nulls_first = descending != (connection.dialect.name == "sqlite")
    if boundary[0] is None:
        return key.is_(None) if nulls_first else None
    reached = key >= boundary[0] if descending else key <= boundary[0]
    # Only when the office has such rows: a bare range lets PostgreSQL walk the index in order and stop
    # at a full page, where `IS NULL OR` makes it read the whole region as a bitmap first (~10x slower).
    has_nulls = (
        nulls_first
        and connection.execute(
            select(key).where(_business.c.office_id == flt.office_id, key.is_(None)).limit(1)
        ).first()
    )
    return or_(key.is_(None), reached) if has_nulls else reached


_WALK_BOUNDARY = text(
    f"SELECT registered_on FROM business INDEXED BY {WALK_INDEX} WHERE office_id = :office_id "
    "ORDER BY registered_on DESC, id DESC LIMIT 1 OFFSET :skipped"
).columns(_business.c.registered_on)  # read as a date, as the select above reads it


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


__all__ = ["DEFAULT_SORT", "PROBE_CANDIDATES", "BusinessFilter", "BusinessRow", "Sort", "count_businesses", "filter_conditions",
           "page_businesses", "sort_order"]  # fmt: skip
