"""Personal identifiers: 居民身份证号 (GB 11643), phone numbers, and the masks exports show instead."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from workbench.domain.code_common import (
    EXCEL_TRAILING_ZEROS,
    is_scientific_notation,
    looks_like_excel_zeros,
    normalise_code,
    scientific_notation_reason,
)
from workbench.domain.regions import region_name

IdKind = Literal["id_18", "id_15", "unknown"]
PhoneKind = Literal["mobile", "landline", "unknown"]

_ID_WEIGHTS = tuple(pow(2, 17 - index, 11) for index in range(17))
_ID_CHECK_CHARS = "10X98765432"
_MOBILE = re.compile(r"(?:\+?86|0086)?(1[0-9]{10})")
# 010 and 02x are the only two-digit area codes; every other one has three digits after the 0.
_LANDLINE = re.compile(
    r"(0(?:10|2[0-9]|[3-9][0-9]{2}))-?([2-9][0-9]{6,7})(?:(?:转|EXT\.?|分机|#|-)([0-9]{1,6}))?"
)
_LOCAL_ONLY = re.compile(r"[2-9][0-9]{6,7}")
_PHONE_SEPARATORS = re.compile(r"[/,;、]+")  # after NFKC: ／，；


@dataclass(frozen=True)
class IdVerdict:
    """The outcome of checking one resident ID number."""

    raw: str
    code: str
    kind: IdKind
    valid: bool
    reason: str
    warnings: tuple[str, ...] = ()
    parts: dict[str, str] = field(default_factory=dict)
    suggestion: str | None = None


@dataclass(frozen=True)
class PhoneVerdict:
    """The outcome of checking one phone number; code is the normalised form."""

    raw: str
    code: str
    kind: PhoneKind
    valid: bool
    reason: str


def id_check_char(body: str) -> str:
    """The 18th character for the first 17 digits of a resident ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(body[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def check_id_number(raw: object, *, today: date | None = None) -> IdVerdict:
    """Check a resident ID number (18 digits, or a legacy 15) and explain the result in Chinese."""
    text = "" if raw is None else str(raw)
    code = normalise_code(text)
    if not code:
        return IdVerdict(text, code, "unknown", False, "没有填写身份证号")
    if is_scientific_notation(code):
        return IdVerdict(text, code, "unknown", False, scientific_notation_reason(code))
    if len(code) == 18:
        return _check_id_18(text, code, today or date.today())
    if len(code) == 15:
        return _check_id_15(text, code, today or date.today())
    return IdVerdict(text, code, "unknown", False, f"身份证号应为 18 位（旧证 15 位），实际为 {len(code)} 位")


def _check_id_18(raw: str, code: str, today: date) -> IdVerdict:
    wrong_char = _first_bad_char(code, allow_final_x=True)
    if wrong_char:
        return IdVerdict(raw, code, "id_18", False, wrong_char)
    born, date_problem = _birth_date(code[6:14], today)
    problems = [date_problem] if date_problem else []
    expected = id_check_char(code)
    if expected != code[17]:
        excel = f"；{EXCEL_TRAILING_ZEROS}" if looks_like_excel_zeros(code) else ""
        problems.append(f"校验位应为 {expected}，实际为 {code[17]}{excel}")
    parts = _id_parts(code[:6], born, code[16])
    if problems:
        return IdVerdict(raw, code, "id_18", False, "；".join(problems), parts=parts)
    return IdVerdict(raw, code, "id_18", True, "出生日期和校验位均正确", parts=parts)


def _check_id_15(raw: str, code: str, today: date) -> IdVerdict:
    wrong_char = _first_bad_char(code, allow_final_x=False)
    if wrong_char:
        return IdVerdict(raw, code, "id_15", False, wrong_char)
    born, date_problem = _birth_date("19" + code[6:12], today)
    parts = _id_parts(code[:6], born, code[14])
    if date_problem:
        return IdVerdict(raw, code, "id_15", False, date_problem, parts=parts)
    upgraded = code[:6] + "19" + code[6:]
    upgraded += id_check_char(upgraded)
    note = f"15 位旧身份证号，没有校验位；对应的 18 位号码是 {upgraded}"
    return IdVerdict(raw, code, "id_15", True, "15 位旧身份证号，出生日期正确", (note,), parts, upgraded)


def _first_bad_char(code: str, *, allow_final_x: bool) -> str | None:
    for pos, char in enumerate(code, 1):
        final_x = allow_final_x and pos == len(code) and char == "X"
        if not (char.isascii() and char.isdigit()) and not final_x:
            rule = "前 17 位只能是数字，最后一位是数字或 X" if allow_final_x else "15 位旧号码只能是数字"
            return f"第 {pos} 位「{char}」不对：身份证号{rule}"
    return None


def _birth_date(digits: str, today: date) -> tuple[date | None, str | None]:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None, f"出生日期 {digits} 不是有效日期"
    if born > today:
        return born, f"出生日期 {born.isoformat()} 晚于今天"
    if born.year < 1900:
        return born, f"出生日期 {born.isoformat()} 早于 1900 年"
    return born, None


def _id_parts(region: str, born: date | None, sex_digit: str) -> dict[str, str]:
    parts = {"地址码": f"{region} {region_name(region)}"}
    if born is not None:
        parts["出生日期"] = born.isoformat()
    parts["性别"] = "男" if int(sex_digit) % 2 else "女"
    return parts


def check_phone(raw: object) -> PhoneVerdict:
    """Check a mainland mobile or landline number; code is 13812345678 or 0577-88881234转123."""
    text = "" if raw is None else str(raw)
    cleaned = _phone_text(text)
    digits = cleaned.replace("-", "")
    if not cleaned:
        return PhoneVerdict(text, cleaned, "unknown", False, "没有填写电话号码")
    mobile = _MOBILE.fullmatch(digits)
    if mobile and mobile.group(1)[1] in "3456789":
        return PhoneVerdict(text, mobile.group(1), "mobile", True, "手机号格式正确")
    landline = _LANDLINE.fullmatch(cleaned)
    if landline:
        area, local, extension = landline.groups()
        code = f"{area}-{local}" + (f"转{extension}" if extension else "")
        return PhoneVerdict(text, code, "landline", True, "固定电话格式正确")
    return PhoneVerdict(text, cleaned, "unknown", False, _phone_problem(cleaned, digits))


def check_phones(raw: object) -> PhoneVerdict:
    """One number, or several as registers often give them (13812345678/0577-88881234, separated by / , ;
    、 or by spaces between whole numbers): each is checked as check_phone does; the code joins the
    normalised numbers with "/", the kind is the first number's. A bad number is named in the reason."""
    text = "" if raw is None else str(raw)
    normalised = unicodedata.normalize("NFKC", text)
    parts = [part for part in _PHONE_SEPARATORS.split(normalised) if part.strip()]
    if len(parts) > 1:
        return _joined(text, [check_phone(part) for part in parts])
    single = parts[0] if parts else normalised  # a separator left at either end is dropped
    whole = replace(check_phone(single), raw=text)
    spaced = single.split()
    if whole.valid or len(spaced) < 2:
        return whole
    verdicts = [check_phone(part) for part in spaced]
    return _joined(text, verdicts) if all(verdict.valid for verdict in verdicts) else whole


def _joined(text: str, verdicts: list[PhoneVerdict]) -> PhoneVerdict:
    bad = next((verdict for verdict in verdicts if not verdict.valid), None)
    if bad is not None:
        return PhoneVerdict(text, text.strip(), "unknown", False, f"其中「{bad.raw.strip()}」{bad.reason}")
    code = "/".join(verdict.code for verdict in verdicts)
    return PhoneVerdict(text, code, verdicts[0].kind, True, f"{len(verdicts)} 个号码，格式都正确")


def _phone_text(raw: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).upper()
    text = text.replace("(", "").replace(")", "-")
    return re.sub(r"-{2,}", "-", text).strip("-")


def _phone_problem(cleaned: str, digits: str) -> str:
    stray = next((char for char in digits.lstrip("+") if char not in "0123456789"), None)
    national = re.sub(r"^(?:\+?86|0086)(?=1)", "", digits)
    if stray and not re.search(r"转|EXT|分机|#", cleaned):
        return f"含有无法识别的字符「{stray}」"
    if national.startswith("1") and national.isascii() and national.isdigit():
        if len(national) != 11:
            return f"手机号应为 11 位，实际为 {len(national)} 位"
        return f"手机号第 2 位应为 3 至 9，实际为 {national[1]}"
    if _LOCAL_ONLY.fullmatch(digits):
        return "固定电话缺少区号，请写成 0577-88881234 的形式"
    if digits.startswith("0"):
        return "固定电话应为 区号 + 7 至 8 位号码（首位不为 0 或 1），如 0577-88881234，分机写在「转」后"
    return "不是手机号（1 开头 11 位），也不是带区号的固定电话（如 0577-88881234）"


def mask_id_number(value: str) -> str:
    """Show only the first 6 and last 4 characters, e.g. 330302********1234."""
    code = normalise_code(value)
    if len(code) <= 10:
        return "*" * len(code)
    return code[:6] + "*" * (len(code) - 10) + code[-4:]


def mask_phone(value: str) -> str:
    """Hide the middle of a phone number, e.g. 138****5678 or 0577-****1234; each of several numbers
    (13812345678/0577-88881234, as check_phones writes them) on its own."""
    if "/" in value:
        return "/".join(map(mask_phone, value.split("/")))
    verdict = check_phone(value)
    if verdict.kind == "mobile":
        return verdict.code[:3] + "****" + verdict.code[-4:]
    if verdict.kind == "landline":
        area, _, rest = verdict.code.partition("-")
        local, marker, extension = rest.partition("转")
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}{marker}{extension}"
    return _mask_all_but_last_four(verdict.code)


def _mask_all_but_last_four(text: str) -> str:
    return "*" * (len(text) - 4) + text[-4:] if len(text) >= 8 else "*" * len(text)
