"""The hidden machine sheet of a monthly report workbook, written and read back (for the county merge).

It holds what the merge needs without parsing the printed sheets: the office, the period, the definition
version, the issue number, every summary line with its code and figures, the definitions, the fingerprint
of every visible sheet, and a checksum over all of it (imports/report_checksum.py). Reading it back checks
both, so a figure edited by hand after issue, on the printed 汇总 or in the machine sheet, is refused with
the cell or the sheet named.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from imports.report_checksum import rows_checksum
from workbench.domain.report_model import Definition, MonthlyReport, SummaryLine

MACHINE_SHEET = "机读数据"
FORMAT_MARK = "workbench-monthly-report/1"
MERGE_MARK = "workbench-county-merge/1"  # the county merge's own output: not an office's report

_KEY_FORMAT = "格式"
_META = (
    ("所代码", "office_code"),
    ("所名称", "office_name"),
    ("月份", "period"),
    ("口径版本", "definition_version"),
    ("出具次数", "issue_number"),
    ("出具时间", "issued_at"),
)
_LINE = "指标"
_LINE_COLUMNS = (
    "code", "label", "unit", "value", "last_month", "same_month_last_year", "target", "met", "additive",
    "numerator", "denominator", "definition_code", "missing_reason", "cell",
)
_DEFINITION = "口径"
_EXTRA = "附加"
SHEET_DIGEST = "表"
_CHECKSUM = "校验码"


def _yes_no(flag: bool | None) -> str:
    return "" if flag is None else ("是" if flag else "否")


def machine_rows(
    report: MonthlyReport, value_cells: dict[str, str], digests: Sequence[tuple[str, str]]
) -> list[list[Any]]:
    """The machine sheet's rows above the checksum: value_cells maps a line's code to its 汇总 cell (C5)."""
    meta: dict[str, Any] = {
        "office_code": report.office_code,
        "office_name": report.office_name,
        "period": report.period,
        "definition_version": report.definition_version,
        "issue_number": report.issue_number,
        "issued_at": report.issued_at.isoformat(timespec="seconds") if report.issued_at else "",
    }
    rows: list[list[Any]] = [[_KEY_FORMAT, FORMAT_MARK, "请勿改动：县局合并各所月报时据此核对"]]
    rows += [[key, meta[name]] for key, name in _META]
    rows += [[_EXTRA, key, value] for key, value in sorted(report.extra.items())]
    rows.append([_LINE, *(f"[{name}]" for name in _LINE_COLUMNS)])
    for line in report.summary:
        rows.append([
            _LINE, line.code, line.label, line.unit, line.value, line.last_month, line.same_month_last_year,
            line.target, _yes_no(line.met), _yes_no(line.additive), line.numerator, line.denominator,
            line.definition_code, line.missing_reason, value_cells.get(line.code, ""),
        ])
    rows += [[_DEFINITION, item.code, item.name, item.version, item.text] for item in report.definitions]
    rows += [[SHEET_DIGEST, sheet, digest] for sheet, digest in digests]
    return rows


def write_machine_sheet(sheet: Any, rows: list[list[Any]]) -> None:
    """The rows (numbers as numbers, so they read back exact) and the checksum line; the sheet is hidden."""
    for row_index, row in enumerate([*rows, [_CHECKSUM, rows_checksum(rows)]]):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(row_index, column, value)
            else:
                sheet.write_string(row_index, column, str(value))
    sheet.hide()


class MachineSheetProblem(Exception):
    """The machine sheet is not one Workbench wrote, or does not match its checksum (the reason in Chinese)."""


def parse_machine_rows(rows: list[list[Any]]) -> tuple[MonthlyReport, dict[str, str], dict[str, str]]:
    """The report behind the machine sheet's rows (summary and definitions only), each line's 汇总 cell,
    and each visible sheet's fingerprint. Raises MachineSheetProblem."""
    if not rows or _text(rows[0], 0) != _KEY_FORMAT:
        raise MachineSheetProblem("的机读数据页不是工作台写的：请用 workbench report monthly 生成的月报")
    mark = _text(rows[0], 1)
    if mark == MERGE_MARK:
        raise MachineSheetProblem("是几个所合并后的汇总表，不是一个所的月报：请合并各所的原始月报")
    if mark != FORMAT_MARK:
        raise MachineSheetProblem(f"的机读数据格式「{mark}」不是本版工作台能读的：请升级工作台后再合并")
    checksum_at = next((index for index, row in enumerate(rows) if _text(row, 0) == _CHECKSUM), None)
    if checksum_at is None or _text(rows[checksum_at], 1) != rows_checksum(rows[:checksum_at]):
        raise MachineSheetProblem(
            "隐藏的机读数据在出具后被改动过（校验码不符）：请向出具的所要一份未改动的月报"
        )
    meta: dict[str, Any] = {}
    extra: dict[str, str] = {}
    lines: list[SummaryLine] = []
    cells: dict[str, str] = {}
    definitions: list[Definition] = []
    digests: dict[str, str] = {}
    names = dict(_META)
    for row in rows[1:checksum_at]:
        key = _text(row, 0)
        if key in names:
            meta[names[key]] = _cell(row, 1)
        elif key == _EXTRA:
            extra[_text(row, 1)] = _text(row, 2)
        elif key == _LINE and not _text(row, 1).startswith("["):
            line, cell = _line(row)
            lines.append(line)
            if cell:
                cells[line.code] = cell
        elif key == _DEFINITION:
            definitions.append(Definition(_text(row, 1), _text(row, 2), _text(row, 4), _text(row, 3)))
        elif key == SHEET_DIGEST:
            digests[_text(row, 1)] = _text(row, 2)
    issued = _text([meta.get("issued_at")], 0)
    report = MonthlyReport(
        office_code=_text([meta.get("office_code")], 0),
        office_name=_text([meta.get("office_name")], 0),
        period=_text([meta.get("period")], 0),
        definition_version=_text([meta.get("definition_version")], 0),
        summary=tuple(lines),
        definitions=tuple(definitions),
        issued_at=datetime.fromisoformat(issued) if issued else None,
        issue_number=int(meta.get("issue_number") or 0),
        extra=extra,
    )
    return report, cells, digests


def _line(row: list[Any]) -> tuple[SummaryLine, str]:
    values = dict(zip(_LINE_COLUMNS, [_cell(row, index) for index in range(1, len(_LINE_COLUMNS) + 1)],
                      strict=True))
    met = _text([values["met"]], 0)
    line = SummaryLine(
        code=_text([values["code"]], 0),
        label=_text([values["label"]], 0),
        unit=_text([values["unit"]], 0),
        value=_number(values["value"]),
        last_month=_number(values["last_month"]),
        same_month_last_year=_number(values["same_month_last_year"]),
        target=_number(values["target"]),
        met=None if not met else met == "是",
        missing_reason=_text([values["missing_reason"]], 0),
        definition_code=_text([values["definition_code"]], 0),
        additive=_text([values["additive"]], 0) != "否",
        numerator=_number(values["numerator"]),
        denominator=_number(values["denominator"]),
    )
    return line, _text([values["cell"]], 0)


def _cell(row: Sequence[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _text(row: Sequence[Any], index: int) -> str:
    value = _cell(row, index)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _number(value: Any) -> int | float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MachineSheetProblem(f"的机读数据里「{value}」应是数字：请向出具的所要一份未改动的月报")
    return int(value) if isinstance(value, float) and value.is_integer() else value
