"""The dry run of a 经营数据 list: each row matched to a business by code, quarters summed into their year.

Rows are matched a chunk at a time through the register importer's lookup (imports.matching.RegisterLookup):
a 统一社会信用代码 or 纳税人识别号 matches a business whose credit code or 注册号 is exactly that code
(an old 15-digit 税号 matches only when a business stores that very code; nothing is guessed from a name).
A row no business of this office has is listed as unmatched, never dropped. Rows of one business and year
are gathered across the whole file: a 季度/月度 row adds its revenue and tax to the year (headcounts are
taken from the latest period), a period covered twice is a repeat, and an incomplete year is said so.
The year is then compared with the stored year_figures: new, changed (a field-level diff), or unchanged.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import Engine

from imports.code_lookup import CodeLookup, StoredYear
from imports.columns import ColumnMapping
from imports.errors import ImportCancelled
from imports.header import column_letter
from imports.list_columns import declared_unit
from imports.list_plan import ListEntry, ListPlan, ListRowKind, ProgressCallback
from imports.parse import ParsedFile
from imports.problems import ParsedRow, Problem
from imports.records import previous_import
from workbench.domain.figure_periods import Period, missing_months, overlapping

CHUNK = 2000
FIGURE_FIELDS = ("revenue", "tax_paid", "employees", "insured_staff")
_HELD = {name: StoredYear._fields.index(name) for name in FIGURE_FIELDS}  # field -> its place in a stored row
SUMMED = frozenset({"revenue", "tax_paid"})  # headcounts are not summed: the latest period's stands


@dataclass(slots=True)
class NewFigure:
    business_id: int
    business_uuid: str
    year: int
    values: dict[str, int]
    row_number: int


@dataclass(slots=True)
class ChangedFigure:
    figure_id: int
    uuid: str
    base_version: int
    business_id: int
    year: int
    diff: dict[str, tuple[Any, Any]]
    revived: bool  # the year was deleted before: the import brings it back
    row_number: int = 0
    name: str = ""


@dataclass
class FigureWrites:
    """What the commit writes: new years, changed years; and how many years the file holds unchanged."""

    new: list[NewFigure] = field(default_factory=list)
    changed: list[ChangedFigure] = field(default_factory=list)
    unchanged: int = 0

    @property
    def touched(self) -> set[int]:
        return {item.business_id for item in self.new} | {item.business_id for item in self.changed}


@dataclass(slots=True)
class _Part:
    row_number: int
    period: Period
    values: tuple[int | None, ...]


@dataclass
class _Year:
    business_id: int
    business_uuid: str
    name: str
    parts: list[_Part] = field(default_factory=list)
    entries: list[ListEntry] = field(default_factory=list)


def plan_figures(
    engine: Engine, parsed: ParsedFile, *, office_id: int, progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> ListPlan:  # fmt: skip
    """The dry run of a 经营数据 list into this office; nothing is written."""
    report = progress or (lambda done, total, stage: None)
    plan = ListPlan.of(parsed, office_id)
    years: dict[tuple[int, int], _Year] = {}
    done = 0
    with engine.connect() as connection:
        lookup = CodeLookup(connection, office_id)
        plan.previous_import = previous_import(connection, office_id, plan.sha256)
        try:
            while chunk := list(islice(parsed.rows, CHUNK)):
                if cancel is not None and cancel.is_set():
                    raise ImportCancelled("已取消预览，数据库没有任何改动")
                codes = [_codes(row.values) for row in chunk]  # built once a row, for the lookup and the row
                lookup.prefetch(code for row_codes in codes for code in row_codes)
                for row, row_codes in zip(chunk, codes, strict=True):
                    _place(plan, lookup, row, row_codes, years)
                done += len(chunk)
                report(done, parsed.total_rows, "核对登记簿")
            stored = lookup.stored_years({key[0] for key in years})
        finally:
            lookup.close()
    plan.skipped_rows, plan.blank_rows = parsed.skipped, parsed.blank_rows
    plan.writes = _decide(plan, years, stored, parsed.title_unit)
    report(done, done, "预览完成")
    return plan


def _codes(values: dict[str, Any]) -> list[str]:
    """The row's codes, credit code first, each once."""
    uscc, taxpayer_id = values.get("uscc"), values.get("taxpayer_id")
    if not taxpayer_id or taxpayer_id == uscc:
        return [uscc] if uscc else []
    return [uscc, taxpayer_id] if uscc else [taxpayer_id]


def _place(plan: ListPlan, lookup: CodeLookup, row: ParsedRow, codes: list[str],
           years: dict[tuple[int, int], _Year]) -> None:  # fmt: skip
    values, mapping = row.values, plan.mapping
    name = str(values.get("name", ""))
    if not row.valid:
        return _left_out(plan, row, ListRowKind.INVALID, name, codes)
    if not codes:
        reason = "没有统一社会信用代码或纳税人识别号，无法对应到登记簿中的市场主体"
        return _left_out(plan, row, ListRowKind.UNMATCHED, name, codes, _problem(row, mapping, "uscc", reason))
    by_uscc, by_reg_no = lookup.by_uscc, lookup.by_reg_no
    found = [stored for code in codes if (stored := by_uscc.get(code) or by_reg_no.get(code)) is not None]
    if len(found) > 1 and found[0].id != found[1].id:
        reason = "统一社会信用代码和纳税人识别号对应的是登记簿中不同的两户，请核对"
        return _left_out(plan, row, ListRowKind.INVALID, name, codes, _problem(row, mapping, "taxpayer_id", reason))
    if not found:
        elsewhere = [code for code in codes if code in lookup.taken_elsewhere]
        reason = (f"代码「{elsewhere[0]}」登记在其他所，不是本所的市场主体" if elsewhere
                  else f"本所登记簿中没有代码为「{codes[0]}」的市场主体")
        held = "uscc" if values.get("uscc") else "taxpayer_id"  # the column the code came from
        return _left_out(plan, row, ListRowKind.UNMATCHED, name, codes, _problem(row, mapping, held, reason))
    stored = found[0]
    period: Period = values["period"]
    year = years.get((stored.id, period.year))
    if year is None:
        year = years[(stored.id, period.year)] = _Year(stored.id, stored.uuid, stored.name)
    problems = list(row.problems)
    clash = overlapping([part.period for part in year.parts] + [period]) if year.parts else None
    if clash is not None:
        first = next(part for part in year.parts if part.period == clash[0])
        reason = (f"与第 {first.row_number} 行是同一户「{stored.name}」的{clash[0].label}数据，"
                  f"本行的{period.label}与它重叠：文件中重复出现，本行不会导入")
        problems.append(_problem(row, mapping, "period", reason))
        return _left_out(plan, row, ListRowKind.DUPLICATE, name, codes, *problems[len(row.problems):],
                         keep=row.problems)
    if name and name != stored.name:
        problems.append(_problem(row, mapping, "name", f"名称与登记簿不同（登记簿为「{stored.name}」），已按代码对应",
                                 blocking=False))
    get = values.get
    year.parts.append(_Part(row.row_number, period, (get("revenue"), get("tax_paid"), get("employees"),
                                                     get("insured_staff"))))  # FIGURE_FIELDS' order
    if problems:
        year.entries.append(ListEntry(row.row_number, ListRowKind.NEW, name, codes[0], problems, row.cells,
                                      stored.uuid))


def _problem(row: ParsedRow, mapping: ColumnMapping, name: str, reason: str, blocking: bool = True) -> Problem:
    """A problem in the column of `name` when the row's list has it, else in the row."""
    column = mapping.column_of(name)
    if column is None:
        return Problem(row.sheet, row.row_number, "", None, reason, "", name, blocking)
    raw = row.cells[column] if column < len(row.cells) else None
    return Problem(row.sheet, row.row_number, row.headers[column], raw, reason, column_letter(column), name, blocking)


def _left_out(plan: ListPlan, row: ParsedRow, kind: ListRowKind, name: str, codes: list[str], *extra: Problem,
              keep: list[Problem] | None = None) -> None:
    plan.counts[kind] += 1
    problems = [*(row.problems if keep is None else keep), *extra]
    plan.entries.append(ListEntry(row.row_number, kind, name, codes[0] if codes else "", problems, row.cells))


def _decide(plan: ListPlan, years: dict[tuple[int, int], _Year], stored: dict[tuple[int, int], StoredYear],
            title_unit: int | None) -> FigureWrites:
    writes = FigureWrites()
    summed_businesses: set[int] = set()
    summed_rows = 0
    incomplete: list[str] = []
    for (business_id, year_number), year in years.items():
        if not year.parts:
            continue
        values = _year_values(year.parts)
        if len(year.parts) > 1 or not year.parts[0].period.annual:
            summed_businesses.add(business_id)
            summed_rows += len(year.parts)
            gap = missing_months([part.period for part in year.parts])
            if gap:
                incomplete.append(f"「{year.name}」{year_number}年缺 {_months_text(gap)}")
        kind = _compare(writes, year, year_number, values, stored.get((business_id, year_number)))
        plan.counts[kind] += len(year.parts)
        for entry in year.entries:
            entry.kind = kind
            plan.entries.append(entry)
    plan.entries.sort(key=lambda entry: entry.row_number)
    if summed_rows:
        plan.notes.append(f"{len(summed_businesses):,} 户的 {summed_rows:,} 行季度（月度）数据合计为年度数据"
                          "（营业收入、纳税额相加，从业人数、参保人数取最后一期）。")
    if incomplete:
        shown = "；".join(incomplete[:3]) + ("等" if len(incomplete) > 3 else "")
        plan.notes.append(f"其中 {len(incomplete):,} 户的年度不完整（{shown}），按已有月份合计，请核对。")
    money = [plan.headers[index] for index, name in plan.mapping.fields.items() if name in SUMMED]
    if any((declared_unit(header) or title_unit or 1) == 10_000 for header in money):
        plan.notes.append("金额单位为万元，已换算为元保存。")
    years_touched = len({item.business_id for item in writes.new} | {item.business_id for item in writes.changed})
    plan.written = (f"将新增 {len(writes.new):,} 条年度数据，更新 {len(writes.changed):,} 条（涉及 {years_touched:,} 户），"
                    f"{writes.unchanged:,} 条与已有数据相同。")
    return writes


def _months_text(months: list[int]) -> str:
    runs: list[str] = []
    start = previous = months[0]
    for month in [*months[1:], 0]:
        if month != previous + 1:
            runs.append(f"{start}月" if start == previous else f"{start}-{previous}月")
            start = month
        previous = month
    return "、".join(runs)


def _year_values(parts: list[_Part]) -> dict[str, int]:
    if len(parts) == 1:  # the common row: one annual row per business and year, nothing to sum
        return {name: value for name, value in zip(FIGURE_FIELDS, parts[0].values, strict=True) if value is not None}
    values: dict[str, int] = {}
    latest = sorted(parts, key=lambda part: part.period.last_month)
    for index, name in enumerate(FIGURE_FIELDS):
        present = [value for part in latest if (value := part.values[index]) is not None]
        if present:
            values[name] = sum(present) if name in SUMMED else present[-1]
    return values


def _compare(writes: FigureWrites, year: _Year, year_number: int, values: dict[str, int],
             stored: StoredYear | None) -> ListRowKind:  # fmt: skip
    if stored is None:
        writes.new.append(NewFigure(year.business_id, year.business_uuid, year_number, values, year.parts[0].row_number))
        return ListRowKind.NEW
    revived = stored.deleted_at is not None
    diff = {name: (old, new) for name, new in values.items() if (old := stored[_HELD[name]]) != new or revived}
    if not diff and not revived:
        writes.unchanged += 1
        return ListRowKind.UNCHANGED
    writes.changed.append(ChangedFigure(stored.id, stored.uuid, stored.version, year.business_id, year_number, diff,
                                        revived, year.parts[0].row_number, year.name))
    return ListRowKind.UPDATE
