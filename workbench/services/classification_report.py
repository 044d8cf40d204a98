"""What a recompute found or did: counts per tier and size class after the run, and who moved."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from workbench.domain.size_class import SizeClass
from workbench.domain.tiers import TIER_LABELS

SIZE_LABELS = {size.value: size.label for size in SizeClass}


@dataclass(frozen=True)
class Move:
    """Businesses whose tier (or size class) went from one value to another in this run."""

    what: str  # "tier" / "size_class"
    old: str | None
    new: str | None
    count: int

    @property
    def text(self) -> str:
        """ "37 户 成长型 -> 发展型"; a business classified for the first time comes from 未分过."""
        labels = TIER_LABELS if self.what == "tier" else SIZE_LABELS
        old = labels.get(self.old, "无") if self.old else "未分过"
        new = labels.get(self.new, "无") if self.new else ("不分型" if self.what == "tier" else "无法划型")
        return f"{self.count:,} 户 {old} -> {new}"


@dataclass
class RecomputeReport:
    """Counts after the run (effective tiers: a manual 认定 counts as what it says), moves, rows written."""

    rule_version: str
    dry_run: bool
    businesses: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    overrides_kept: int = 0
    seconds: float = 0.0
    tier_counts: Counter[str] = field(default_factory=Counter)
    size_counts: Counter[str] = field(default_factory=Counter)
    tier_moves: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)
    size_moves: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)

    @property
    def moves(self) -> list[Move]:
        """Tier moves first, biggest first; then size-class moves."""
        found = [Move("tier", old, new, n) for (old, new), n in self.tier_moves.most_common()]
        return found + [Move("size_class", old, new, n) for (old, new), n in self.size_moves.most_common()]

    @property
    def summary(self) -> str:
        """One line for a status bar or the change log."""
        verb = "将" if self.dry_run else "已"
        return (
            f"共 {self.businesses:,} 户：{verb}新建 {self.created:,} 条、{verb}更新 {self.updated:,} 条、"
            f"不变 {self.unchanged:,} 条；人工认定保留 {self.overrides_kept:,} 户（规则版本 {self.rule_version}）"
        )

    def tier_table(self) -> list[tuple[str, int]]:
        order = ("survival", "growth", "development", "unclassified")
        return [(TIER_LABELS[tier], self.tier_counts.get(tier, 0)) for tier in order]

    def size_table(self) -> list[tuple[str, int]]:
        order = ("large", "medium", "small", "micro", "")
        return [(SIZE_LABELS.get(size, "无法划型"), self.size_counts.get(size, 0)) for size in order]

    def as_json(self) -> dict[str, Any]:
        return {
            "rule_version": self.rule_version,
            "dry_run": self.dry_run,
            "businesses": self.businesses,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "overrides_kept": self.overrides_kept,
            "tiers": dict(self.tier_table()),
            "size_classes": dict(self.size_table()),
            "moves": [
                {"what": m.what, "from": m.old, "to": m.new, "count": m.count, "text": m.text}
                for m in self.moves
            ],
        }
