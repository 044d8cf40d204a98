"""Clean one data row: per-column converters chosen once per file, then validate_business once per row.

The dates and amounts, whose cells repeat down a list, are converted once per distinct value
(imports.cell_answers); the few-valued texts through an lru_cache, the rest cell by cell. `cleaned`
depends on nothing but the row, so it may run in a worker process (imports.row_workers); `row` then adds
what needs the rows before it (a code repeated within the file) in this process, in the file's order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from typing import Any

from imports.cell_answers import KNOWN_CELLS, UNKNOWN, Refused, converted
from imports.columns import ColumnMapping
from imports.fastcheck import cached_validation, valid_id_number, valid_mobile, valid_uscc
from imports.header import column_letter
from imports.industry import read_industry
from imports.normalise import (
    clean_text,
    code_field,
    code_text,
    parse_date,
    parse_int,
    parse_money,
    parse_status,
)
from imports.problems import ParsedRow, Problem
from workbench.domain.labels import BusinessKind
from workbench.domain.registration_dates import registration_date_doubt, registration_date_error
from workbench.domain.regno import check_15
from workbench.services.business_validation import validate_business

_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(("uscc", "reg_no", "code", "id_number", "phone"), code_text),
    "registered_on": parse_date,
    **dict.fromkeys(
        ("deregistered_on", "revoked_on", "cancelled_on", "moved_out_on", "moved_in_on", "approved_on"), parse_date
    ),
    "employees": parse_int,
    "status": parse_status,
}
# Text columns with a handful of distinct values: cleaned once per value.
_FEW_TEXTS = frozenset({"kind", "composition", "grid", "officer", "registration_authority", "supervising_unit",
                        "industry_code", "industry_name"})
_few_text = lru_cache(maxsize=4096)(clean_text)
# Fields whose converter costs more than remembering its answer (a date in words, an amount in 万元, 3人):
# converted once per distinct cell. A text is cleaned in less time than its answer is looked up, and a code
# is its own in every row (docs/benchmarks.md, session 14 emptyplan).
_REMEMBERED = frozenset({"registered_on", "deregistered_on", "revoked_on", "cancelled_on", "moved_out_on",
                         "moved_in_on", "approved_on", "capital", "employees"})
# Fields with a handful of distinct values: validated once per value (imports.fastcheck.cached_validation).
_FEW_VALUES = ("kind", "composition")


@dataclass(frozen=True, slots=True)
class _Column:
    index: int
    field: str
    header: str
    letter: str
    convert: Callable[[Any], Any]


class RowCleaner:
    """Turns (row number, cells) into a ParsedRow; remembers codes to flag repeats within the file."""

    def __init__(self, sheet: str, mapping: ColumnMapping) -> None:
        self.sheet = sheet
        self.headers = mapping.headers
        self.width = len(mapping.headers)
        self.columns = [
            _Column(index, name, _header(mapping, index), column_letter(index), _converter(name, mapping.units.get(index, 1)))
            for index, name in sorted(mapping.fields.items())
        ]
        self.by_field = {column.field: column for column in self.columns}
        # (column, field, converter, the converter's answers so far by cell value, or None: cell by cell)
        self.plan: list[tuple[int, str, Callable[[Any], Any], dict[Any, Any] | None]] = [
            (column.index, column.field, column.convert, {} if column.field in _REMEMBERED else None)
            for column in self.columns
        ]
        self.mapping = mapping
        self.has_name = "name" in self.by_field
        self.reads_industry = "industry_code" in self.by_field or "industry_name" in self.by_field
        self.first_row: dict[tuple[str, str], int] = {}
        self.today = date.today()

    def __reduce__(self) -> tuple[Any, ...]:
        """A worker started by a fork server or spawn gets a cleaner of its own (its answers start empty)."""
        return _cleaner, (self.sheet, self.mapping, self.today)

    def clean(self, number: int, cells: list[Any]) -> ParsedRow | None:
        """The parsed row, or None when every mapped cell is empty."""
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        cleaned = self.cleaned(number, cells)
        return None if cleaned is None else self.row(number, cells, cleaned)

    def row(self, number: int, cells: list[Any], cleaned: tuple[dict[str, Any], list[Problem]]) -> ParsedRow:
        """The row of `cells` (padded to the header's width) with its `cleaned` values and problems, and a
        code that an earlier row of the file has already named flagged: asked of each row in the file's order."""
        row = ParsedRow(self.sheet, number, self.headers, cells, cleaned[0], cleaned[1])
        self._flag_repeat(row, cells)
        return row

    def cleaned(self, number: int, cells: list[Any]) -> tuple[dict[str, Any], list[Problem]] | None:
        """(values, problems) of one row's `cells` (padded to the header's width), None when every mapped
        cell is empty; the row alone decides them."""
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for index, name, convert, known in self.plan:
            raw = cells[index]
            if raw == "" or raw is None:
                continue
            if known is not None and ((kind := raw.__class__) is str or (kind is float and raw)):  # once a value
                value = known.get(raw, UNKNOWN)
                if value is UNKNOWN:
                    value = known[raw] = converted(convert, raw)
                    if len(known) > KNOWN_CELLS:
                        known.clear()
                if value.__class__ is Refused:
                    problems.append(self._problem(number, self.by_field[name], raw, value.reason))
                    continue
            else:
                try:
                    value = convert(raw)
                except ValueError as error:
                    problems.append(self._problem(number, self.by_field[name], raw, str(error)))
                    continue
            if value is not None:
                values[name] = value
        if not values and not problems:
            return None
        self._combine(values, number, cells, problems)
        self._validate(number, values, problems, cells)
        reg_no = values.get("reg_no")
        if reg_no is not None and len(reg_no) == 15 and reg_no.isdigit() and reg_no.isascii():
            self._reg_no_check(number, reg_no, problems, cells)
        if "registered_on" in values:
            self._registration_date(number, values, problems, cells)
        return values, problems

    def _reg_no_check(self, number: int, reg_no: str, problems: list[Problem], cells: list[Any]) -> None:
        """A 15-digit 注册号 whose check digit does not fit (ISO 7064 MOD 11,10) is imported as written, with a
        warning: a digit may have been typed wrong, and the number is how old records are found."""
        verdict = check_15(reg_no, reg_no)
        column = self._column_for("reg_no", cells)
        if verdict.valid or column is None:
            return
        advice = "；".join((verdict.reason, *(verdict.warnings or ("请与登记系统核对",))))
        problems.append(self._problem(number, column, cells[column.index], advice, blocking=False))

    def _registration_date(self, number: int, values: dict[str, Any], problems: list[Problem],
                           cells: list[Any]) -> None:  # fmt: skip
        """An impossible 成立日期 (before 1900, after today) is an error; an unlikely one a warning."""
        column = self.by_field["registered_on"]
        error = registration_date_error(values["registered_on"], self.today)
        if error is not None:
            del values["registered_on"]
            problems.append(self._problem(number, column, cells[column.index], error))
            return
        uscc = values.get("uscc")
        kind = values.get("kind") or (BusinessKind.HOUSEHOLD if isinstance(uscc, str) and uscc.startswith("92") else None)
        doubt = registration_date_doubt(values["registered_on"], kind)
        if doubt is not None:
            problems.append(self._problem(number, column, cells[column.index], doubt, blocking=False))

    def _combine(self, values: dict[str, Any], number: int, cells: list[Any], problems: list[Problem]) -> None:
        status = values.pop("status", None)
        if status is not None:
            values["status"], suspended = status
            if suspended:
                values["suspended"] = True
        if "code" in values or "uscc" in values:
            self._route_codes(values)
        if self.reads_industry:
            self._industry(values, number, cells, problems)

    def _route_codes(self, values: dict[str, Any]) -> None:
        # A combined column, or a 信用代码 column holding an old 注册号, is split by the code's pattern.
        for source in ("code", "uscc"):
            code = values.get(source)
            if code is None:
                continue
            target = code_field(code)
            if source == "code" or (target == "reg_no" and "reg_no" not in values):
                del values[source]
                values.setdefault(target, code)

    def _industry(self, values: dict[str, Any], number: int, cells: list[Any], problems: list[Problem]) -> None:
        code_cell, name_cell = values.pop("industry_code", None), values.pop("industry_name", None)
        if code_cell is None and name_cell is None:
            return
        reading = read_industry(code_cell, name_cell)
        if reading.code is not None:
            values["industry_code"] = reading.code
            values["industry_code_version"] = reading.version
        if reading.note:
            column = self.by_field.get("industry_code" if code_cell is not None else "industry_name")
            assert column is not None
            problems.append(self._problem(number, column, cells[column.index], reading.note, reading.blocking))

    def _validate(self, number: int, values: dict[str, Any], problems: list[Problem], cells: list[Any]) -> None:
        checked = self._unproven(values)
        if not checked:
            return
        clean, errors = validate_business(checked)
        values.update((name, value) for name, value in clean.items() if value is not None and value != "")
        for name, reason in errors.items():
            values.pop(name, None)
            column = self._column_for(name, cells)
            raw = cells[column.index] if column else checked.get(name)
            problems.append(self._problem(number, column, raw, reason, field=name))

    def _unproven(self, values: dict[str, Any]) -> dict[str, Any]:
        """The values validate_business still has to see; the rest are proven by imports.fastcheck."""
        checked: dict[str, Any] = {}
        if self.has_name and "name" not in values:
            checked["name"] = None
        uscc = values.get("uscc")
        if uscc is not None and valid_uscc(uscc) is None:
            checked["uscc"] = uscc
        id_number = values.get("id_number")
        if id_number is not None and valid_id_number(id_number, self.today) is None:
            checked["id_number"] = id_number
        phone = values.get("phone")
        if phone is not None and valid_mobile(phone) is None:
            checked["phone"] = phone
        if "reg_no" in values:
            checked["reg_no"] = values["reg_no"]
        for name in _FEW_VALUES:
            if name in values:
                values[name], error = cached_validation(name, values[name])
                if error is not None:
                    checked[name] = values[name]
        return checked

    def _column_for(self, name: str, cells: list[Any]) -> _Column | None:
        """The column a field's value came from: a code may have come from the combined or the other code column."""
        column = self.by_field.get(name)
        if name not in ("uscc", "reg_no") or (column is not None and cells[column.index] not in ("", None)):
            return column
        for source in ("code", "uscc", "reg_no"):
            candidate = self.by_field.get(source)
            if candidate is not None and cells[candidate.index] not in ("", None):
                return candidate
        return column

    def _flag_repeat(self, row: ParsedRow, cells: list[Any]) -> None:
        for name, label in (("uscc", "统一社会信用代码"), ("reg_no", "注册号")):
            code = row.values.get(name)
            if code is None:
                continue
            first = self.first_row.setdefault((name, code), row.row_number)
            if first != row.row_number:
                row.duplicate_of = first
                column = self._column_for(name, cells)
                raw = cells[column.index] if column else code
                reason = f"与第 {first} 行的{label}相同：文件中重复出现，本行不会导入"
                row.problems.append(self._problem(row.row_number, column, raw, reason, field=name))
                return

    def _problem(self, number: int, column: _Column | None, raw: Any, reason: str, blocking: bool = True,
                 field: str = "") -> Problem:
        if column is None:
            return Problem(self.sheet, number, "", raw, reason, "", field, blocking)
        return Problem(self.sheet, number, column.header, raw, reason, column.letter, field or column.field, blocking)


def _header(mapping: ColumnMapping, index: int) -> str:
    return mapping.headers[index] if index < len(mapping.headers) else f"{column_letter(index)}列"


def _converter(name: str, unit: int) -> Callable[[Any], Any]:
    if name == "capital":
        return partial(parse_money, unit=unit)
    if name in _FEW_TEXTS:
        return _few_text
    return _CONVERTERS.get(name, clean_text)


def _cleaner(sheet: str, mapping: ColumnMapping, today: date) -> RowCleaner:
    cleaner = RowCleaner(sheet, mapping)
    cleaner.today = today
    return cleaner
