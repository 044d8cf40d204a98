"""Cell values -> clean Python values before validation and diffing, so "" vs None or 3.0 vs 3 is no change.

Every parser takes what a reader gives (str, float, int, bool, date, datetime) and returns the clean value,
None for an empty cell, or raises ValueError with a Chinese reason naming the value.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from typing import Any

from workbench.domain.labels import STATUS_LABELS, BusinessStatus, normalise_status
from workbench.domain.regno import is_text_reg_no
from workbench.domain.safe_text import without_controls

# The value parsers live in the domain so the form and the import read values the same way.
from workbench.domain.values import parse_date as parse_date
from workbench.domain.values import parse_int as parse_int
from workbench.domain.values import parse_money as parse_money

_SUSPENDED = frozenset({"歇业", "歇业备案", "已歇业"})
_TEXT_PREFIX = "'`"  # Excel's "keep as text" apostrophe, kept by some CSV exports
_WHOLE_FLOAT_TEXT = re.compile(r"([0-9]{1,15})\.0+")  # a float's text that held the number exactly


def clean_text(value: Any) -> str | None:
    """NFKC and trimmed (full-width spaces too), control characters (NUL, ESC...) removed; an empty cell is
    None; a whole-number float loses its .0."""
    if value.__class__ is str:
        if value.isascii() and value.isalnum():  # only A-Z, a-z, 0-9 (a code, a number): already clean
            return value  # type: ignore[no-any-return]
        return _cleaned_str(value)
    if value is None:
        return None
    if isinstance(value, str):
        return _cleaned_str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value == datetime(value.year, value.month, value.day):
        return value.date().isoformat()
    return str(value)


def _cleaned_str(value: str) -> str | None:
    """clean_text of any text: the general path, which gives letters and digits back as they are."""
    if not value.isprintable():  # rare: only then is there a control character to remove
        value = without_controls(value)
    text = value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
    return text or None


def code_text(value: Any) -> str | None:
    """A code cell as text. A float of 16+ digits has lost digits, so it stays in Excel's notation for
    workbench.domain.identifiers to name the damage; a smaller whole float is exact and loses its .0,
    also when a CSV carries it as text ("13812345678.0": a numeric column written out by pandas or WPS)."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if value.__class__ is str and value.isascii() and value.isalnum():  # the usual code: nothing to clean
        return value
    return _code_of_text(clean_text(value))


def _code_of_text(text: str | None) -> str | None:
    """code_text of a cell already through clean_text: the general path."""
    if text is None:
        return None
    text = text.lstrip(_TEXT_PREFIX).strip()
    if text.endswith(".0") and (whole := _WHOLE_FLOAT_TEXT.fullmatch(text)) is not None:
        return whole.group(1)
    return text or None


def code_field(code: str) -> str:
    """Which field a code belongs in by its pattern: 15 or 13 digits, or a 注册号 in words -> reg_no."""
    compact = code.replace(" ", "").replace("-", "")
    if compact.isascii():
        return "reg_no" if len(compact) in (13, 15) and compact.isdigit() else "uscc"
    return "reg_no" if is_text_reg_no(compact) else "uscc"




@lru_cache(maxsize=256)
def parse_status(value: Any) -> tuple[str, bool] | None:
    """(status code, suspended): 在业 -> ("active", False); 歇业 is 存续 with the 歇业 flag set."""
    text = clean_text(value)
    if text is None:
        return None
    if text.replace(" ", "") in _SUSPENDED:
        return BusinessStatus.ACTIVE, True
    code = normalise_status(text)
    if code is None:
        choices = "、".join(STATUS_LABELS.values())
        raise ValueError(f"登记状态「{value}」无法识别，可选：{choices}（也认得 在业、开业、在营、歇业）")
    return code, False
