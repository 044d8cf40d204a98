"""The words of the list's 三型 and 规模 filters: the stored codes, their labels, and what a person may type."""

from __future__ import annotations

# Written out rather than imported: the list's filter row is on the first paint, and workbench.domain.tiers
# and size_class load the rule-file parser and the size table (~100 ms). tests/test_assign_filters.py holds
# these to the two modules' own labels.
TIER_LABELS: dict[str, str] = {"survival": "生存型", "growth": "成长型", "development": "发展型", "unclassified": "未分型"}
"""workbench.domain.tiers.TIER_LABELS; unclassified (未分型) is a stored tier too: a household not trading."""
SIZE_LABELS: dict[str, str] = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
"""workbench.domain.size_class.SizeClass and its labels."""
UNASSIGNED_LABEL = "未分派"


def tier_code(raw: str) -> str | None:
    """生存型 / 生存 / survival -> survival; None when it is no tier."""
    return _code(raw, TIER_LABELS, "型")


def size_code(raw: str) -> str | None:
    """微型 / 微 / micro -> micro; None when it is no size class."""
    return _code(raw, SIZE_LABELS, "型")


def _code(raw: str, labels: dict[str, str], suffix: str) -> str | None:
    text = raw.strip().lower()
    for code, label in labels.items():
        if text in (code, label, label.removesuffix(suffix)):
            return code
    return None
