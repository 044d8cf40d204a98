"""Values as office staff write them: dates (Excel serials, 2019年5月3日, 20190503 ...), money in 元/万元, counts.

Shared by the form (workbench.services.business_validation) and the register import (imports.normalise),
so a value the import accepts the form accepts too. Errors are ValueError with a Chinese message.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 once Excel's phantom 1900-02-29 is allowed for
_MAX_SERIAL = 2_958_465  # 9999-12-31
_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\.0+)?")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_MONEY_UNITS = (("亿元", 100_000_000), ("亿", 100_000_000), ("万元", 10_000), ("万", 10_000), ("元", 1))
_MONEY_NOISE = re.compile(r"[,\s¥]|人民币|RMB|CNY", re.IGNORECASE)
_BRACKETED_UNIT = re.compile(r"\((亿元|亿|万元|万|元)\)$")  # 100（万元）, the unit typed as the header shows it
_MAX_YUAN = Decimal(10) ** 15  # 1,000 万亿元: beyond any register, well inside a BIGINT
_MAX_WHOLE_YUAN = 10**15  # _MAX_YUAN as an int: below 2**53, so a float amount under it is exact to the yuan
_FAST_LIMIT = 1e15
_COUNT_WORDS = re.compile(r"(?:人|名|个)$")


def parse_date(value: Any) -> date | None:
    """date, datetime, an Excel serial, or text: 2019-05-03, 2019/5/3, 2019.5.3, 2019年5月3日, 20190503."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"「{value}」不是日期")
    if isinstance(value, int | float):
        return _number_date(value)
    if isinstance(value, timedelta):
        raise ValueError(f"「{value}」是时长，不是日期")
    return _text_date(str(value))


def _number_date(number: float) -> date:
    if float(number).is_integer() and 19000101 <= number <= 29991231:
        whole = int(number)
        return _checked_date(str(whole), whole // 10000, whole // 100 % 100, whole % 100)
    if 1 <= number <= _MAX_SERIAL:
        return _EXCEL_EPOCH + timedelta(days=int(number))
    raise ValueError(f"「{number:g}」不是日期，请写成 2024-05-03")


@lru_cache(maxsize=1 << 16)
def _text_date(raw: str) -> date | None:
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    found = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if found is None:
        if _SERIAL.fullmatch(text):
            return _number_date(float(text))
        raise ValueError(f"日期「{raw}」无法识别，请写成 2024-05-03 或 2024年5月3日")
    year, month, day = (int(part) for part in found.groups())
    return _checked_date(raw, year, month, day)


def _checked_date(raw: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期「{raw}」不存在（{year} 年 {month} 月没有 {day} 日，或月份有误）") from None


def parse_money(value: Any, unit: int = 1) -> int | None:
    """Whole yuan from 50000, "5万元", "12.35万" (123500), "1,234.5元"; `unit` is the header's (万元 -> 10000).

    Decimal all the way: a float cell is read by its shortest repr, so 12.35 万 is 123500, not 123499.99.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"金额「{value}」无法识别")
    if isinstance(value, int | float):
        if -_FAST_LIMIT < value < _FAST_LIMIT:  # finite, and not a huge integer a float cannot hold
            amount = value * unit
            whole = round(amount)
            # Clearly a whole number of yuan (not near a half, where the float may sit either side of it):
            # the Decimal path below rounds it to the same integer. Negative amounts take that path's error.
            if 0 <= whole < _MAX_WHOLE_YUAN and abs(amount - whole) < 1e-6:
                return int(whole)
        return _number_money(value, unit)
    return _text_money(str(value), unit)


@lru_cache(maxsize=4096)
def _number_money(value: float, unit: int) -> int:
    return _whole_yuan(Decimal(repr(value)) * unit, value)


@lru_cache(maxsize=4096)
def _text_money(raw: str, unit: int) -> int | None:
    text = _BRACKETED_UNIT.sub(r"\1", _MONEY_NOISE.sub("", unicodedata.normalize("NFKC", raw)))
    if not text:
        return None
    for suffix, factor in _MONEY_UNITS:
        if text.endswith(suffix):
            text, unit = text[: -len(suffix)], factor
            break
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"金额「{raw}」无法识别，请写数字（元），如 50000、5万元 或 12.35万") from None
    if not amount.is_finite():
        raise ValueError(f"金额「{raw}」无法识别")
    return _whole_yuan(amount * unit, raw)


def _whole_yuan(amount: Decimal, raw: Any) -> int:
    if amount < 0:
        raise ValueError(f"金额「{raw}」不能为负数")
    if amount >= _MAX_YUAN:  # also keeps Decimal.quantize from failing on 1e24 (a hypothesis find)
        raise ValueError(f"金额「{raw}」过大，请核对单位（元/万元）")
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_int(value: Any) -> int | None:
    """A count: 3, 3.0 (how calamine reads a number), "3", "3人"; fractions and negatives are refused."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"「{value}」不是整数")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"「{value:g}」不是整数")
        number = int(value)
    else:
        return _text_int(str(value))
    if number < 0:
        raise ValueError(f"「{value}」不能为负数")
    return number


@lru_cache(maxsize=1024)
def _text_int(raw: str) -> int | None:
    text = _COUNT_WORDS.sub("", unicodedata.normalize("NFKC", raw).strip().replace(",", ""))
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"「{raw}」不是整数") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"「{raw}」不是整数")
    if number < 0:
        raise ValueError(f"「{raw}」不能为负数")
    return int(number)
