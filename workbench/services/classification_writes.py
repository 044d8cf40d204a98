"""Writing a recompute chunk: results, history rows and change-log rows, as plain tuples.

SQLAlchemy's Core executemany binds every value through its column type, which dominates at a million
rows (see workbench/services/bulk_write.py). Here the rows come from classification_decide as tuples;
the values every row of a chunk shares (the timestamp, who, the rule version…) are appended to each.
SQLite: the driver's executemany. PostgreSQL: new rows by COPY (text format, as the demo writes them),
updated results by one UPDATE … FROM unnest(arrays) per chunk: both a few statements per chunk instead
of a round of binding per row.

Tuple layouts (classification_decide makes them):
  inserts            (uuid, business_id, tier, size_class, inputs, explanation, size_explanation)
  updates            (tier, inputs, explanation, size_class, size_explanation, result_id)
  updates_tier_only  (tier, explanation, result_id): inputs and size class as stored
  updates_same_class (inputs, explanation, size_explanation, result_id): tier and size class as stored,
                     left out of the SET (SQLite then leaves the result's three tier / size indexes alone)
  history            (uuid, business_id, tier, size_class, explanation)
  log                (entity_uuid, action, old, new)
On PostgreSQL inserts, history and log come as COPY text lines of those tuples (Decider.copy_lines: made in
the worker processes); the writer appends the columns the chunk's rows share.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert
from sqlmodel import Session

from storage.audit import Actor, utc_now
from storage.tables import ChangeLog
from storage.tables_classification import ClassificationResult
from workbench.services.bulk_write import BulkWriter, copy_line, sql_literal
from workbench.services.classification_decide import ChunkDecision
from workbench.services.classification_report import RecomputeReport

RESULT: Any = ClassificationResult.__table__  # type: ignore[attr-defined]
CHANGES: Any = ChangeLog.__table__  # type: ignore[attr-defined]

_RESULT_COLUMNS = (
    "uuid", "business_id", "tier", "size_class", "inputs", "explanation", "size_explanation",
    "version", "updated_at", "updated_by", "device", "office_id", "rule_version", "computed_at",
)  # fmt: skip
_HISTORY_COLUMNS = (
    "uuid", "business_id", "tier", "size_class", "explanation",
    "version", "updated_at", "updated_by", "device", "office_id", "rule_version", "at", "event", "reason",
)  # fmt: skip
_LOG_COLUMNS = ("entity_uuid", "action", "old", "new", "office_id", "entity", "field", "who", "at", "device")
_SHARED_SET = "rule_version = {0}, computed_at = {0}, updated_at = {0}, updated_by = {0}, device = {0}"
_SHARED_LITERALS = "rule_version = {}, computed_at = {}, updated_at = {}, updated_by = {}, device = {}"
_UPDATE_SQLITE = (
    "UPDATE classification_result SET tier = ?, inputs = ?, explanation = ?, size_class = ?, "
    "size_explanation = ?, {sets}, version = version + 1 WHERE id = ?"
)
_UPDATE_TIER_SQLITE = "UPDATE classification_result SET tier = ?, explanation = ?, {sets}, version = version + 1 WHERE id = ?"
_UPDATE_SAME_CLASS_SQLITE = (
    "UPDATE classification_result SET inputs = ?, explanation = ?, size_explanation = ?, "
    "{sets}, version = version + 1 WHERE id = ?"
)
_UPDATE_POSTGRES = (
    "UPDATE classification_result r SET {sets}, "
    f"{_SHARED_SET.format('%s')}, version = r.version + 1 "
    "FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[]) "
    "AS u(id, tier, explanation, inputs, size_class, size_explanation) WHERE r.id = u.id"
)
_SETS_POSTGRES = {
    "updates": "tier = u.tier, explanation = u.explanation, inputs = u.inputs, size_class = u.size_class, "
    "size_explanation = u.size_explanation",
    "updates_tier_only": "tier = u.tier, explanation = u.explanation",
    "updates_same_class": "explanation = u.explanation, inputs = u.inputs, size_explanation = u.size_explanation",
}


class ChunkWriter:
    """Writes decided chunks in the caller's transaction (the connection of the recompute's session)."""

    def __init__(self, connection: Connection, actor: Actor, rule_version: str) -> None:
        self.connection = connection
        self.actor = actor
        self.rule_version = rule_version
        self.postgres = connection.dialect.name != "sqlite"
        self.raw: Any = connection.connection.driver_connection
        self.writer = BulkWriter(connection)

    def write(self, decided: ChunkDecision) -> None:
        """Everything one chunk decided; one timestamp for the chunk."""
        at = utc_now()
        actor, version = self.actor, self.rule_version
        stamp = at.isoformat() if self.postgres else _bound_timestamp(self.connection, at)
        shared = (stamp, version, stamp, stamp, actor.who, actor.device)
        result = (1, stamp, actor.who, actor.device, actor.office_id, version, stamp)
        history = (1, stamp, actor.who, actor.device, actor.office_id, version, stamp, "computed", "")
        log = (actor.office_id, "classification", "classification", actor.who, stamp, actor.device)
        if decided.inserts:
            self._insert("classification_result", _RESULT_COLUMNS, decided.inserts, result)
        if self.postgres:
            self._update_postgres(decided, shared)
        else:
            self._update_sqlite(decided, shared[1:])
        if decided.history:
            self._insert("classification_history", _HISTORY_COLUMNS, decided.history, history)
        if decided.log:
            self._insert("change_log", _LOG_COLUMNS, decided.log, log)

    def _update_sqlite(self, decided: ChunkDecision, shared: tuple[Any, ...]) -> None:
        """The chunk's shared values (rule version, times, who, device) are literals of the statements, so
        the driver binds only each row's own (bound as before when a value cannot be a literal)."""
        literals = [sql_literal(value) for value in shared]
        if any(literal is None for literal in literals):
            head: tuple[Any, ...] = shared
            sets = _SHARED_SET.format("?")
        else:
            head, sets = (), _SHARED_LITERALS.format(*literals)
        if decided.updates:
            sql = _UPDATE_SQLITE.format(sets=sets)
            self._executemany(sql, [row[:5] + head + row[5:] for row in decided.updates] if head else decided.updates)
        if decided.updates_tier_only:
            sql = _UPDATE_TIER_SQLITE.format(sets=sets)
            rows = decided.updates_tier_only
            self._executemany(sql, [row[:2] + head + row[2:] for row in rows] if head else rows)
        if decided.updates_same_class:
            sql = _UPDATE_SAME_CLASS_SQLITE.format(sets=sets)
            rows = decided.updates_same_class
            self._executemany(sql, [row[:3] + head + row[3:] for row in rows] if head else rows)

    def _insert(self, table: str, columns: tuple[str, ...], rows: list[Any], shared: tuple[Any, ...]) -> None:
        names = ", ".join(columns)
        if self.postgres:  # rows: COPY lines (Decider.copy_lines) with the chunk's shared columns to add
            tail = "\t" + copy_line(shared)
            with self.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                copy.write(f"{tail}\n".join(rows) + f"{tail}\n")
            return
        own = len(rows[0])  # the columns each row has of its own; the shared ones follow (BulkWriter.insert_shared)
        self.writer.insert_shared(table, columns[:own], rows, list(zip(columns[own:], shared, strict=True)))

    def _update_postgres(self, decided: ChunkDecision, shared: tuple[Any, ...]) -> None:
        """One UPDATE … FROM unnest(arrays) per kind of update, setting only that kind's columns (arrays:
        id, tier, explanation, inputs, size class, size explanation; None where the kind has no value)."""
        if decided.updates:  # (tier, inputs, explanation, size_class, size_explanation, result_id)
            rows = decided.updates
            columns = [[row[i] for row in rows] for i in (5, 0, 2, 1, 3, 4)]
            self._update_arrays(_UPDATE_POSTGRES.format(sets=_SETS_POSTGRES["updates"]), shared, columns)
        if decided.updates_tier_only:  # (tier, explanation, result_id)
            rows = decided.updates_tier_only
            empty: list[Any] = [None] * len(rows)
            columns = [[row[2] for row in rows], [row[0] for row in rows], [row[1] for row in rows]]
            sql = _UPDATE_POSTGRES.format(sets=_SETS_POSTGRES["updates_tier_only"])
            self._update_arrays(sql, shared, [*columns, empty, empty, empty])
        if decided.updates_same_class:  # (inputs, explanation, size_explanation, result_id)
            rows = decided.updates_same_class
            empty = [None] * len(rows)
            ids, explanations, inputs, sizes = ([row[i] for row in rows] for i in (3, 1, 0, 2))
            sql = _UPDATE_POSTGRES.format(sets=_SETS_POSTGRES["updates_same_class"])
            self._update_arrays(sql, shared, [ids, empty, explanations, inputs, empty, sizes])

    def _update_arrays(self, sql: str, shared: tuple[Any, ...], columns: list[list[Any]]) -> None:
        with self.raw.cursor() as cursor:
            cursor.execute(sql, (*shared[1:], *columns))

    def _executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        cursor = self.raw.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()


def new_uuid() -> str:
    """A time-ordered UUID (version 7, RFC 9562: milliseconds then random bits) in the usual text form.

    A first classification of a million businesses writes two million uuids into unique indexes: in time
    order they land at the end of the B-tree instead of on a random page each (random version-4 uuids
    made the index upkeep the largest cost). Cheaper to make than uuid.uuid4(), too.
    """
    digits = f"{time.time_ns() // 1_000_000:012x}" + os.urandom(10).hex()
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-7{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:32]}"


def _bound_timestamp(connection: Connection, at: datetime) -> Any:
    process = RESULT.c.updated_at.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    return process(at) if process is not None else at


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
