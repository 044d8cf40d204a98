"""After a year's figures change by hand: the business's tier and size class recomputed in the same
transaction, and what moved, in words the detail page shows (「分型：生存型 → 成长型」, 「依据：…」).

A manual 认定 (override) is never touched by a recompute: the computed tier moves underneath it and the
notice says the 认定 stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from storage.audit import Actor
from storage.tables_classification import ClassificationResult
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TIER_LABELS, TierRules
from workbench.services.classification_recompute import decide_business, recompute
from workbench.services.classification_report import SIZE_LABELS


@dataclass(frozen=True)
class Standing:
    """A business's classification at one moment: computed tier, size class, the 认定 and the reasons."""

    tier: str | None
    size_class: str | None
    override_tier: str | None
    explanation: str
    size_explanation: str


@dataclass(frozen=True)
class ClassificationChange:
    """Before and after a figures change; `notice` is the sentence the screen shows."""

    before: Standing
    after: Standing

    @property
    def tier_moved(self) -> bool:
        return self.before.tier != self.after.tier

    @property
    def size_moved(self) -> bool:
        return self.before.size_class != self.after.size_class

    @property
    def notice(self) -> str:
        """「分型：生存型 → 成长型」 or 「分型仍为成长型」 and the reasons (「依据：…」); the size class when it
        moved; the 认定 when there is one. One line each."""
        before, after = self.before, self.after
        lines = []
        if after.tier is not None or before.tier is not None:
            head = "计算分型" if after.override_tier else "分型"
            if self.tier_moved:
                lines.append(f"{head}：{_tier(before.tier)} → {_tier(after.tier)}")
            else:
                lines.append(f"{head}仍为{_tier(after.tier)}")
            lines.append(f"依据：{_reasons(after.explanation)}")  # its own line: 80 columns fold it there
            if after.override_tier:
                lines.append(f"人工认定「{_tier(after.override_tier)}」保持不变，取消认定后才按计算结果")
        if self.size_moved:
            lines.append(f"规模：{_size(before.size_class)} → {_size(after.size_class)}")
        elif not lines:  # an enterprise has no tier: its size class is all there is to say
            lines.append(f"规模仍为{_size(after.size_class)}")
        return "\n".join(lines)


def standing_now(
    session: Session, actor: Actor, business_id: int, rules: LoadedRules[TierRules], today: date
) -> Standing:
    """The stored result, which is what the 分型分类 tab shows; one never stored: what it would be now."""
    result = ClassificationResult
    row = session.execute(  # plain columns: the identity map would hand back values from before a recompute
        select(
            col(result.tier), col(result.size_class), col(result.override_tier), col(result.explanation),
            col(result.size_explanation),
        ).where(col(result.business_id) == business_id, col(result.office_id) == actor.office_id)
    ).first()  # fmt: skip
    if row is not None:
        return Standing(*row)
    found = decide_business(session, actor=actor, business_id=business_id, rules=rules, today=today)
    if found is None:
        return Standing(None, None, None, "", "")
    return Standing(found.tier, found.size_class, None, found.explanation, found.size_explanation)


def reclassify(
    session: Session, actor: Actor, business_id: int, before: Standing, rules: LoadedRules[TierRules],
    today: date,
) -> ClassificationChange:  # fmt: skip
    """Recompute this one business (the caller's transaction) and say what moved since `before`."""
    session.flush()  # the recompute reads through the session's connection: it must see the new figures
    recompute(session, actor=actor, rules=rules, today=today, business_ids=[business_id])
    return ClassificationChange(before, standing_now(session, actor, business_id, rules, today))


def _tier(tier: str | None) -> str:
    return TIER_LABELS.get(tier or "", "未分过")


def _size(size: str | None) -> str:
    return SIZE_LABELS.get(size or "", "无法划型")


def _reasons(explanation: str) -> str:
    """「成长型：a；b」 -> 「a；b」: the tier is already said."""
    head, colon, body = explanation.partition("：")
    return body if colon else head
