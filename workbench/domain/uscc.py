"""统一社会信用代码 (GB 32100-2015): the mod-31 check, decoding, and Chinese explanations of what went wrong."""

from __future__ import annotations

from itertools import product
from math import prod

from workbench.domain.code_common import (
    EXCEL_TRAILING_ZEROS,
    CodeVerdict,
    compact_code,
    looks_like_excel_zeros,
)
from workbench.domain.regions import region_name, region_warning

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FORBIDDEN = "IOSVZ"
_VALUES = {char: value for value, char in enumerate(CHARSET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# 1, 5, 9 and Y are in the standard's body; the others are the later allocations published with it.
DEPARTMENTS = {
    "1": "机构编制", "2": "外交", "3": "司法行政", "4": "文化", "5": "民政", "6": "旅游",
    "7": "宗教", "8": "工会", "9": "工商（市场监管）", "A": "中央军委改革和编制办公室",
    "N": "农业农村", "Y": "其他",
}  # fmt: skip
CATEGORIES = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
}
# What a forbidden or ambiguous character was most likely meant to be; "l" is a lower-case L as typed.
_LOOKALIKES = {"O": "0", "I": "1", "Z": "2", "S": "5", "V": "UY", "l": "1L"}
_MAX_GUESSES = 256


def uscc_check_char(body: str) -> str:
    """The 18th character for the first 17 characters of a USCC (all from CHARSET)."""
    total = sum(_VALUES[char] * weight for char, weight in zip(body[:17], _WEIGHTS, strict=True))
    return CHARSET[-total % 31]


def org_check_char(body: str) -> str:
    """The GB 11714 check character for the 8-character 组织机构代码 body (letters count 10 to 35)."""
    total = sum(int(char, 36) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def check_18(raw: str, code: str) -> CodeVerdict:
    """Check an 18-character candidate USCC (already normalised)."""
    bad = [(pos, char) for pos, char in enumerate(code, 1) if char not in CHARSET]
    if bad:
        return _illegal_chars(raw, code, bad)
    expected = uscc_check_char(code)
    parts = decode(code)
    if expected != code[17]:
        return _wrong_check(raw, code, expected, parts)
    return CodeVerdict(raw, code, "uscc", True, "字符和校验位均正确", tuple(_warnings(code)), parts)


def _illegal_chars(raw: str, code: str, bad: list[tuple[int, str]]) -> CodeVerdict:
    listed = "、".join(f"第 {pos} 位「{char}」" for pos, char in bad)
    reason = f"{listed}不是统一社会信用代码使用的字符"
    if any(char in FORBIDDEN for _, char in bad):
        reason += "（代码不使用字母 I、O、S、V、Z）"
    suggestion = _lookalike_fix(raw, code)
    if suggestion:
        reason += f"；改成 {suggestion} 后校验通过，可能是录入错误，请核对营业执照后再改"
    return CodeVerdict(raw, code, "uscc", False, reason, suggestion=suggestion)


def _wrong_check(raw: str, code: str, expected: str, parts: dict[str, str]) -> CodeVerdict:
    reason = f"校验位应为 {expected}，实际为 {code[17]}"
    if looks_like_excel_zeros(code):
        reason += f"；{EXCEL_TRAILING_ZEROS}"
    else:
        reason += "（按前 17 位计算，也可能是前面某一位录错）"
    suggestion = _lookalike_fix(raw, code)
    for pos in _lower_l_positions(raw):
        reason += f"；第 {pos} 位原文是小写字母「l」，容易与数字「1」混淆"
        reason += (
            "，改成「1」后校验通过" if suggestion else "，但改成「1」也对不上校验位，请对照营业执照逐位核对"
        )
    return CodeVerdict(raw, code, "uscc", False, reason, parts=parts, suggestion=suggestion)


def _lower_l_positions(raw: str) -> list[int]:
    compact = compact_code(raw)
    return [pos for pos, char in enumerate(compact, 1) if char == "l"] if len(compact) == 18 else []


def _lookalike_fix(raw: str, code: str) -> str | None:
    """The one correction of look-alike characters that makes the check pass, if exactly one does."""
    compact = compact_code(raw)
    typed = compact if len(compact) == 18 else code
    options = [_LOOKALIKES.get(char) or _LOOKALIKES.get(char.upper(), char.upper()) for char in typed]
    if prod(len(choices) for choices in options) > _MAX_GUESSES:
        return None
    passing = {guess for guess in map("".join, product(*options)) if guess != code and _passes(guess)}
    return passing.pop() if len(passing) == 1 else None


def _passes(code: str) -> bool:
    return all(char in CHARSET for char in code) and uscc_check_char(code) == code[17]


def passes_check(code: str) -> bool:
    """An 18-character code whose characters and check character are a credit code's (nothing else is checked)."""
    return len(code) == 18 and _passes(code)


def decode(code: str) -> dict[str, str]:
    """Name the parts of a well-formed USCC; unknown departments and categories read 未知."""
    department = DEPARTMENTS.get(code[0], "未知")
    category = CATEGORIES.get(code[0], {}).get(code[1], "未知")
    return {
        "登记管理部门": f"{code[0]} {department}",
        "机构类别": f"{code[1]} {category}",
        "登记管理机关行政区划": f"{code[2:8]} {region_name(code[2:8])}",
        "主体标识码": code[8:17],
        "校验码": code[17],
    }


def _warnings(code: str) -> list[str]:
    return [note for note in (region_warning(code[2:8]), _org_warning(code[8:17])) if note]


def _org_warning(org_code: str) -> str | None:
    expected = org_check_char(org_code[:8])
    if expected == org_code[8]:
        return None
    return (
        f"主体标识码（第 9 至 17 位）的组织机构代码校验位应为 {expected}，实际为 {org_code[8]}；"
        "整码校验已通过，仅作提示"
    )
