"""The recompute as it was before the speed work (session 3), kept as the reference the fast path must match.

Test-only: tests/test_classification_fast_path.py runs both on the same office and compares every row written
(results, history, change log) and the report. Copied from workbench/services/classification_recompute.py and
classification_writes.py at commit 6a59f7b, trimmed to the whole-office path.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, text
from sqlmodel import Session

from storage.audit import Actor, utc_now
from workbench.domain.rule_files import LoadedRules
from workbench.domain.size_class import classify_size
from workbench.domain.tiers import TIER_LABELS, TierInputs, TierRules, classify_tier
from workbench.services.classification_report import SIZE_LABELS, RecomputeReport
from workbench.services.classification_writes import RESULT, log_run, new_uuid

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


def reference_recompute(
    session: Session, *, actor: Actor, rules: LoadedRules[TierRules], today: date, dry_run: bool = False
) -> RecomputeReport:
    report = RecomputeReport(rule_version=rules.version, dry_run=dry_run)
    connection = session.connection()
    after = 0
    statement = text(_READ.format(only=""))
    while rows := list(
        connection.execute(statement, {"office_id": actor.office_id, "after": after, "limit": 700})
    ):
        writes = _decide_chunk(rows, rules, today, report)
        if not dry_run:
            write_chunk(session, actor, rules.version, writes)
        after = rows[-1][0]
    if not dry_run and (report.created or report.updated):
        log_run(session, actor, report)
    return report


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


class Writes:
    """The rows one chunk writes, as dicts; updates_tier_only keep the stored size class and explanation."""

    def __init__(self) -> None:
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.updates_tier_only: list[dict[str, Any]] = []
        self.history: list[dict[str, Any]] = []
        self.log: list[dict[str, Any]] = []


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
