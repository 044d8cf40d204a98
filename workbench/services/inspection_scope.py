"""A 抽查任务's scope beyond the register list's filters (issue 20, 检查对象名录库): 行业, 持有许可证, 信用风险分类,
年报全零 — checked when a task is made, turned into SQL when its population is selected, and said in words.

Scope keys (stored in the task's JSON; a task made before them has none, and draws exactly as before):
- "industry": GB/T 4754 codes or prefixes (a section letter H, a division 62, a group 522, a class 5224); a business
  matches when its code is the one given or under it. Digits match by prefix in either edition (2017, and 2011 that
  old registers carry: both number alike where they share a code); a section letter matches the divisions the
  section has in the business's own edition.
- "license_kind": a licence kind held in force at the task's start: status 有效 (not 已换证 / 已注销), and no
  有效期至 or one on or after the task's first day.
- "risk_class": credit-risk class codes (A–D) as rules.risk_class_of tells them from tags; applied by the caller
  in Python over the tags the population index already holds (the rules are a file, not SQL).
- "zero_figures": true: the business's latest year of 经营数据 has revenue, tax, employees and insured staff all
  recorded and all 0 (a missing figure is not a zero; no figures at all is not all-zero).
docs/rules.md §5 says the same for the office.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, literal_column, or_, select
from sqlmodel import Session

from storage.tables import Business, License, YearFigures
from workbench.domain.labels import KIND_LABELS, STATUS_LABELS, LicenseStatus
from workbench.domain.list_filters import SIZE_LABELS, TIER_LABELS
from workbench.domain.reference import Industry, industry_ancestors, industry_codes
from workbench.services.industry_lookup import industry_named

EXTRA_SCOPE_KEYS = ("industry", "license_kind", "risk_class", "zero_figures")
EDITIONS = ("2017", "2011")
_SEPARATORS = re.compile(r"[、,，;；\s]+")

_business: Any = Business.__table__  # type: ignore[attr-defined]
_license: Any = License.__table__  # type: ignore[attr-defined]
_figures: Any = YearFigures.__table__  # type: ignore[attr-defined]


def split_words(typed: str | Sequence[str] | None) -> list[str]:
    """「H 62、5224」 or ["H", "62"] -> ["H", "62", "5224"]: what a person lists, in order, each once."""
    if typed is None:
        return []
    parts = _SEPARATORS.split(typed) if isinstance(typed, str) else [str(part) for part in typed]
    return list(dict.fromkeys(part.strip() for part in parts if part and part.strip()))


def industry_code_of(typed: str) -> str | None:
    """A typed code as the register stores it (H, 62, 5224; the section letter people put in front of digits,
    F5221, dropped), or None when neither edition of GB/T 4754 lists it."""
    code = "".join(unicodedata.normalize("NFKC", typed).split()).upper()
    if len(code) > 1 and code[0].isalpha() and code[1:].isdigit():
        code = code[1:]
    if any(code in industry_codes(edition) for edition in EDITIONS):
        return code
    return None


def _industry_code_or_name(typed: str) -> tuple[str | None, str]:
    """A code (either edition) or a 2017 name standing for one entry; else None and the sentence to say."""
    code = industry_code_of(typed)
    if code is not None:
        return code, ""
    if not any(character.isdigit() for character in typed):
        chosen, candidates = industry_named(typed)
        if chosen is not None:
            return chosen.code, ""
        if candidates:
            listed = "、".join(candidate.text for candidate in candidates)
            return None, f"行业「{typed}」对应多个行业（{listed}），请写其中一个的代码或完整名称"
    return None, f"行业代码「{typed}」不在 GB/T 4754 国民经济行业分类（2017 或 2011 版）中，也不是其中的行业名称"


def check_extra_scope(
    session: Session, office_id: int, scope: dict[str, Any], *, risk_codes: Sequence[str],
    license_kinds: Sequence[str], class_ratio_codes: Iterable[str], errors: dict[str, str],
) -> None:  # fmt: skip
    """Normalise the scope's new keys in place; one Chinese sentence per bad key, naming the bad value."""
    if "industry" in scope:
        codes = []
        for typed in split_words(scope["industry"]):
            code, problem = _industry_code_or_name(typed)
            if code is None:
                errors.setdefault("industry", problem)
            else:
                codes.append(code)
        if codes:
            scope["industry"] = list(dict.fromkeys(codes))
        else:
            scope.pop("industry")
    if "license_kind" in scope:
        kind = str(scope["license_kind"]).strip()
        if kind not in license_kinds and kind not in _kinds_held(session, office_id):
            errors["license_kind"] = f"许可证种类「{kind}」不在本所的许可证种类清单中（{'、'.join(license_kinds)}）"
        scope["license_kind"] = kind
    if "risk_class" in scope:
        classes = []
        for typed in split_words(scope["risk_class"]):
            code = typed.upper()
            if code not in risk_codes:
                errors.setdefault("risk_class", f"信用风险分类「{typed}」不认识，应是 {'、'.join(risk_codes)} 之一")
            else:
                classes.append(code)
        scope["risk_class"] = sorted(set(classes))
        outside = sorted(set(class_ratio_codes) - set(classes))
        if classes and outside and "risk_class" not in errors:
            errors["risk_class"] = (f"分类比例给了 {'、'.join(outside)} 类，但范围只抽 {'、'.join(scope['risk_class'])} 类："
                                    "请去掉这些分类比例，或把它们加进范围")  # fmt: skip
        if not classes:
            scope.pop("risk_class")
    if "zero_figures" in scope:
        scope["zero_figures"] = True


def _kinds_held(session: Session, office_id: int) -> set[str]:
    """Kinds the office's licences carry: a kind since dropped from the list can still scope a task."""
    rows = session.connection().execute(
        select(_license.c.kind).where(_license.c.office_id == office_id, _license.c.deleted_at.is_(None)).distinct()
    )
    return {row[0] for row in rows}


def extra_conditions(scope: Mapping[str, Any], starts_on: date) -> list[ColumnElement[bool]]:
    """The SQL conditions of 行业, 持有许可证 and 年报全零 (none when the scope has none of them)."""
    b = _business.c
    conditions: list[ColumnElement[bool]] = []
    codes = scope.get("industry") or []
    if codes:
        conditions.append(or_(*(_industry_condition(code) for code in codes)))
    kind = scope.get("license_kind")
    if kind:
        lic = _license.c
        conditions.append(exists(select(lic.id).where(
            lic.business_id == b.id, lic.deleted_at.is_(None), lic.kind == kind, lic.status == LicenseStatus.VALID.value,
            # the day written into the SQL ('2026-12-01', made here from a date): the draw hands its parameters to
            # the driver unconverted, and an untyped literal compares with a date column on both engines
            or_(lic.expires_on.is_(None), lic.expires_on >= literal_column(f"'{starts_on.isoformat()}'")),
        )))  # fmt: skip
    if scope.get("zero_figures"):
        latest, later = _figures.alias("latest"), _figures.alias("later")
        conditions.append(exists(select(latest.c.id).where(
            latest.c.business_id == b.id, latest.c.deleted_at.is_(None),
            latest.c.revenue == 0, latest.c.tax_paid == 0, latest.c.employees == 0, latest.c.insured_staff == 0,
            ~exists(select(later.c.id).where(later.c.business_id == b.id, later.c.deleted_at.is_(None),
                                             later.c.year > latest.c.year)),
        )))  # fmt: skip
    return conditions


def _industry_condition(code: str) -> ColumnElement[bool]:
    b = _business.c
    if code.isdigit():
        return b.industry_code.like(f"{code}%")
    by_edition = []
    for edition in EDITIONS:
        divisions = [entry.code for entry in industry_codes(edition).values() if entry.parent == code]
        if code in industry_codes(edition):
            by_edition.append(and_(b.industry_code_version == edition,
                                   or_(b.industry_code == code, *(b.industry_code.like(f"{d}%") for d in divisions))))  # fmt: skip
    return or_(*by_edition) if by_edition else false()


def needs_tags(scope: Mapping[str, Any]) -> bool:
    return bool(scope.get("risk_class"))


def industry_words(code: str) -> str:
    """H62 餐饮业; H 住宿和餐饮业; a code only the 2011 edition lists says so."""
    for edition in EDITIONS:
        entry: Industry | None = industry_codes(edition).get(code)
        if entry is not None:
            section = "" if entry.level == 1 else next(
                (above.code for above in industry_ancestors(code, edition) if above.level == 1), "")  # fmt: skip
            joined = f"{section}{code}" if section else code
            return f"{joined} {entry.name}{'（2011 版）' if edition == '2011' else ''}"
    return code


def scope_words(scope: Mapping[str, Any], *, grid_name: Callable[[int], str | None] = lambda _id: None,
                risk_label: Callable[[str], str] = lambda code: f"{code} 类") -> str:  # fmt: skip
    """范围 in words, as the task list and the preview show it: 存续 · 行业 H62 餐饮业 · 持有食品经营许可证."""
    parts: list[str] = []
    if scope.get("status"):
        parts.append(STATUS_LABELS.get(scope["status"], scope["status"]))
    if scope.get("kind"):
        parts.append(KIND_LABELS.get(scope["kind"], scope["kind"]))
    if scope.get("grid_id") is not None:
        parts.append(f"网格 {grid_name(scope['grid_id']) or scope['grid_id']}")
    if scope.get("officer_id") is not None:
        parts.append("指定包联干部")
    if scope.get("unassigned"):
        parts.append("未分派")
    if scope.get("tier"):
        parts.append(TIER_LABELS.get(scope["tier"], scope["tier"]))
    if scope.get("size_class"):
        parts.append(SIZE_LABELS.get(scope["size_class"], scope["size_class"]))
    if scope.get("tag"):
        parts.append(f"标签「{scope['tag']}」")
    if scope.get("industry"):
        parts.append("行业 " + "、".join(industry_words(code) for code in scope["industry"]))
    if scope.get("license_kind"):
        parts.append(f"持有{scope['license_kind']}")
    if scope.get("risk_class"):
        parts.append("信用风险 " + "、".join(risk_label(code) for code in scope["risk_class"]))
    if scope.get("zero_figures"):
        parts.append("年报全零")
    return " · ".join(parts) or "全部"
