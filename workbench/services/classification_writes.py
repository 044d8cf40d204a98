"""Writing a recompute chunk: results, history rows and change-log rows through the driver's executemany.

SQLAlchemy's Core executemany binds every value through its column type, which dominates at a million
rows (see workbench/services/demo_write.py). Here the only value that needs binding is the chunk's one
timestamp: it is bound once through the column type and the rows go to the driver as tuples.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, insert
from sqlmodel import Session

from storage.audit import Actor, utc_now
from storage.tables import ChangeLog
from storage.tables_classification import ClassificationResult
from workbench.services.classification_report import RecomputeReport

RESULT: Any = ClassificationResult.__table__  # type: ignore[attr-defined]
CHANGES: Any = ChangeLog.__table__  # type: ignore[attr-defined]

_INSERT_COLUMNS = (
    "uuid", "version", "updated_at", "updated_by", "device", "office_id", "business_id", "tier",
    "size_class", "rule_version", "inputs", "explanation", "size_explanation", "computed_at",
)  # fmt: skip
_HISTORY_COLUMNS = (
    "uuid", "version", "updated_at", "updated_by", "device", "office_id", "business_id", "event",
    "tier", "size_class", "rule_version", "explanation", "reason", "at",
)  # fmt: skip
_LOG_COLUMNS = ("office_id", "entity", "entity_uuid", "action", "field", "old", "new", "who", "at", "device")
_UPDATE_SET = (
    "tier",
    "inputs",
    "explanation",
    "rule_version",
    "computed_at",
    "updated_at",
    "updated_by",
    "device",
)
_SIZE_SET = ("size_class", "size_explanation")


@dataclass
class Writes:
    """The rows one chunk writes, as dicts; updates_tier_only keep the stored size class and explanation."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    updates_tier_only: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)


def write_chunk(session: Session, actor: Actor, rule_version: str, writes: Writes) -> None:
    """Everything one chunk decided, in the caller's transaction."""
    connection = session.connection()
    at = _bound_timestamp(connection, utc_now())
    common = {
        "updated_at": at, "updated_by": actor.who, "device": actor.device, "rule_version": rule_version,
        "computed_at": at, "office_id": actor.office_id, "version": 1, "at": at, "who": actor.who,
    }  # fmt: skip
    if writes.inserts:
        _insert(connection, "classification_result", _INSERT_COLUMNS, writes.inserts, common)
    mark = _placeholder(connection)
    for rows, names in ((writes.updates, _UPDATE_SET + _SIZE_SET), (writes.updates_tier_only, _UPDATE_SET)):
        if rows:
            assignments = ", ".join(f"{name} = {mark}" for name in names)
            sql = f"UPDATE classification_result SET {assignments}, version = version + 1 WHERE id = {mark}"
            pick = itemgetter(*names, "result_id")
            _executemany(connection, sql, [pick({**common, **row}) for row in rows])
    if writes.history:
        history = [
            {**row, "uuid": new_uuid(), "event": "computed", "reason": "", "explanation": _joined(row)}
            for row in writes.history
        ]
        _insert(connection, "classification_history", _HISTORY_COLUMNS, history, common)
    if writes.log:
        log = [{**row, "entity": "classification"} for row in writes.log]
        _insert(connection, "change_log", _LOG_COLUMNS, log, common)


def new_uuid() -> str:
    """A time-ordered UUID (version 7, RFC 9562: milliseconds then random bits) in the usual text form.

    A first classification of a million businesses writes two million uuids into unique indexes: in time
    order they land at the end of the B-tree instead of on a random page each (random version-4 uuids
    made the index upkeep the largest cost). Cheaper to make than uuid.uuid4(), too.
    """
    digits = f"{time.time_ns() // 1_000_000:012x}" + os.urandom(10).hex()
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-7{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:32]}"


def _joined(row: dict[str, Any]) -> str:
    size_text = row.get("size_explanation") or ""
    return "；".join(part for part in (row["explanation"], f"规模：{size_text}" if size_text else "") if part)


def _bound_timestamp(connection: Connection, at: datetime) -> Any:
    process = RESULT.c.updated_at.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    return process(at) if process is not None else at


def _placeholder(connection: Connection) -> str:
    return "?" if connection.dialect.name == "sqlite" else "%s"


def _insert(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    rows: list[dict[str, Any]],
    common: dict[str, Any],
) -> None:
    mark = _placeholder(connection)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(mark for _ in columns)})"
    pick = itemgetter(*columns)
    _executemany(connection, sql, [pick({**common, **row}) for row in rows])


def _executemany(connection: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def log_run(session: Session, actor: Actor, report: RecomputeReport) -> None:
    """One change-log row for the whole run: the rule version, what was written and the moves."""
    moves = "；".join(move.text for move in report.moves[:20])
    row = {
        "office_id": actor.office_id,
        "entity": "classification_run",
        "entity_uuid": new_uuid(),
        "action": "update",
        "field": "rule_version",
        "old": None,
        "new": f"{report.summary}。{moves}",
        "who": actor.who,
        "at": utc_now(),
        "device": actor.device,
    }
    session.connection().execute(insert(CHANGES), [row])
