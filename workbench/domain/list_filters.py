"""The words of the list's 三型 and 规模 filters: the stored codes, their labels, and what a person may type."""

from __future__ import annotations

from workbench.domain.size_class import SizeClass
from workbench.domain.tiers import TIER_LABELS as _TIERS

TIER_LABELS: dict[str, str] = dict(_TIERS)
"""survival -> 生存型 …; unclassified (未分型) is a stored tier too: a household not actually trading."""
SIZE_LABELS: dict[str, str] = {size.value: size.label for size in SizeClass}
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
