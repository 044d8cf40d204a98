"""Turn what a person typed into clean business values, or Chinese messages per field."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from workbench.domain import identifiers, reference
from workbench.domain.business_fields import (
    BUSINESS_ROW,
    MAX_LENGTHS,
    REQUIRED_WHEN_NEW,
    field_label,
    operator_label,
)
from workbench.domain.labels import (
    COMPOSITION_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    BusinessKind,
    normalise_kind,
    normalise_status,
)
from workbench.domain.registration_dates import registration_date_error
from workbench.domain.safe_text import without_controls
from workbench.domain.values import parse_date, parse_int, parse_money

# The phone column's length (workbench.domain.business_fields, pinned to the table): several numbers
# written a/b must still fit it.
PHONE_MAX = MAX_LENGTHS["phone"]
MAX_EMPLOYEES = 10_000_000  # a whole number larger than any business (and than a 32-bit column) is a typo
INDUSTRY_VERSIONS = ("2017", "2011")

# Fields whose cleaner below accepts only values of a known shape (a credit code is 18 characters, a kind one
# of three words, a phone number at most PHONE_MAX), each refused in its own words: never longer than the
# column once clean (tests/test_business_row.py holds each to that), so the length check skips them.
SHAPED_FIELDS = frozenset(
    {"uscc", "id_number", "phone", "kind", "status", "composition", "industry_code", "industry_code_version"}
)
_FREE_TEXT_LIMITS = tuple(
    (spec.name, spec.max_length)
    for spec in BUSINESS_ROW
    if spec.max_length is not None and spec.name not in SHAPED_FIELDS and (spec.editable or spec.imported)
)
# Free text is NFKC-cleaned and trimmed; the coded texts (uscc, phone ...) have their own cleaner below.
TEXT_FIELDS = tuple(spec.name for spec in BUSINESS_ROW if spec.kind == "text" and spec.editable)


def clean_text(value: Any) -> str:
    """NFKC and trimmed, full-width spaces too; NUL and other control characters removed (PostgreSQL
    refuses a NUL, and no field means anything by an ESC or a BEL)."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", without_controls(str(value))).strip()


def validate_business(
    values: dict[str, Any], *, new_by_hand: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean the given fields; returns (clean values, field -> Chinese error).

    `new_by_hand`: a business created in the form must also have what its kind's registration always names
    (REQUIRED_WHEN_NEW). The import leaves it False: a county's list is often incomplete, and a row without
    an address is still better in the register than left out."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, raw in values.items():
        try:
            if field == "industry_code":
                clean[field] = _industry(raw, str(values.get("industry_code_version") or "2017"))
                continue
            clean[field] = _clean_field(field, raw)
        except ValueError as problem:
            errors[field] = str(problem)
    if "name" in values and not clean.get("name"):
        errors["name"] = "名称不能为空"
    for field, reason in out_of_bounds(clean).items():
        errors.setdefault(field, reason)
    if new_by_hand and "kind" not in errors:
        for field, reason in missing_for_new(clean).items():
            errors.setdefault(field, reason)
    return clean, errors


def missing_for_new(clean: dict[str, Any]) -> dict[str, str]:
    """Field -> 「请填写…」 for what a new business of its kind must have and has not."""
    kind = str(clean.get("kind") or BusinessKind.HOUSEHOLD)
    what = KIND_LABELS.get(kind, "市场主体")
    missing: dict[str, str] = {}
    for field in REQUIRED_WHEN_NEW.get(kind, ()):
        if clean.get(field) in (None, ""):
            label = operator_label(kind) if field == "operator" else field_label(field)
            missing[field] = f"请填写{label}（新增{what}必填）"
    return missing


def out_of_bounds(values: dict[str, Any]) -> dict[str, str]:
    """Values the register's columns cannot hold (a text longer than its column, an absurd headcount),
    field -> Chinese reason: refused before any write, so no engine fails half-way on them. The one
    check of lengths: validate_business runs it, and the import runs it on every row (imports.planner),
    so it reads only the free-text fields (the shaped ones cannot be too long once cleaned)."""
    get = values.get
    errors: dict[str, str] = {}
    for field, limit in _FREE_TEXT_LIMITS:
        value = get(field)
        if isinstance(value, str) and len(value) > limit:
            errors[field] = f"{field_label(field)}超过 {limit} 个字（现有 {len(value)} 个），请核对"
    employees = get("employees")
    if isinstance(employees, int) and employees > MAX_EMPLOYEES:
        errors["employees"] = f"从业人员超过 {MAX_EMPLOYEES:,} 人，请核对"
    return errors


def _clean_field(field: str, raw: Any) -> Any:
    cleaner = _CLEANERS.get(field)
    if cleaner is not None:
        return cleaner(raw)
    if field in TEXT_FIELDS:
        return clean_text(raw)
    return raw


def _blank(raw: Any) -> bool:
    return raw is None or clean_text(raw) == ""


def _uscc(raw: Any) -> str | None:
    if _blank(raw):
        return None
    verdict = identifiers.check_uscc(str(raw))
    if verdict.kind != "uscc" or not verdict.valid:
        raise ValueError(f"统一社会信用代码有误：{verdict.reason}")
    return verdict.code


def _reg_no(raw: Any) -> str | None:
    return None if _blank(raw) else clean_text(raw).replace(" ", "")


def _id_number(raw: Any) -> str | None:
    if _blank(raw):
        return None
    verdict = identifiers.check_id_number(str(raw))
    if not verdict.valid:
        raise ValueError(f"身份证号有误：{verdict.reason}")
    return verdict.code


def _phone(raw: Any) -> str:
    if _blank(raw):
        return ""
    verdict = identifiers.check_phones(str(raw))
    if not verdict.valid:
        raise ValueError(f"联系电话有误：{verdict.reason}")
    if len(verdict.code) > PHONE_MAX:
        raise ValueError(f"联系电话太长：最多 {PHONE_MAX} 个字符（现有 {len(verdict.code)} 个），请只留一两个号码")
    return verdict.code


def _industry(raw: Any, version: str) -> str | None:
    """A GB/T 4754 code of the given version (2017 unless an old register says 2011); the section
    letter people often type in front (F5221) is dropped."""
    if _blank(raw):
        return None
    code = clean_text(raw).upper().replace(" ", "")
    if len(code) > 1 and code[0].isalpha() and code[1:].isdigit():
        code = code[1:]
    if reference.industry_name(code, version) is not None:
        return code
    if version == "2017" and reference.industry_name(code, "2011") is not None:
        raise ValueError(f"行业代码「{raw}」是 GB/T 4754-2011 的代码，2017 版中没有，请改用 2017 版代码")
    raise ValueError(f"行业代码「{raw}」不在 GB/T 4754-2017 国民经济行业分类中")


def _industry_version(raw: Any) -> str:
    text = "2017" if _blank(raw) else clean_text(raw)
    if text not in INDUSTRY_VERSIONS:
        raise ValueError(f"行业代码版本应为 2017 或 2011，而不是「{raw}」")
    return text


def _date(raw: Any) -> date | None:
    try:
        return parse_date(raw if isinstance(raw, date) else clean_text(raw) or None)
    except ValueError:
        raise ValueError(f"日期「{raw}」无法识别，请写成 2024-05-03") from None


def registered_on(raw: Any, today: date | None = None) -> date | None:
    """A 成立日期 as typed or read, refused (ValueError) when no business can have been registered on it."""
    day = _date(raw)
    problem = None if day is None else registration_date_error(day, today or date.today())
    if problem is not None:
        raise ValueError(problem)
    return day


def _int(raw: Any) -> int | None:
    return parse_int(clean_text(raw) or None if isinstance(raw, str) else raw)


def _money(raw: Any) -> int | None:
    return parse_money(clean_text(raw) or None if isinstance(raw, str) else raw)


def _choice(labels: dict[str, str], normaliser: Any, what: str) -> Any:
    def clean(raw: Any) -> str:
        code = normaliser(raw)
        if code is None:
            raise ValueError(f"{what}「{raw}」无法识别，可选：{'、'.join(labels.values())}")
        return str(code)

    return clean


def _composition(raw: Any) -> str | None:
    if _blank(raw):
        return None
    text = clean_text(raw)
    if text not in COMPOSITION_LABELS:
        raise ValueError(f"组成形式应为「个人经营」或「家庭经营」，而不是「{raw}」")
    return text


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    return clean_text(raw) in {"是", "1", "true", "True", "Y", "y"}


_CLEANERS: dict[str, Any] = {
    "uscc": _uscc,
    "reg_no": _reg_no,
    "id_number": _id_number,
    "phone": _phone,
    "registered_on": registered_on,
    "suspended_from": _date,
    "suspended_until": _date,
    "abnormal_since": _date,
    **dict.fromkeys(
        ("deregistered_on", "revoked_on", "cancelled_on", "moved_out_on", "moved_in_on", "approved_on"), _date
    ),
    "employees": _int,
    "capital": _money,
    "status": _choice(STATUS_LABELS, normalise_status, "登记状态"),
    "kind": _choice(KIND_LABELS, normalise_kind, "主体类型"),
    "composition": _composition,
    "suspended": _bool,
    "abnormal": _bool,
    "industry_code_version": _industry_version,
}
