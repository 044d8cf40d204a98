"""New businesses as the driver's tuples: search columns, a uuid and the 'create' change-log row of each.

This is the commit's per-row pure work (search columns alone are ~3 s per 100,000 rows), so it runs on
the plan's packed rows (imports.pending) in worker processes (imports.parallel) while the commit writes
the previous pack. It reads nothing but its arguments, and gives the same rows in-process or not.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy.dialects import sqlite

from imports.matching import INSERT_FIELDS
from storage.search import search_fields
from storage.tables import Business, new_uuid

_NAME, _OPERATOR, _ADDRESS = (INSERT_FIELDS.index(name) for name in ("name", "operator", "address"))
_REGISTERED = INSERT_FIELDS.index("registered_on")
BusinessRow = tuple[Any, ...]
ChangeRow = tuple[Any, ...]


@dataclass(frozen=True)
class RowStamp:
    """What every new row of one commit shares; travels once to each worker."""

    office_id: int
    who: str
    device: str
    at: Any  # the commit's moment, as the driver is given it
    source: str  # 导入自「file」
    bind_dates: bool  # SQLite: a date goes to the driver as SQLAlchemy's Date binds it


def business_rows(stamp: RowStamp, pack: bytes) -> tuple[list[BusinessRow], list[ChangeRow]]:
    """Rows for `business` (imports.commit_writes.BUSINESS_COLUMNS) and `change_log` of one pack."""
    head = (1, stamp.at, stamp.who, stamp.device, stamp.office_id)
    tail = (stamp.who, stamp.at, stamp.device)
    office_id, source = stamp.office_id, stamp.source
    bind = _sqlite_date() if stamp.bind_dates else None
    rows: list[BusinessRow] = []
    changes: list[ChangeRow] = []
    for row_number, values in pickle.loads(pack):
        derived = search_fields(values[_NAME], values[_OPERATOR], values[_ADDRESS])
        if bind is not None and values[_REGISTERED] is not None:
            values = (*values[:_REGISTERED], bind(values[_REGISTERED]), *values[_REGISTERED + 1 :])
        uuid = new_uuid()
        rows.append((uuid, *head, *values, False, "", derived["name_pinyin"], derived["search_chars"]))
        changes.append(
            (office_id, "business", uuid, "create", "", None, f"{source}第 {row_number} 行", *tail)
        )
    return rows, changes


@lru_cache(maxsize=1)
def _sqlite_date() -> Callable[[date], Any]:
    dialect = sqlite.dialect()
    column: Any = Business.__table__.c.registered_on  # type: ignore[attr-defined]
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return lru_cache(maxsize=65536)(process) if process is not None else (lambda value: value)
