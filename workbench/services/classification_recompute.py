"""Recompute every business's tier and size class: a dry run lists who moves, the real run writes it.

Set-based: businesses are read in id-ordered chunks with their latest year figures and current result
(one SELECT per chunk), decided in Python, and written back with executemany; no ORM object per row.
The whole run is one transaction (the caller's session). A business whose inputs and rule version are
what its result already holds is skipped; when only the rules changed, the size class (which depends on
the inputs alone) is kept. Overrides are never touched: the computed tier is refreshed underneath and
the person's 认定 stays what staff see.

Audit: a result created or whose tier or size class changes gets a classification_history row and one
change_log row (field "classification", value "tier/size_class"); a refresh that changes only inputs,
explanation or rule version updates the row (version + 1) and is covered by one change_log row for the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from time import perf_counter
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from storage.audit import Actor
from workbench.domain.rule_files import LoadedRules
from workbench.domain.size_class import classify_size
from workbench.domain.tiers import TIER_LABELS, TierInputs, TierRules, classify_tier
from workbench.services.classification_report import SIZE_LABELS, RecomputeReport
from workbench.services.classification_writes import Writes, log_run, new_uuid, write_chunk

CHUNK = 5_000
_SQLITE_CACHE_KIB = 256 * 1024
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

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
# "r.business_id > :after" repeats what b.id > :after implies: without it PostgreSQL merge-joins the
# result index from its start on every chunk (each chunk slower than the one before).


def recompute(
    session: Session,
    *,
    actor: Actor,
    rules: LoadedRules[TierRules],
    today: date,
    dry_run: bool = False,
    business_ids: Iterable[int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RecomputeReport:
    """Decide every business of the actor's office (or only business_ids) and, unless dry_run, write it.

    The caller commits (a dry run writes nothing). ``progress`` hears the businesses done after each chunk.
    """
    started = perf_counter()
    report = RecomputeReport(rule_version=rules.version, dry_run=dry_run)
    only = sorted(set(business_ids)) if business_ids is not None else None
    with _big_page_cache(session, only is None):
        for chunk in _chunks(session, actor.office_id, only):
            writes = _decide_chunk(chunk, rules, today, report)
            if not dry_run:
                write_chunk(session, actor, rules.version, writes)
            if progress is not None:
                progress(report.businesses)
    if not dry_run and (report.created or report.updated) and only is None:
        log_run(session, actor, report)
    report.seconds = perf_counter() - started
    return report


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


def _chunks(session: Session, office_id: int, only: list[int] | None) -> Iterator[list[Any]]:
    connection = session.connection()
    if only is not None:
        statement = text(_READ.format(only="AND b.id IN :ids")).bindparams(bindparam("ids", expanding=True))
        for start in range(0, len(only), 500):
            ids = only[start : start + 500]
            yield list(
                connection.execute(
                    statement, {"office_id": office_id, "after": 0, "limit": len(ids), "ids": ids}
                )
            )
        return
    after = 0
    statement = text(_READ.format(only=""))
    while rows := list(
        connection.execute(statement, {"office_id": office_id, "after": after, "limit": CHUNK})
    ):
        yield rows
        after = rows[-1][0]


def tier_inputs(row: Any, today: date) -> TierInputs:
    """The inputs of one business from a row of _READ: latest year figures, employees from the register if absent."""
    (_, _, status, suspended, abnormal, registered_on, b_employees, code, code_version) = row[:9]
    (year, revenue, tax, y_employees, insured) = row[9:14]
    return TierInputs(
        status=status,
        suspended=bool(suspended),
        abnormal=bool(abnormal),
        registered_on=_as_date(registered_on),
        as_of=today,
        figures_year=year,
        revenue_yuan=revenue,
        tax_paid_yuan=tax,
        employees=y_employees if y_employees is not None else b_employees,
        insured_staff=insured,
        industry_code=code,
        industry_version=code_version or "2017",
    )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


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
    for rows in _chunks(session, actor.office_id, [business_id]):
        for row in rows:
            inputs, inputs_json = _inputs(row, today)
            tier, explanation = _tier(inputs, row[1], rules.rules)
            size, size_explanation = _size(inputs)
            return Decision(tier, explanation, size, size_explanation, inputs_json)
    return None


def _inputs(row: Any, today: date) -> tuple[TierInputs, str]:
    inputs = tier_inputs(row, today)
    stored = inputs.as_json()
    stored["kind"] = row[1]
    return inputs, _JSON.encode(stored)


def _tier(inputs: TierInputs, kind: str, rules: TierRules) -> tuple[str | None, str]:
    if kind != "individual":
        return None, ""
    found = classify_tier(inputs, rules)
    return found.tier.value, found.explanation


def _size(inputs: TierInputs) -> tuple[str | None, str]:
    revenue = inputs.revenue_yuan
    verdict = classify_size(
        inputs.industry_code,
        employees=inputs.employees,
        revenue_wan=None if revenue is None else revenue / 10_000,
        version=inputs.industry_version,
    )
    return (verdict.size_class.value if verdict.size_class else None), verdict.explanation


def _decide_chunk(
    rows: list[Any], rules: LoadedRules[TierRules], today: date, report: RecomputeReport
) -> Writes:
    writes = Writes()
    for row in rows:
        business_id = row[0]
        result_id, result_uuid, old_tier, old_size, old_version, old_inputs, override = row[14:21]
        inputs, inputs_json = _inputs(row, today)
        new_row = result_id is None
        same_inputs = not new_row and inputs_json == old_inputs
        report.businesses += 1
        if same_inputs and old_version == rules.version:
            _count(report, override or old_tier, old_size, override, old_tier)
            report.unchanged += 1
            continue
        tier, explanation = _tier(inputs, row[1], rules.rules)
        values: dict[str, Any] = {"tier": tier, "inputs": inputs_json, "explanation": explanation}
        if same_inputs:  # only the rules changed: the size class depends on the inputs alone
            size = old_size
            writes.updates_tier_only.append({**values, "result_id": result_id})
        else:
            size, size_explanation = _size(inputs)
            values.update(size_class=size, size_explanation=size_explanation)
            if new_row:
                writes.inserts.append({**values, "business_id": business_id, "uuid": new_uuid()})
            else:
                writes.updates.append({**values, "result_id": result_id})
        _count(report, override or tier, size, override, tier)
        _note_moves(report, new_row, override, (old_tier, old_size), (tier, size))
        if new_row:
            report.created += 1
        else:
            report.updated += 1
        if new_row or (old_tier, old_size) != (tier, size):
            writes.history.append(
                {"business_id": business_id, "tier": tier, "size_class": size, "explanation": explanation,
                 "size_explanation": values.get("size_explanation", "")}
            )  # fmt: skip
            writes.log.append(
                {
                    "entity_uuid": writes.inserts[-1]["uuid"] if new_row else result_uuid,
                    "action": "create" if new_row else "update",
                    "field": "classification",
                    "old": None if new_row else classification_text(old_tier, old_size),
                    "new": classification_text(tier, size),
                }
            )
    return writes


def classification_text(tier: str | None, size: str | None) -> str:
    """How the change log shows a result: 「成长型 / 微型」, 「不分型 / 小型」 for an enterprise."""
    return f"{TIER_LABELS.get(tier or '', '不分型')} / {SIZE_LABELS.get(size or '', '无法划型')}"


def _count(
    report: RecomputeReport, effective: str | None, size: str | None, override: str | None, tier: str | None
) -> None:
    if effective:
        report.tier_counts[effective] += 1
    report.size_counts[size or ""] += 1
    if override and override != tier:
        report.overrides_kept += 1


def _note_moves(
    report: RecomputeReport,
    new_row: bool,
    override: str | None,
    old: tuple[str | None, str | None],
    new: tuple[str | None, str | None],
) -> None:
    old_effective = None if new_row else (override or old[0])
    effective = override or new[0]
    if (new_row and effective) or (not new_row and old_effective != effective):
        report.tier_moves[(old_effective, effective)] += 1
    if new_row or old[1] != new[1]:
        report.size_moves[(None if new_row else old[1], new[1])] += 1
