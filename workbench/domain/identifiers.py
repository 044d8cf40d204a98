"""Check any registration identifier a list may hold: USCC, old 注册号, or Excel's damaged remains of one."""

from __future__ import annotations

import re

from workbench.domain.code_common import (
    EXCEL_TEXT_FIX,
    CodeKind,
    CodeVerdict,
    compact_code,
    is_scientific_notation,
    normalise_code,
    scientific_notation_reason,
)
from workbench.domain.personal_ids import (
    IdVerdict,
    PhoneVerdict,
    check_id_number,
    check_phone,
    check_phones,
    id_check_char,
    mask_id_number,
    mask_phone,
)
from workbench.domain.regno import check_13, check_15, check_text, is_text_reg_no, regno15_check_digit
from workbench.domain.uscc import check_18, org_check_char, uscc_check_char

__all__ = [
    "CodeKind",
    "CodeVerdict",
    "IdVerdict",
    "PhoneVerdict",
    "check_id_number",
    "check_phone",
    "check_phones",
    "check_uscc",
    "id_check_char",
    "mask_id_number",
    "mask_phone",
    "normalise_code",
    "org_check_char",
    "regno15_check_digit",
    "uscc_check_char",
]

# A number cell read back as a float: 330302000003031 arrives as "330302000003031.0".
_FLOAT_CELL = re.compile(r"([0-9]{13,18})\.0+")


def check_uscc(raw: object) -> CodeVerdict:
    """Check a 统一社会信用代码 or a legacy 注册号 and explain the result in Chinese."""
    text = "" if raw is None else str(raw)
    code = normalise_code(text)
    if not code:
        return CodeVerdict(text, code, "unknown", False, "没有填写代码")
    if is_scientific_notation(code):
        return CodeVerdict(text, code, "unknown", False, scientific_notation_reason(compact_code(text)))
    float_cell = _FLOAT_CELL.fullmatch(code)
    if float_cell:
        return _float_cell(text, code, float_cell.group(1))
    if is_text_reg_no(code):
        return check_text(text, code)
    if len(code) == 18:
        return check_18(text, code)
    if code.isascii() and code.isdigit() and len(code) in (13, 15):
        return check_15(text, code) if len(code) == 15 else check_13(text, code)
    return CodeVerdict(text, code, "unknown", False, _unrecognised_reason(code))


def _float_cell(raw: str, code: str, digits: str) -> CodeVerdict:
    inner = check_uscc(digits)
    reason = f"「{code}」是数字格式单元格读出的值，末尾多了「.0」"
    if inner.valid:
        reason += f"，去掉后是有效代码 {digits}；{EXCEL_TEXT_FIX}"
        return CodeVerdict(raw, code, "unknown", False, reason, suggestion=digits)
    reason += f"；去掉后仍无效：{inner.reason}"
    if EXCEL_TEXT_FIX not in inner.reason:
        reason += f"；{EXCEL_TEXT_FIX}"
    return CodeVerdict(raw, code, "unknown", False, reason)


def _unrecognised_reason(code: str) -> str:
    if code.isascii() and code.isalnum() and 16 <= len(code) <= 20:
        missing = 18 - len(code)
        off_by = f"少了 {missing} 位" if missing > 0 else f"多了 {-missing} 位"
        return f"共 {len(code)} 位，统一社会信用代码应为 18 位（{off_by}），请对照营业执照核对"
    return f"无法识别「{code}」：不是 18 位统一社会信用代码，也不是 15 位、13 位或文字式的旧注册号"
