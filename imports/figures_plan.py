"""The dry run of a 经营数据 list: each row matched to a business by code, quarters summed into their year.

Rows are matched a chunk at a time through the register importer's lookup (imports.matching.RegisterLookup):
a 统一社会信用代码 or 纳税人识别号 matches a business whose credit code or 注册号 is exactly that code
(an old 15-digit 税号 matches only when a business stores that very code; nothing is guessed from a name).
A row no business of this office has is listed as unmatched, never dropped. Rows of one business and year
are gathered across the whole file: a 季度/月度 row adds its revenue and tax to the year (headcounts are
taken from the latest period), a period covered twice is a repeat, and an incomplete year is said so.
Quarters and months are also kept as periods and merged with those earlier lists stored
(imports.period_merge): a running year's first quarters stay periods until the year is whole or over.
The year is then compared with the stored year_figures: new, changed (a field-level diff), or unchanged.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any, NamedTuple, cast

from sqlalchemy import Engine

from imports.code_lookup import CodeLookup, Matched, StoredRow, StoredYear
from imports.columns import ColumnMapping
from imports.errors import ImportCancelled
from imports.figures_notes import covered, dry_run_notes, months_of, months_text
from imports.header import column_letter
from imports.list_plan import ListEntry, ListPlan, ListRowKind, ProgressCallback
from imports.parse import ParsedFile
from imports.period_merge import (
    FIGURE_FIELDS,
    ChangedPeriod,
    NewPeriod,
    StoredPeriod,
    merge_year,
    stored_periods,
)
from imports.problems import ParsedRow, Problem
from imports.records import previous_import
from workbench.domain.figure_periods import Period, overlapping

CHUNK = 2000
assert StoredYear._fields[5:9] == FIGURE_FIELDS  # a stored row's figures, in FIGURE_FIELDS' order (_compare)
_FIGURES = slice(5, 9)
_DELETED_AT = StoredYear._fields.index("deleted_at")
assert StoredYear._fields[:3] == ("id", "uuid", "version")


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
    new_periods: list[NewPeriod] = field(default_factory=list)
    changed_periods: list[ChangedPeriod] = field(default_factory=list)
    retired_periods: list[StoredPeriod] = field(default_factory=list)

    @property
    def touched(self) -> set[int]:
        return {item.business_id for item in self.new} | {item.business_id for item in self.changed}


class _Part(NamedTuple):
    """One row of a year: its Excel row number, its period, its figures (FIGURE_FIELDS' order; None: not in
    the file), the business its code matched, and a quarter's or month's cells (an overlap with a stored
    period names them)."""

    row_number: int
    period: Period
    values: tuple[int | None, ...]
    business: Matched
    cells: list[Any] | None
    items: frozenset[str] | None  # the 征收项目 of the rows combined into this one (a tax system's detail export)


_new_part = tuple.__new__  # _Part's fields without its Python-level __new__: one is made for every row


class _Years:
    """The file's rows by (business id, year), gathered across the whole file: the first row of each year;
    all the rows, in file order, only of the years with more than one (quarters, repeats); the rows that
    carry a warning. Most years are one annual row, kept as that row alone."""

    __slots__ = ("first", "more", "warned", "combined", "periodic")

    def __init__(self) -> None:
        self.first: dict[tuple[int, int], _Part] = {}
        self.more: dict[tuple[int, int], list[_Part]] = {}
        self.warned: dict[tuple[int, int], list[ListEntry]] = {}
        self.combined: dict[int, int] = {}  # a part's row number -> the rows of other 征收项目 combined into it
        self.periodic: set[int] = set()  # the businesses with a quarter or month in the list

    def rows_of(self, parts: list[_Part]) -> int:
        """The file's rows these parts stand for (a part holds the rows of its other 征收项目 too)."""
        combined = self.combined
        return len(parts) + (sum(combined.get(part.row_number, 0) for part in parts) if combined else 0)


def plan_figures(
    engine: Engine, parsed: ParsedFile, *, office_id: int, progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None, today: date | None = None,
) -> ListPlan:  # fmt: skip
    """The dry run of a 经营数据 list into this office; nothing is written."""
    report = progress or (lambda done, total, stage: None)
    plan = ListPlan.of(parsed, office_id)
    years = _Years()
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
            stored = lookup.stored_years({key[0] for key in years.first})
            periods = stored_periods(lookup.cursor, lookup.mark, _with_periods(years))
        finally:
            lookup.close()
    plan.skipped_rows, plan.blank_rows = parsed.skipped, parsed.blank_rows
    plan.writes = _decide(plan, years, stored, periods, parsed.title_unit, today or date.today())
    report(done, done, "预览完成")
    return plan


def _with_periods(years: _Years) -> set[int]:
    """The businesses with a quarter or month in the list: their stored periods are read."""
    return years.periodic | {key[0] for key in years.more}


def _codes(values: dict[str, Any]) -> list[str]:
    """The row's codes, credit code first, each once."""
    uscc, taxpayer_id = values.get("uscc"), values.get("taxpayer_id")
    if not taxpayer_id or taxpayer_id == uscc:
        return [uscc] if uscc else []
    return [uscc, taxpayer_id] if uscc else [taxpayer_id]


def _place(plan: ListPlan, lookup: CodeLookup, row: ParsedRow, codes: list[str],
           years: _Years) -> None:  # fmt: skip
    values = row.values
    name = str(values.get("name", ""))
    if (row.problems or row.duplicate_of is not None) and not row.valid:  # most rows: no problem, valid
        return _left_out(plan, row, ListRowKind.INVALID, name, codes)
    if not codes:
        reason = "没有统一社会信用代码或纳税人识别号，无法对应到登记簿中的市场主体"
        return _left_out(plan, row, ListRowKind.UNMATCHED, name, codes, _problem(row, plan.mapping, "uscc", reason))
    by_uscc, by_reg_no = lookup.by_uscc, lookup.by_reg_no
    if len(codes) == 1:  # the common row: one code
        stored = by_uscc.get(codes[0]) or by_reg_no.get(codes[0])
    else:
        found = [stored for code in codes if (stored := by_uscc.get(code) or by_reg_no.get(code)) is not None]
        if len(found) > 1 and found[0].id != found[1].id:
            reason = "统一社会信用代码和纳税人识别号对应的是登记簿中不同的两户，请核对"
            return _left_out(plan, row, ListRowKind.INVALID, name, codes,
                             _problem(row, plan.mapping, "taxpayer_id", reason))
        stored = found[0] if found else None
    if stored is None:
        elsewhere = [code for code in codes if code in lookup.taken_elsewhere]
        reason = (f"代码「{elsewhere[0]}」登记在其他所，不是本所的市场主体" if elsewhere
                  else f"本所登记簿中没有代码为「{codes[0]}」的市场主体")
        held = "uscc" if values.get("uscc") else "taxpayer_id"  # the column the code came from
        return _left_out(plan, row, ListRowKind.UNMATCHED, name, codes, _problem(row, plan.mapping, held, reason))
    period: Period = values["period"]
    key = (stored.id, period.year)
    get = values.get
    item = get("tax_item")
    cells = None
    if not period.annual:  # a quarter or month: its cells kept, its business's stored periods read
        cells = row.cells
        years.periodic.add(stored.id)
    part = _new_part(_Part, (row.row_number, period,
                             (get("revenue"), get("tax_paid"), get("employees"), get("insured_staff")), stored,
                             cells, frozenset((item,)) if item else None))
    first = years.first.setdefault(key, part)
    if first is not part:  # the year has rows already: a quarter, or a repeat
        parts = years.more.get(key) or [first]
        clash = overlapping([earlier.period for earlier in parts] + [period])
        if clash is not None:
            earlier = next(earlier for earlier in parts if earlier.period == clash[0])
            if not _another_tax_item(earlier, part):
                reason = (f"与第 {earlier.row_number} 行是同一户「{stored.name}」的{clash[0].label}数据，"
                          f"本行的{period.label}与它重叠：文件中重复出现，本行不会导入")
                return _left_out(plan, row, ListRowKind.DUPLICATE, name, codes,
                                 _problem(row, plan.mapping, "period", reason), keep=row.problems)
            _combine(years, key, earlier, part)
        else:
            years.more[key] = [*parts, part]
    problems = row.problems
    if name and name != stored.name:
        problems = [*problems, _problem(row, plan.mapping, "name", f"名称与登记簿不同（登记簿为「{stored.name}」），已按代码对应",
                                        blocking=False)]
    if problems:
        years.warned.setdefault(key, []).append(
            ListEntry(row.row_number, ListRowKind.NEW, name, codes[0], list(problems), row.cells, stored.uuid))


def _another_tax_item(earlier: _Part, part: _Part) -> bool:
    """The same business and period again, for a 征收项目 the earlier row(s) did not have: the tax system's detail
    export gives one row per tax (增值税, 城市维护建设税, 个人所得税 ...), to be added up, not a repeat."""
    return (part.items is not None and earlier.items is not None and earlier.period == part.period
            and not part.items <= earlier.items)  # fmt: skip


def _combine(years: _Years, key: tuple[int, int], earlier: _Part, part: _Part) -> None:
    """`part`'s tax added to `earlier`'s; its revenue and headcounts only where larger: every tax's row of a
    business repeats or leaves out the sales (增值税's base), and the other taxes' bases are smaller."""
    (revenue, tax, employees, insured), added = earlier.values, part.values  # FIGURE_FIELDS' order
    tax_paid = None if tax is None and added[1] is None else (tax or 0) + (added[1] or 0)
    values = (_larger(revenue, added[0]), tax_paid, _larger(employees, added[2]), _larger(insured, added[3]))
    combined = earlier._replace(values=values, items=(earlier.items or frozenset()) | (part.items or frozenset()))
    if years.first[key] is earlier:
        years.first[key] = combined
    if (more := years.more.get(key)) is not None:
        years.more[key] = [combined if kept is earlier else kept for kept in more]
    years.combined[earlier.row_number] = years.combined.get(earlier.row_number, 0) + 1


def _larger(one: int | None, other: int | None) -> int | None:
    return one if other is None else other if one is None else max(one, other)


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


def _decide(plan: ListPlan, years: _Years, stored: dict[tuple[int, int], StoredRow],
            periods: dict[tuple[int, int], list[StoredPeriod]], title_unit: int | None, today: date) -> FigureWrites:
    writes = FigureWrites()
    summed_businesses: set[int] = set()
    summed_rows = running_rows = 0
    incomplete: list[str] = []
    running: list[str] = []
    replaced: list[str] = []
    new, held, more, warned = writes.new, stored.get, years.more, years.warned
    new_rows = update_rows = unchanged_rows = 0  # counted here, added to plan.counts once
    for key, first in years.first.items():
        parts = more.get(key) if more else None
        if parts is None and first.period.annual:  # the common year: one annual row, nothing to sum
            figures, rows = first.values, (years.rows_of([first]) if years.combined else 1)
        else:
            parts = parts or [first]
            name = first.business.name
            merged = merge_year(key[0], key[1], parts, periods.get(key, ()), today)
            writes.new_periods += merged.new
            writes.changed_periods += merged.changed
            writes.retired_periods += merged.retired
            if merged.retired:
                replaced.append(f"「{name}」{key[1]}年 {months_text(months_of(merged.retired))}")
            for part, clash in merged.refused:
                _refuse(plan, years, key, part, clash)
            rows = years.rows_of(parts) - years.rows_of([part for part, _clash in merged.refused])
            if not rows:  # every row of the year overlaps a kept period: nothing of it is taken
                continue
            if merged.figures is None:  # a running year, not whole yet: its periods only
                running.append(f"「{name}」{key[1]}年已有 {months_text(covered(merged.missing))}")
                running_rows += rows
                extra = rows - len(merged.new) - len(merged.changed) - merged.unchanged  # other 征收项目' rows
                new_rows += len(merged.new) + (extra if merged.new else 0)
                update_rows += len(merged.changed) + (extra if merged.changed and not merged.new else 0)
                unchanged_rows += merged.unchanged + (extra if not (merged.new or merged.changed) else 0)
                _file_entries(plan, warned, key, ListRowKind.NEW if merged.new else ListRowKind.UPDATE)
                continue
            figures = merged.figures
            summed_businesses.add(key[0])
            summed_rows += rows
            if merged.missing:
                incomplete.append(f"「{name}」{key[1]}年缺 {months_text(merged.missing)}")
        before = held(key)
        if before is None:
            present: dict[str, int]
            if None in figures:
                present = {name: value for name, value in zip(FIGURE_FIELDS, figures, strict=True) if value is not None}
            else:  # every figure given: no None to leave out
                present = dict(zip(FIGURE_FIELDS, cast("tuple[int, ...]", figures), strict=True))
            new.append(NewFigure(key[0], first.business.uuid, key[1], present, first.row_number))
            kind = ListRowKind.NEW
            new_rows += rows
        else:
            kind = _compare(writes, first, key[1], figures, before)
            if kind is ListRowKind.UPDATE:
                update_rows += rows
            else:
                unchanged_rows += rows
        _file_entries(plan, warned, key, kind)
    plan.counts[ListRowKind.NEW] += new_rows
    plan.counts[ListRowKind.UPDATE] += update_rows
    plan.counts[ListRowKind.UNCHANGED] += unchanged_rows
    plan.entries.sort(key=lambda entry: entry.row_number)
    dry_run_notes(plan, writes, title_unit, summed=(len(summed_businesses), summed_rows), incomplete=incomplete,
           running=(running, running_rows), replaced=replaced,
           combined=(len(years.combined), sum(years.combined.values())))  # fmt: skip
    return writes


def _file_entries(plan: ListPlan, warned: dict[tuple[int, int], list[ListEntry]], key: tuple[int, int],
                  kind: ListRowKind) -> None:  # fmt: skip
    """The year's rows that carry a warning, with the verdict their year got."""
    if warned and (entries := warned.get(key)):
        for entry in entries:
            entry.kind = kind
            plan.entries.append(entry)


def _refuse(plan: ListPlan, years: _Years, key: tuple[int, int], part: _Part, clash: Period) -> None:
    """A quarter or month that overlaps a stored period without being the same run of months."""
    business = part.business
    reason = (f"「{business.name}」已导入过{clash.label}的数据，本行的{part.period.label}与它重叠又不相同，无法判断是更正"
              "还是重复，本行不会导入；如需更正，请按原来的所属期重新导入")
    column = plan.mapping.column_of("period")
    cells = part.cells or []
    raw = cells[column] if column is not None and column < len(cells) else None
    header = plan.headers[column] if column is not None else ""
    letter = column_letter(column) if column is not None else ""
    problem = Problem(plan.sheet, part.row_number, header, raw, reason, letter, "period", True)
    plan.counts[ListRowKind.INVALID] += 1 + years.combined.get(part.row_number, 0)
    plan.entries.append(ListEntry(part.row_number, ListRowKind.INVALID, business.name, "", [problem], cells,
                                  business.uuid))  # fmt: skip
    if entries := years.warned.get(key):
        years.warned[key] = [entry for entry in entries if entry.row_number != part.row_number]


def _compare(writes: FigureWrites, first: _Part, year_number: int, figures: tuple[int | None, ...],
             stored: StoredRow) -> ListRowKind:  # fmt: skip
    """A stored year changed or unchanged by the file's `figures` (FIGURE_FIELDS' order; None: not in the file,
    not written)."""
    revived = stored[_DELETED_AT] is not None  # the year was deleted: the import brings it back
    held = stored[_FIGURES]
    if not revived and figures == held:  # every figure as stored (a repeated list): nothing to compare
        writes.unchanged += 1
        return ListRowKind.UNCHANGED
    # The fields the file has (not None) that differ, or all it has for a year brought back; FIGURE_FIELDS'
    # order, written out: this runs for every stored year of the list.
    revenue, tax_paid, employees, insured_staff = figures
    old_revenue, old_tax_paid, old_employees, old_insured_staff = held
    diff: dict[str, tuple[Any, Any]] = {}
    if revenue is not None and (old_revenue != revenue or revived):
        diff["revenue"] = (old_revenue, revenue)
    if tax_paid is not None and (old_tax_paid != tax_paid or revived):
        diff["tax_paid"] = (old_tax_paid, tax_paid)
    if employees is not None and (old_employees != employees or revived):
        diff["employees"] = (old_employees, employees)
    if insured_staff is not None and (old_insured_staff != insured_staff or revived):
        diff["insured_staff"] = (old_insured_staff, insured_staff)
    if not diff and not revived:
        writes.unchanged += 1
        return ListRowKind.UNCHANGED
    business = first.business
    figure_id, uuid, version = stored[:3]
    writes.changed.append(ChangedFigure(figure_id, uuid, version, business.id, year_number, diff, revived,
                                        first.row_number, business.name))
    return ListRowKind.UPDATE
