"""Distributions of the current classification by 网格 and by 包联干部 (effective tiers, or size classes)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from storage.audit import Actor
from storage.tables import Business, Grid, Officer
from storage.tables_classification import ClassificationResult
from workbench.domain.size_class import SizeClass
from workbench.domain.tiers import Tier

TIER_ORDER = (Tier.SURVIVAL, Tier.GROWTH, Tier.DEVELOPMENT, Tier.UNCLASSIFIED)
SIZE_ORDER = (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO)


@dataclass(frozen=True)
class DistributionRow:
    """One grid or officer: counts per tier (or size class) in the order of ``columns``, and the total."""

    name: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Distribution:
    by: str  # "grid" / "officer"
    measure: str  # "tier" / "size_class"
    columns: tuple[str, ...]
    rows: list[DistributionRow]


def distribution(session: Session, *, actor: Actor, by: str = "grid", measure: str = "tier") -> Distribution:
    """Counts of live businesses of the actor's office per grid (or officer) and tier (or size class)."""
    group: Any = col(Business.grid_id) if by == "grid" else col(Business.officer_id)
    if measure == "tier":
        value: Any = func.coalesce(ClassificationResult.override_tier, ClassificationResult.tier)
        order: tuple[Any, ...] = TIER_ORDER
    else:
        value, order = col(ClassificationResult.size_class), SIZE_ORDER
    statement = (
        select(group, value, func.count())
        .select_from(ClassificationResult)
        .join(Business, col(Business.id) == col(ClassificationResult.business_id))
        .where(
            col(ClassificationResult.office_id) == actor.office_id,
            col(Business.office_id) == actor.office_id,
            col(Business.deleted_at).is_(None),
            value.is_not(None),
        )
        .group_by(group, value)
    )
    counts: dict[int | None, dict[str, int]] = defaultdict(dict)
    for key, found, number in session.execute(statement):
        counts[key][found] = number
    names = _names(session, actor, Grid if by == "grid" else Officer)
    rows = [
        DistributionRow(
            names.get(key, "未分配") if key is not None else "未分配",
            tuple(per.get(o.value, 0) for o in order),
        )
        for key, per in counts.items()
    ]
    rows.sort(key=lambda row: (row.name == "未分配", row.name))
    return Distribution(by, measure, tuple(o.label for o in order), rows)


def _names(session: Session, actor: Actor, model: Any) -> dict[int, str]:
    statement = select(model.id, model.name).where(model.office_id == actor.office_id)
    return {row_id: name for row_id, name in session.execute(statement)}
