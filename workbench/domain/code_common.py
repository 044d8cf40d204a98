"""What every code check shares: normalisation, the verdict type, and Excel-damage wording."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

CodeKind = Literal["uscc", "reg_no_15", "reg_no_13", "reg_no_text", "unknown"]

# NFKC keeps zero-width spaces and the Unicode dashes (U+2010..U+2015, U+2212) that Word pastes in.
_SEPARATORS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\-\u2010-\u2015\u2212]+")
# One digit, a fraction and a signed exponent: the "+" keeps a real code such as 31110000E000178915 out.
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?E\+[0-9]{1,2}")

EXCEL_TEXT_FIX = "请把该列设为「文本」格式后从原系统重新导出"
EXCEL_TRAILING_ZEROS = f"可能被 Excel 当作数字保存，后三位变成了 000；{EXCEL_TEXT_FIX}"


@dataclass(frozen=True)
class CodeVerdict:
    """The outcome of checking one registration identifier, worded for office staff."""

    raw: str
    code: str
    kind: CodeKind
    valid: bool
    reason: str
    warnings: tuple[str, ...] = ()
    parts: dict[str, str] = field(default_factory=dict)
    suggestion: str | None = None


def compact_code(raw: object) -> str:
    """NFKC, then drop every whitespace and hyphen, keeping the case as typed."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw))
    return _SEPARATORS.sub("", text)


def normalise_code(raw: object) -> str:
    """NFKC, strip all whitespace (full-width too) and hyphens, upper-case."""
    return compact_code(raw).upper()


def is_scientific_notation(code: str) -> bool:
    """True for how Excel shows a long number it has turned into a float, e.g. 9.16201E+17."""
    return _SCIENTIFIC.fullmatch(code.upper()) is not None


def scientific_notation_reason(code: str) -> str:
    """Explain an Excel scientific-notation value and how to get the real code back."""
    return (
        f"「{code}」是 Excel 的科学计数法显示：代码被当作数字保存，只剩 15 位有效数字，"
        f"后几位已经丢失，无法还原；{EXCEL_TEXT_FIX}"
    )


def looks_like_excel_zeros(code: str) -> bool:
    """True when an 18-digit number ends in 000, the mark of Excel's 15-significant-digit float."""
    return len(code) == 18 and code.isascii() and code.isdigit() and code.endswith("000")
