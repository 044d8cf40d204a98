"""Recompute every business's tier and size class: a dry run lists who moves, the real run writes it.

Set-based: businesses are read in id-ordered chunks with their latest year figures and current result
(one SELECT per chunk of CHUNK, through the driver's cursor; an import's touched businesses likewise, their
ids bound as one JSON array or PostgreSQL array), decided by classification_decide (a pure function of
the rows: in worker processes for a big office, see classification_pipeline) and written back by
classification_writes. The whole run is one transaction (the caller's session). A business whose inputs
and rule version are what its result already holds is skipped; when only the rules changed, the size
class (which depends on the inputs alone) is kept. Overrides are never touched: the computed tier is
refreshed underneath and the person's 认定 stays what staff see.

Audit: a result created or whose tier or size class changes gets a classification_history row and one
change_log row (field "classification", value "tier/size_class"); a refresh that changes only inputs,
explanation or rule version updates the row (version + 1) and is covered by one change_log row for the run.

PostgreSQL, an office's first classification (no result yet, whole office): a bulk load, see
classification_first_fill (history and change-log rows derived in SQL from the stored results; for the
installation's first one, indexes and foreign keys rebuilt after the load).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from time import perf_counter
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from storage.audit import Actor
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TierRules
from workbench.services.classification_decide import ChunkDecision, Decider
from workbench.services.classification_first_fill import FirstFill, office_never_classified
from workbench.services.classification_pipeline import decided_chunks, default_workers
from workbench.services.classification_report import RecomputeReport
from workbench.services.classification_writes import ChunkWriter, log_run

CHUNK = 5_000
_SQLITE_CACHE_KIB = 256 * 1024

_READ = """
SELECT b.id, b.kind, b.status, b.suspended, b.abnormal, b.registered_on, b.employees,
       b.industry_code, b.industry_code_version,
       y.year, y.revenue, y.tax_paid, y.employees, y.insured_staff,
       r.id, r.uuid, r.tier, r.size_class, r.rule_version, r.inputs, r.override_tier
FROM business b
LEFT JOIN year_figures y ON y.id = (
    SELECT y2.id FROM year_figures y2
    WHERE y2.business_id = b.id AND y2.deleted_at IS NULL ORDER BY y2.year DESC LIMIT 1)
LEFT JOIN classification_result r ON r.business_id = b.id AND r.business_id > :after
WHERE b.office_id = :office_id AND b.deleted_at IS NULL AND b.id > :after {only}
ORDER BY b.id
LIMIT :limit
"""

# PostgreSQL: both joins as LATERAL … LIMIT 1, i.e. an index lookup per business whatever the statistics
# say. Right after a first classification the planner still takes classification_result for empty and
# chose a sort of every later result (1.8 s a chunk) or a nested loop over a materialised chunk (3.9 s);
# the lookups take 30 ms a chunk. (The plain join also needed "r.business_id > :after" to stop a merge
# join from starting at the index's first entry on every chunk.) SQLite has no LATERAL and plans _READ well.
_READ_POSTGRES = """
SELECT b.id, b.kind, b.status, b.suspended, b.abnormal, b.registered_on, b.employees,
       b.industry_code, b.industry_code_version,
       y.year, y.revenue, y.tax_paid, y.employees, y.insured_staff,
       r.id, r.uuid, r.tier, r.size_class, r.rule_version, r.inputs, r.override_tier
FROM business b
LEFT JOIN LATERAL (
    SELECT y2.year, y2.revenue, y2.tax_paid, y2.employees, y2.insured_staff FROM year_figures y2
    WHERE y2.business_id = b.id AND y2.deleted_at IS NULL ORDER BY y2.year DESC LIMIT 1) y ON true
LEFT JOIN LATERAL (
    SELECT r2.id, r2.uuid, r2.tier, r2.size_class, r2.rule_version, r2.inputs, r2.override_tier
    FROM classification_result r2 WHERE r2.business_id = b.id LIMIT 1) r ON true
WHERE b.office_id = :office_id AND b.deleted_at IS NULL AND b.id > :after {only}
ORDER BY b.id
LIMIT :limit
"""
# An office's first classification (classification_first_fill): no result to read, and the result index may
# be dropped while the results are loaded (a lookup per business would then scan the growing table).
_RESULT_COLUMNS = "r.id, r.uuid, r.tier, r.size_class, r.rule_version, r.inputs, r.override_tier"
_RESULT_LOOKUP = _READ_POSTGRES[
    _READ_POSTGRES.index("LEFT JOIN LATERAL (\n    SELECT r2") : _READ_POSTGRES.index("WHERE b.office_id")
]
_READ_POSTGRES_FIRST = _READ_POSTGRES.replace(_RESULT_LOOKUP, "").replace(
    _RESULT_COLUMNS, "NULL, NULL, NULL, NULL, NULL, NULL, NULL"
)
ONLY_CHUNK = CHUNK  # businesses asked for by id in one statement (and decided and written together)
_DRIVER_PARAMETERS = {":after": "%(after)s", ":office_id": "%(office_id)s", ":limit": "%(limit)s"}


def recompute(
    session: Session,
    *,
    actor: Actor,
    rules: LoadedRules[TierRules],
    today: date,
    dry_run: bool = False,
    business_ids: Iterable[int] | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> RecomputeReport:
    """Decide every business of the actor's office (or only business_ids) and, unless dry_run, write it.

    The caller commits (a dry run writes nothing). ``progress`` hears the businesses done after each chunk.
    ``workers``: processes that decide a big office's chunks (None: classification_pipeline's default;
    0: all in this process; the results are the same either way).
    """
    started = perf_counter()
    report = RecomputeReport(rule_version=rules.version, dry_run=dry_run)
    only = sorted(set(business_ids)) if business_ids is not None else None
    connection = session.connection()
    writer = None if dry_run else ChunkWriter(connection, actor, rules.version)
    first_fill = None
    if writer is not None and only is None and office_never_classified(connection, actor.office_id):
        first_fill = FirstFill(connection, actor.office_id)
        first_fill.start()
    copy_lines = writer is not None and writer.postgres
    decider = Decider(rules.rules, rules.version, today, first_fill is None, copy_lines)
    with _big_page_cache(session, only is None):
        count = (default_workers() if workers is None else workers) if only is None else 0
        chunks = _chunks(session, actor.office_id, only, first=first_fill is not None)
        for decided in decided_chunks(chunks, decider, count):
            if writer is not None:
                writer.write(decided)
            add_to_report(report, decided)
            if progress is not None:
                progress(report.businesses)
    if first_fill is not None:
        first_fill.finish()
    if not dry_run and (report.created or report.updated) and only is None:
        log_run(session, actor, report)
    report.seconds = perf_counter() - started
    return report


def add_to_report(report: RecomputeReport, decided: ChunkDecision) -> None:
    """Fold one chunk's counts and moves into the run's report."""
    report.businesses += decided.businesses
    report.created += decided.created
    report.updated += decided.updated
    report.unchanged += decided.unchanged
    for (override, tier, size), count in decided.combos.items():
        effective = override or tier
        if effective:
            report.tier_counts[effective] += count
        report.size_counts[size or ""] += count
        if override and override != tier:
            report.overrides_kept += count
    report.tier_moves.update(decided.tier_moves)
    report.size_moves.update(decided.size_moves)


@contextmanager
def _big_page_cache(session: Session, wanted: bool) -> Iterator[None]:
    """SQLite: a 256 MB page cache while a whole office is recomputed (the default 2 MB cache re-reads
    the result, history and change-log index pages over and over); the connection's own size after."""
    connection = session.connection()
    if not wanted or connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _chunks(
    session: Session, office_id: int, only: list[int] | None, first: bool = False
) -> Iterator[list[Any]]:
    connection = session.connection()
    if only is not None:
        yield from _chunks_of(connection, office_id, only)
        return
    yield from _office_chunks(connection, office_id, first)


def _chunks_of(connection: Connection, office_id: int, only: list[int]) -> Iterator[list[Any]]:
    """The given businesses (an import's touched ones), ONLY_CHUNK at a time, as the driver's plain tuples
    (as _office_chunks: SQLAlchemy's Row objects cost more than reading them). The ids go in as one value
    (SQLite: a JSON array read by json_each; PostgreSQL: an array), whatever the chunk's size."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        sql = _READ.format(only="AND b.id IN (SELECT value FROM json_each(:ids))")
    else:
        sql = _READ_POSTGRES.format(only="AND b.id = ANY(:ids)")
        for name, placeholder in {**_DRIVER_PARAMETERS, ":ids": "%(ids)s"}.items():
            sql = sql.replace(name, placeholder)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, len(only), ONLY_CHUNK):
            ids = only[start : start + ONLY_CHUNK]
            listed: Any = json.dumps(ids) if sqlite else list(ids)
            cursor.execute(sql, {"office_id": office_id, "after": 0, "limit": len(ids), "ids": listed})
            yield cursor.fetchall()
    finally:
        cursor.close()


def _office_chunks(connection: Connection, office_id: int, first: bool = False) -> Iterator[list[Any]]:
    """Every business of the office, CHUNK at a time, as the driver's plain tuples (SQLAlchemy's Row
    objects cost more than the SELECT itself at a million rows). ``first`` (PostgreSQL): the office has no
    result yet, none is looked up."""
    sql = _READ.format(only="")
    if connection.dialect.name != "sqlite":  # psycopg's placeholders
        sql = (_READ_POSTGRES_FIRST if first else _READ_POSTGRES).format(only="")
        for name, placeholder in _DRIVER_PARAMETERS.items():
            sql = sql.replace(name, placeholder)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        after = 0
        while True:
            cursor.execute(sql, {"office_id": office_id, "after": after, "limit": CHUNK})
            rows = cursor.fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]
    finally:
        cursor.close()


@dataclass(frozen=True)
class Decision:
    """What one business's result should hold: tier (None for enterprises) and size class, with reasons."""

    tier: str | None
    explanation: str
    size_class: str | None
    size_explanation: str
    inputs: str


def decide_business(
    session: Session, *, actor: Actor, business_id: int, rules: LoadedRules[TierRules], today: date
) -> Decision | None:
    """The result one business of the actor's office would get, without writing anything."""
    decider = Decider(rules.rules, rules.version, today)
    for rows in _chunks(session, actor.office_id, [business_id]):
        for row in rows:
            tier, explanation = decider.tier(row)
            size, size_explanation = decider.size(row)
            return Decision(tier, explanation, size, size_explanation, decider.inputs_json(row))
    return None
