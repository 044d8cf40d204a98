"""A cell of a field package edited by hand, read back as the plain value the package carried (issue 19).

Excel and WPS rewrite a workbook when they save it, and a person types as they like. What comes back:
- numbers as floats (6.0), typed codes as numbers, a code's leading zero lost (0577… -> 577…);
- dates as date cells, as Excel's serial numbers, or as text (2026/12/8, 2026年12月8日, 20261208);
- times as date-time cells or text with a space (2026-11-01 08:00);
- 是 / 否 as TRUE / FALSE or 1 / 0; a choice as its word (个体工商户) or its code;
- money as 5万元, 1,200,000 or 120万.
Each is read back to what the package's writer wrote (workbench.services.sync_rows' plain values), so an
unchanged cell equals its base value whatever the program did to it, and a changed one is the value meant.
A value that cannot be meant for the column raises ValueError with one Chinese reason.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from imports.normalise import code_text
from imports.sync_sheets import _CHOICES, YES, SheetColumn, SheetLayout
from workbench.domain.sync_model import Scalar
from workbench.domain.values import parse_date, parse_int, parse_money

_TRUE = frozenset({YES, "1", "TRUE", "true", "True", "Y", "y", "对", "有"})
_FALSE = frozenset({"否", "0", "FALSE", "false", "False", "N", "n", "无"})
_EXCEL_EPOCH = datetime(1899, 12, 30)


def empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_cell(item: SheetLayout, column: SheetColumn, cell: Any, base: Scalar) -> Scalar:
    """The plain value the person meant by `cell` in `column`; `base` is the value the package carried."""
    if empty(cell):
        return column.from_cell(None)  # None, or "" / False where the column cannot be empty
    kind = item.spec.kind_of(column.key)
    if kind == "date":
        day = parse_date(cell)
        return None if day is None else day.isoformat()
    if kind == "datetime":
        return _moment(cell, base)
    if kind == "bool":
        return _flag(cell)
    labels = _CHOICES.get((item.spec.name, column.key))
    if labels is not None:
        return _choice(cell, labels)
    if item.spec.table.c[column.key].type.python_type is int:
        return parse_money(cell) if column.kind == "money" else parse_int(cell)
    if column.kind == "code":
        return _code(cell, base)
    text = _text(cell)
    if isinstance(base, str) and text != base and _one_line_ending(text) == _one_line_ending(base):
        return base  # the same text: the program saved its line breaks its own way (\r\n, \n)
    return text


def _one_line_ending(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _moment(cell: Any, base: Scalar) -> str:
    if isinstance(cell, datetime):
        moment = cell.replace(tzinfo=None)
    elif isinstance(cell, date):
        moment = datetime(cell.year, cell.month, cell.day)
    elif isinstance(cell, int | float) and not isinstance(cell, bool):
        moment = _EXCEL_EPOCH + timedelta(days=float(cell))
        moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
    else:
        text = str(cell).strip().replace("/", "-")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"时间「{cell}」无法识别，请写成 2026-12-06 14:30") from None
    moment = moment.replace(tzinfo=None)
    shown = moment.isoformat()
    # Excel shows a time to the minute and saves what it shows: the same minute is the base's time unchanged
    if isinstance(base, str) and base[:16] == shown[:16]:
        return base
    return shown


def _flag(cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float):
        if cell in (0, 1):
            return bool(cell)
        raise ValueError(f"「{cell:g}」不是 是 或 否")
    text = str(cell).strip()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"「{text}」不是 是 或 否，请填「是」或「否」")


def _choice(cell: Any, labels: dict[str, str]) -> str:
    text = _text(cell).strip()
    if text in labels:
        return text  # the stored code itself
    codes = {label: code for code, label in labels.items()}
    if text in codes:
        return codes[text]
    raise ValueError(f"「{text}」不是可选的值（可选：{'、'.join(labels.values())}）")


def _code(cell: Any, base: Scalar) -> str:
    text = code_text(cell) or ""
    if not isinstance(cell, int | float) or base == text:
        return text
    if isinstance(base, str) and base.isdigit() and base.lstrip("0") == text:
        return base  # the same code: Excel turned it into a number and dropped its leading zero
    if abs(cell) >= 1e15:
        raise ValueError("Excel 把这个号码存成了数字，末几位已丢失：请把单元格设为「文本」后重新输入")
    return text


def _text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a number typed into a text column
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell == datetime(cell.year, cell.month, cell.day) else cell.isoformat(" ")
    if isinstance(cell, bool):
        return YES if cell else "否"
    return cell if isinstance(cell, str) else str(cell)
