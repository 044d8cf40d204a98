"""Old 工商注册号: 15 digits with an ISO 7064 MOD 11,10 check (GS15-2006), 13 digits, or text numbers."""

from __future__ import annotations

import re

from workbench.domain.code_common import CodeVerdict
from workbench.domain.regions import region_name

# 企合浙绍总字第002112号, 温工商企字(1995)第123号: the pre-2007 numbers written out in words.
_TEXT_REG_NO = re.compile(r"[\u4e00-\u9fff]+(?:\([0-9]{2,4}\)[\u4e00-\u9fff]*)?第[0-9]+号")
_KEEP_APART = "请保存在「注册号」字段，不要当作统一社会信用代码"
# GS15-2006: the first digit of the sequence number tells the kind of entity.
_SEQUENCE_KINDS = {
    **dict.fromkeys("0123", "内资企业"),
    **dict.fromkeys("45", "外资企业"),
    **dict.fromkeys("6789", "个体工商户"),
}


def regno15_check_digit(body: str) -> str:
    """The 15th digit for the first 14 digits of a 注册号 (ISO 7064 MOD 11,10)."""
    product = 10
    for digit in body[:14]:
        product = ((product + int(digit)) % 10 or 10) * 2 % 11
    return str((11 - product) % 10)


def is_text_reg_no(code: str) -> bool:
    """True for a 注册号 written in words, such as 企合浙绍总字第002112号."""
    return _TEXT_REG_NO.fullmatch(code) is not None


def check_15(raw: str, code: str) -> CodeVerdict:
    """Check a 15-digit 注册号 by its check digit."""
    parts = {
        "登记机关行政区划": f"{code[:6]} {region_name(code[:6])}",
        "主体类型": _SEQUENCE_KINDS[code[6]],
        "顺序码": code[6:14],
        "校验码": code[14],
    }
    expected = regno15_check_digit(code)
    if expected == code[14]:
        note = f"这是 2016 年前的 15 位工商注册号；{_KEEP_APART}"
        return CodeVerdict(raw, code, "reg_no_15", True, "15 位注册号，校验位正确", (note,), parts)
    reason = f"15 位注册号的校验位应为 {expected}，实际为 {code[14]}（也可能是前面某一位录错）"
    return CodeVerdict(raw, code, "reg_no_15", False, reason, _padding_hint(code), parts)


def _padding_hint(code: str) -> tuple[str, ...]:
    # Some county systems widened 13-digit numbers to 15 by appending 00, which breaks the check.
    if not code.endswith("00"):
        return ()
    return (f"末两位是 00，可能是 13 位旧注册号 {code[:13]} 补零而成，请与登记系统核对",)


def check_13(raw: str, code: str) -> CodeVerdict:
    """Accept a 13-digit 注册号 as a legacy identifier: it has no check digit."""
    note = f"13 位旧注册号（2007 年前编制），没有校验位，无法核验；{_KEEP_APART}"
    parts = {"登记机关行政区划": f"{code[:6]} {region_name(code[:6])}", "顺序码": code[6:]}
    return CodeVerdict(raw, code, "reg_no_13", True, "13 位旧注册号，格式正确", (note,), parts)


def check_text(raw: str, code: str) -> CodeVerdict:
    """Accept a 注册号 written in words as a legacy identifier: it has no check digit."""
    note = f"文字式旧注册号，没有校验位，无法核验；{_KEEP_APART}"
    return CodeVerdict(raw, code, "reg_no_text", True, "文字式旧注册号", (note,))
