"""A licence's 有效期 as licence systems export it: one end date, or a range in one cell.

2021-05-01至2026-04-30, 2021年5月1日-2026年4月30日, 2021.05.01—2026.04.30, 20210501-20260430: the range's
start is the day of issue (when the list has no 发证日期 column) and its end the expiry. 长期 / 长期有效
is a licence without an expiry, also as a range's end (2026-03-01至长期, as 小餐饮登记证 lists write it).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from workbench.domain.values import parse_date

_DAY = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{4})(\d{2})(\d{2})"
_RANGE = re.compile(rf"(?:{_DAY})\s*(?:至|到|~|～|—+|–|-{{1,2}}|－)\s*(?:{_DAY})")
_LASTING = frozenset({"长期", "长期有效", "永久", "无期限"})
_OPEN_RANGE = re.compile(rf"(?:{_DAY})\s*(?:至|到|~|～|—+|–|-{{1,2}}|－)\s*(?:{'|'.join(_LASTING)})")
_ASK = "请写成 2026-04-30，或 2021-05-01至2026-04-30"


def parse_validity(value: Any) -> tuple[date | None, date | None]:
    """(start, end) of a 有效期 cell: (None, end) for one date, (None, None) for empty or 长期; ValueError in
    Chinese when it cannot be read or ends before it starts."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return None, value.date()
    if isinstance(value, date | int | float) and not isinstance(value, bool):
        return None, parse_date(value)
    return _text_validity(str(value))


@lru_cache(maxsize=4096)
def _text_validity(raw: str) -> tuple[date | None, date | None]:
    text = unicodedata.normalize("NFKC", raw).strip()
    if text.replace(" ", "") in _LASTING:
        return None, None
    lasting = _OPEN_RANGE.fullmatch(text)
    if lasting is not None:
        return _day(raw, lasting.groups()), None
    found = _RANGE.fullmatch(text)
    if found is None:
        try:
            return None, parse_date(text)
        except ValueError:
            raise ValueError(f"有效期「{raw}」无法识别，{_ASK}") from None
    parts = found.groups()
    start, end = _day(raw, parts[:6]), _day(raw, parts[6:])
    if end < start:
        raise ValueError(f"有效期「{raw}」的截止日期早于起始日期，请核对")
    return start, end


def _day(raw: str, groups: tuple[str | None, ...]) -> date:
    year, month, day = (groups[0], groups[1], groups[2]) if groups[0] else (groups[3], groups[4], groups[5])
    try:
        return date(int(year or 0), int(month or 0), int(day or 0))
    except ValueError:
        raise ValueError(f"有效期「{raw}」里有不存在的日期，请核对") from None
