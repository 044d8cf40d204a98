"""The business list for the UI: a page of rows and the number of matches (run in separate workers)."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from storage.queries import BusinessFilter, BusinessRow, count_businesses, page_businesses
from storage.search import search_fields
from workbench.services.sync_marks import pending_businesses

__all__ = ["BusinessFilter", "BusinessRow", "count", "list_page"]

MAX_PAGE = 500  # one screenful is ~50 rows; a runaway limit would read the whole office


def list_page(*, session: Session, flt: BusinessFilter, offset: int, limit: int) -> list[BusinessRow]:
    """Rows offset .. offset+limit of the filtered, sorted list; those a return package left a decision on
    carry pending_sync (one indexed look-up for the page)."""
    rows = page_businesses(session, flt, max(0, offset), max(0, min(limit, MAX_PAGE)))
    pending = pending_businesses(session, flt.office_id, [row.uuid for row in rows]) if rows else set()
    return [replace(row, pending_sync=True) if row.uuid in pending else row for row in rows]


def count(*, session: Session, flt: BusinessFilter) -> int:
    """How many businesses match; slower than a page at a million rows, so the UI asks for it apart."""
    return count_businesses(session, flt)


def warm_up() -> None:
    """Load the pinyin tables now (~0.6 s), in the caller's worker, so the first save does not wait."""
    search_fields("", "", "")
