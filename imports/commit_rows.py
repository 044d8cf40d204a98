"""New businesses as the driver's tuples: search columns, a uuid and the 'create' change-log row of each.

The per-row pure work (a uuid and the search columns, ~2 s per 100,000 rows) is `derive`; a dry run that
a commit will follow computes it ahead, pack by pack, in a worker process that would otherwise idle
(imports.prepare), and the commit only `assemble`s. Otherwise the commit runs `business_rows` on the plan's
packed rows (imports.pending) in worker processes (imports.parallel) while it writes the previous pack.
It reads nothing but its arguments, and gives the same rows in-process or not.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import groupby
from typing import Any

from sqlalchemy.dialects import sqlite

from imports.pending import getter
from storage.search import search_columns
from storage.search_pinyin import load_tables
from storage.tables import Business
from workbench.domain.business_fields import (
    FIELD_BY_NAME,
    IMPORTED_FIELDS,
    NOT_IMPORTED_DEFAULTS,
    SEARCH_SOURCES,
)
from workbench.services.classification_decide import uuid7_batch
from workbench.services.process_start import start_method

# The columns of a new business's row, all derived from the business row's declaration
# (workbench.domain.business_fields): the travelling stamp and office, the imported values as the dry run
# made them (imports.pending.NewBusiness: IMPORTED_FIELDS), the defaults of the other columns, and the search columns.
_STAMP = ("uuid", "version", "updated_at", "updated_by", "device", "office_id")
_DEFAULTED: tuple[str, ...] = tuple(name for name, _default in NOT_IMPORTED_DEFAULTS)
BUSINESS_COLUMNS = (*_STAMP, *IMPORTED_FIELDS, *_DEFAULTED, "name_pinyin", "search_chars")
_DEFAULTS = tuple(default for _name, default in NOT_IMPORTED_DEFAULTS)
_SEARCHED = getter(*SEARCH_SOURCES)
# Where the new row's dates are: SQLite is given them as SQLAlchemy's Date binds them.
_DATES = tuple(
    position for position, name in enumerate(IMPORTED_FIELDS) if FIELD_BY_NAME[name].kind == "date"
)
# The same positions as runs of neighbouring columns, (start, stop): (5, 6) and (18, 24) today.
_DATE_RUNS = tuple(
    (run[0], run[-1] + 1)
    for run in (
        [position for _key, position in group]
        for _key, group in groupby(enumerate(_DATES), key=lambda pair: pair[1] - pair[0])
    )
)
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


Derived = tuple[str, str, str]  # uuid, name_pinyin, search_chars of one new row


def share_tables_with_workers() -> None:
    """Before forking workers to make new rows: the pinyin tables built here, so the workers share this
    process's copy (~50 MB; this process reads them too for the search columns of updates) instead of each
    building its own (docs/benchmarks.md, session 11 importmem). Workers started otherwise (a fork server,
    spawn) build their own as before."""
    if start_method() == "fork":
        load_tables()


def business_rows(stamp: RowStamp, pack: bytes) -> tuple[list[BusinessRow], list[ChangeRow]]:
    """Rows for `business` (BUSINESS_COLUMNS) and `change_log` of one pack."""
    rows = pickle.loads(pack)
    return assemble(stamp, rows, derive(rows))


def derived_pack(pack: bytes) -> bytes:
    """A pack's derived values, pickled: what a dry run computes ahead for the commit (imports.prepare)."""
    return pickle.dumps(derive(pickle.loads(pack)), protocol=pickle.HIGHEST_PROTOCOL)


def prepared_rows(stamp: RowStamp, pack: bytes, derived: bytes) -> tuple[list[BusinessRow], list[ChangeRow]]:
    """business_rows of a pack whose derived values the dry run already computed (derived_pack)."""
    return assemble(stamp, pickle.loads(pack), pickle.loads(derived))


def derive(rows: list[tuple[int, tuple[Any, ...]]]) -> list[Derived]:
    """The per-row pure work: a uuid and the search columns (storage.search.search_fields).

    The uuids are time-ordered (version 7): at a million businesses the unique uuid index, and the change
    log's index by entity uuid, then take the new rows at their end instead of one random page each."""
    return [
        (uuid, *search_columns(*_SEARCHED(values)))
        for (_row_number, values), uuid in zip(rows, uuid7_batch(len(rows)), strict=True)
    ]


def assemble(
    stamp: RowStamp, rows: list[tuple[int, tuple[Any, ...]]], derived: list[Derived]
) -> tuple[list[BusinessRow], list[ChangeRow]]:
    """The driver's tuples from a pack's rows and their derived values (same length, same order)."""
    head = (1, stamp.at, stamp.who, stamp.device, stamp.office_id)
    defaults = _DEFAULTS
    tail = (stamp.who, stamp.at, stamp.device)
    office_id, source = stamp.office_id, stamp.source
    bind = _sqlite_date() if stamp.bind_dates else None
    business: list[BusinessRow] = []
    changes: list[ChangeRow] = []
    for (row_number, values), (uuid, name_pinyin, search_chars) in zip(rows, derived, strict=True):
        if bind is not None:
            values = _bind_dates(values, bind)
        business.append((uuid, *head, *values, *defaults, name_pinyin, search_chars))
        changes.append(
            (office_id, "business", uuid, "create", "", None, f"{source}第 {row_number} 行", *tail)
        )
    return business, changes


def _bind_dates(values: tuple[Any, ...], bind: Callable[[date | None], Any]) -> tuple[Any, ...]:
    """The row with its dates bound (a missing date, None, stays None): each run of date columns in C."""
    bound = list(values)
    for start, stop in _DATE_RUNS:
        bound[start:stop] = map(bind, values[start:stop])
    return tuple(bound)


@lru_cache(maxsize=1)
def _sqlite_date() -> Callable[[date | None], Any]:
    """SQLAlchemy's SQLite Date binding, cached per day (None binds as None)."""
    dialect = sqlite.dialect()
    column: Any = Business.__table__.c.registered_on  # type: ignore[attr-defined]
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return lru_cache(maxsize=65536)(process) if process is not None else (lambda value: value)
