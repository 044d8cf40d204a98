"""分型分类: one business's classification and its manual override, the office's recompute and distribution."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from storage.audit import Actor
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TierRules
from workbench.services.gateway.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from workbench.services.classification import ClassificationView
    from workbench.services.classification_report import RecomputeReport
    from workbench.services.classification_stats import Distribution


class ClassificationDesk:
    def __init__(self, work: UnitOfWork) -> None:
        self._work = work

    def of_business(
        self, actor: Actor, business_uuid: str, *, rules: LoadedRules[TierRules], today: date
    ) -> ClassificationView:
        """The stored result (one never classified: worked out with rules for showing, not stored)."""
        from workbench.services.classification import classification_of

        with self._work.reading() as session:
            return classification_of(session, actor=actor, business_uuid=business_uuid, rules=rules, today=today)

    def override(
        self, actor: Actor, business_uuid: str, *, tier: str, reason: str, rules: LoadedRules[TierRules],
        today: date,
    ) -> str:  # fmt: skip
        """人工认定; the tier text now in force."""
        from workbench.services.classification import override_tier

        with self._work.writing() as session:
            found = override_tier(
                session, actor=actor, business_uuid=business_uuid, tier=tier, reason=reason, rules=rules,
                today=today,
            )  # fmt: skip
            return found.tier_text

    def clear_override(self, actor: Actor, business_uuid: str, reason: str) -> str:
        from workbench.services.classification import clear_override

        with self._work.writing() as session:
            return clear_override(session, actor=actor, business_uuid=business_uuid, reason=reason).tier_text

    def recompute(
        self, actor: Actor, *, rules: LoadedRules[TierRules], today: date, dry_run: bool,
        progress: Callable[[int], None],
    ) -> RecomputeReport:  # fmt: skip
        """重新分型 of the whole office: a dry run writes nothing; otherwise all of it is written or none."""
        from workbench.services.classification_recompute import recompute

        work = self._work.reading() if dry_run else self._work.writing()
        with work as session:
            return recompute(session, actor=actor, rules=rules, today=today, dry_run=dry_run, progress=progress)

    def distribution(self, actor: Actor, *, by: str, measure: str) -> Distribution:
        from workbench.services.classification_stats import distribution

        with self._work.reading() as session:
            return distribution(session, actor=actor, by=by, measure=measure)
