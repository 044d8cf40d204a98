"""What an import row would change in a stored business, field by field, and how staff read each value.

Only the fields a row carries are compared: a blank cell never clears a stored value (a county list that
lacks a phone number does not erase the one the office wrote down). Values on both sides are already
normalised (imports.normalise, validate_business), so "" vs None or 3.0 vs 3 never counts as a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from imports.matching import COMPARED_FIELDS
from workbench.domain.business_fields import field_label
from workbench.domain.labels import kind_label, status_label
from workbench.domain.reference import industry_name


@dataclass(frozen=True)
class FieldChange:
    """One field an update changes; before and after as staff read them."""

    field: str
    label: str
    before: str
    after: str


def diff_values(stored: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """field -> (stored value, imported value) for every compared field the row changes."""
    diff: dict[str, tuple[Any, Any]] = {}
    for name, new in values.items():
        if name not in COMPARED_FIELDS:
            continue
        old = getattr(stored, name)
        if name == "suspended" and not new:
            continue  # 存续 in a list does not lift a 歇业 the office recorded
        if old != new:
            diff[name] = (old, new)
    if "industry_code_version" in diff and not _version_told(
        values.get("industry_code"), "industry_code" in diff
    ):
        del diff["industry_code_version"]
    return diff


def _version_told(code: str | None, code_changed: bool) -> bool:
    """Whether the row really says which GB/T 4754 version its unchanged code is: not when it has no code,
    nor when the code has the same name in 2011 and 2017 (a list cannot tell those apart, and reading it
    as 2017 would turn every such 2011 record into a change)."""
    if code is None:
        return False
    return code_changed or industry_name(code, "2011") != industry_name(code, "2017")


def display(name: str, value: Any, labels: dict[str, dict[Any, str]] | None = None) -> str:
    """A stored or imported value as staff read it: 存续, 是/否, 2019-05-03, 50,000 元, a grid's name."""
    if value is None or value == "":
        return "（空）"
    if name == "status":
        return status_label(str(value))
    if name == "kind":
        return kind_label(str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if name == "capital":
        return f"{value:,} 元"
    if labels and name in labels:
        return labels[name].get(value, str(value))
    return str(value)


def field_changes(diff: dict[str, tuple[Any, Any]], labels: dict[str, dict[Any, str]]) -> list[FieldChange]:
    return [
        FieldChange(name, field_label(name), display(name, old, labels), display(name, new, labels))
        for name, (old, new) in diff.items()
    ]
