"""双随机、一公开's lists: the 抽查事项清单, the result codes (docs/rules.md §5.2), the credit-risk classes and the
time limits, read from workbench/rules/inspection.toml and the office's override (domain.rule_files).

A list written in the override replaces the shipped one whole (rule_files merges tables key by key and
lists as values), so an office that adds one item writes its full list.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.domain.rule_files import LoadedRules, RulesError, load_rule_file, value_at

RULES_NAME = "inspection"
ITEM_KINDS = ("一般", "重点")
NO_CLASS = ""
"""A business whose tags name no credit-risk class: drawn at the task's base ratio."""


@dataclass(frozen=True)
class InspectionItem:
    """One line of the 抽查事项清单."""

    name: str
    kind: str  # 一般 / 重点
    department: str
    basis: str


@dataclass(frozen=True)
class ResultCode:
    """One 抽查结果 as the publicity platform codes it."""

    code: str
    label: str
    group: str = ""


@dataclass(frozen=True)
class RiskClass:
    """A credit-risk class (A–D) and the tag words that put a business in it."""

    code: str
    label: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class InspectionRules:
    items: tuple[InspectionItem, ...]
    results: tuple[ResultCode, ...]
    risk_classes: tuple[RiskClass, ...]
    publish_within_working_days: int = 20
    inspectors_per_business: int = 2
    rectify_working_days: int = 10

    def result(self, code: str) -> ResultCode | None:
        """A result by its code (Ｅ or e is E), or by its label or 「code label」 as a publicity list or `inspect
        codes` writes it (full-width or half-width brackets alike)."""
        wanted = "".join(unicodedata.normalize("NFKC", code).split()).upper()
        found = next((result for result in self.results if result.code.upper() == wanted), None)
        return found or next((result for result in self.results
                              if wanted in {_plain(result.label), _plain(result.code + result.label)}), None)

    def item(self, name_or_number: str) -> InspectionItem | None:
        """An item by its name, or by its place in the list counted from 1 (what `inspect items` shows)."""
        text = name_or_number.strip()
        if text.isdigit() and 1 <= int(text) <= len(self.items):
            return self.items[int(text) - 1]
        return next((item for item in self.items if item.name == text), None)

    def risk_class_of(self, tags: str) -> str:
        """The class whose tag words appear first among the business's space-separated tags ("" for none)."""
        words = set(tags.split())
        if not words:
            return NO_CLASS
        for risk in self.risk_classes:
            if words.intersection(risk.tags):
                return risk.code
        return NO_CLASS

    def risk_label(self, code: str) -> str:
        if code == NO_CLASS:
            return "未分类"
        return next((risk.label for risk in self.risk_classes if risk.code == code), code)

    def risk_code(self, typed: str) -> str | None:
        """D / d / 高风险 -> D; None for a word that is no class."""
        text = typed.strip()
        for risk in self.risk_classes:
            if text.upper() == risk.code.upper() or text == risk.label or text in risk.tags:
                return risk.code
        return None


def validate_inspection_rules(raw: dict[str, Any]) -> InspectionRules:
    """The merged file -> InspectionRules; RulesError names the key and the value that is wrong."""
    items = tuple(_item(entry, number) for number, entry in enumerate(_tables(raw, "items"), start=1))
    if not items:
        raise RulesError("抽查事项清单（[[items]]）不能为空", key="items")
    _unique([item.name for item in items], "items", "抽查事项")
    results = tuple(_result(entry, number) for number, entry in enumerate(_tables(raw, "results"), start=1))
    if not results:
        raise RulesError("抽查结果（[[results]]）不能为空", key="results")
    _unique([result.code.upper() for result in results], "results", "抽查结果代码")
    risks = tuple(_risk(entry, number) for number, entry in enumerate(_tables(raw, "risk_classes"), start=1))
    _unique([risk.code for risk in risks], "risk_classes", "风险分类代码")
    return InspectionRules(
        items=items,
        results=results,
        risk_classes=risks,
        publish_within_working_days=_whole(raw, "publish_within_working_days", 1, 250),
        inspectors_per_business=_whole(raw, "inspectors_per_business", 1, 10),
        rectify_working_days=_whole(raw, "rectify_working_days", 1, 250),
    )


def load_inspection_rules(override_dir: Path | None) -> LoadedRules[InspectionRules]:
    """Shipped + override; RulesError when either is wrong (OfficeSettings keeps the last good rules)."""
    return load_rule_file(RULES_NAME, validate_inspection_rules, override_dir=override_dir)


def _tables(raw: Mapping[str, Any], key: str) -> Sequence[Mapping[str, Any]]:
    value = value_at(raw, key)
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise RulesError(f"「{key}」应写成若干个 [[{key}]] 表", key=key)
    return value


def _text(entry: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise RulesError(f"{where}的「{key}」应是文字（加引号），现在是「{value!r}」", key=key)
    if required and not value.strip():
        raise RulesError(f"{where}缺少「{key}」", key=key)
    return value.strip()


def _item(entry: Mapping[str, Any], number: int) -> InspectionItem:
    where = f"第 {number} 个抽查事项（[[items]]）"
    kind = _text(entry, "kind", where)
    if kind not in ITEM_KINDS:
        raise RulesError(f"{where}的 kind 应是「一般」或「重点」，现在是「{kind}」", key="items")
    return InspectionItem(
        _text(entry, "name", where), kind, _text(entry, "department", where), _text(entry, "basis", where, required=False)
    )


def _result(entry: Mapping[str, Any], number: int) -> ResultCode:
    where = f"第 {number} 个抽查结果（[[results]]）"
    code = _text(entry, "code", where)
    if "," in code or "，" in code or " " in code:
        raise RulesError(f"{where}的代码「{code}」不能含逗号或空格", key="results")
    return ResultCode(code, _text(entry, "label", where), _text(entry, "group", where, required=False))


def _risk(entry: Mapping[str, Any], number: int) -> RiskClass:
    where = f"第 {number} 个风险分类（[[risk_classes]]）"
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) and tag.strip() for tag in tags):
        raise RulesError(f"{where}的 tags 应是文字的列表，如 [\"D类\", \"高风险\"]", key="risk_classes")
    return RiskClass(_text(entry, "code", where), _text(entry, "label", where), tuple(tag.strip() for tag in tags))


def _unique(values: list[str], key: str, what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise RulesError(f"{what}「{value}」写了两次", key=key)
        seen.add(value)


def _whole(raw: Mapping[str, Any], key: str, low: int, high: int) -> int:
    value = value_at(raw, key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RulesError(f"「{key}」应是 {low} 到 {high} 之间的整数，现在是「{value!r}」", key=key)
    return value


def _plain(text: str) -> str:
    """A label as compared with what a person typed: NFKC, no spaces, upper-case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()
