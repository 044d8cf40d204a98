"""Classification of businesses: the rules file, current tiers, and (re-exported) one business's result
and the manual override.

One business: classification_view; override: classification_override; recompute: classification_recompute;
distributions: classification_stats. Everything is scoped to the actor's office; every write is logged
(classification_history + change_log).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables_classification import ClassificationResult
from workbench.domain.rule_files import LoadedRules, RulesError, load_with_fallback
from workbench.domain.tiers import Tier, TierRules, tier_rules_from
from workbench.services.classification_override import clear_override, override_tier
from workbench.services.classification_view import (
    ClassificationView,
    HistoryEntry,
    classification_history,
    classification_of,
)

__all__ = [
    "RULE_FILE",
    "ClassificationView",
    "HistoryEntry",
    "classification_history",
    "classification_of",
    "clear_override",
    "current_tiers",
    "load_rules",
    "override_tier",
]

RULE_FILE = "classification"


def load_rules(
    override_dir: Path | None, last_good: LoadedRules[TierRules] | None = None
) -> tuple[LoadedRules[TierRules], RulesError | None]:
    """classification.toml (shipped + the office's override); on an error, the last good rules and the error."""
    return load_with_fallback(RULE_FILE, tier_rules_from, override_dir=override_dir, last_good=last_good)


def current_tiers(
    session: Session, *, actor: Actor, business_ids: Iterable[int] | None = None
) -> dict[int, Tier]:
    """business id -> effective tier (the override if there is one, else the computed tier), households only."""
    base = select(
        ClassificationResult.business_id, ClassificationResult.tier, ClassificationResult.override_tier
    ).where(col(ClassificationResult.office_id) == actor.office_id)
    found: dict[int, Tier] = {}
    batches: list[list[int] | None] = [None]
    if business_ids is not None:
        ids = sorted(set(business_ids))
        batches = [ids[start : start + 500] for start in range(0, len(ids), 500)]
    for batch in batches:
        statement = base if batch is None else base.where(col(ClassificationResult.business_id).in_(batch))
        for business_id, tier, override in session.exec(statement):
            effective = override or tier
            if effective:
                found[business_id] = Tier(effective)
    return found
