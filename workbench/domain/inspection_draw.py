"""The 双随机 draw as a pure function: which businesses, and which inspectors go to each (docs/rules.md §5.3).

The generator is written down so that anyone can draw again with a short script and get the same result,
on any later Python: it uses only SHA-256 and integer arithmetic (no `random`, whose methods other than
random() may change between versions).

1. The population is the businesses the task's scope selects, each with its credit-risk class ("" none).
   Its fingerprint is the SHA-256 of the lines "uuid<TAB>class\\n" in ascending uuid order.
2. Each class has a quota: a fixed count, or ceil(n × percent / 100) over the n businesses of the class,
   computed exactly on the decimal percent; a class without its own ratio uses the task's base ratio.
3. Inside each class, businesses are ranked by SHA-256("<seed>:<uuid>") as a hex string, smallest first;
   the first `quota` are drawn. The draw's order is that rank over all classes together.
4. For each drawn business b, the drawable inspectors (ascending uuid) form a pool; for j = 0, 1, 2, …
   take index int(SHA-256("<seed>:<b>:<j>"), 16) mod len(pool) and remove that inspector from the pool:
   - one the business must not meet (回避) is passed over, with the reason recorded;
   - a partner department's inspector is passed over when only one place is left and nobody of the office
     has been paired yet (每户至少一名本所人员);
   - anyone else is paired, until `per_business` are paired.
   A pool that runs out first makes the draw impossible for that business (the reasons are given).
"""

from __future__ import annotations

import hashlib
from bisect import insort
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

GENERATOR = "sha256-rank-v1"
OWN_OFFICE_REASON = "每户须至少一名本所人员，余下一个名额只能派本所人员"


@dataclass(frozen=True)
class DrawInspector:
    uuid: str
    own_office: bool


@dataclass(frozen=True)
class Pairing:
    business_uuid: str
    risk_class: str
    inspectors: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...] = ()
    """(inspector uuid, reason) for every pairing passed over, in the order met."""


@dataclass(frozen=True)
class Impossible:
    """A business no valid pair of inspectors can go to: what stood in the way."""

    business_uuid: str
    pool: int
    paired: int
    own_office_left: bool
    reasons: Mapping[str, int]
    """reason -> how many inspectors it took out of this business's pool."""


@dataclass(frozen=True)
class DrawOutcome:
    pairings: tuple[Pairing, ...]
    impossible: tuple[Impossible, ...]
    quotas: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """class -> (businesses in the population, quota drawn)."""


class RatioError(ValueError):
    """A ratio that is no percent between 0 and 100 (message in Chinese)."""


def parse_percent(text: str) -> Fraction:
    """"5" / "5%" / "2.5" -> the exact fraction of a percent; RatioError for anything else."""
    cleaned = text.strip().removesuffix("%").removesuffix("％").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise RatioError(f"比例「{text}」不是数字，请写成如 5 或 2.5（表示百分之几）") from None
    if not value.is_finite() or value <= 0 or value > 100:
        raise RatioError(f"比例「{text}」应大于 0、不超过 100（百分之几）")
    return Fraction(value)


def quota(population: int, percent: Fraction) -> int:
    """ceil(population × percent / 100), exactly."""
    share = Fraction(population) * percent / 100
    return -(-share.numerator // share.denominator)


def population_hash(uuids: Sequence[str], classes: Sequence[str] | None = None) -> str:
    """SHA-256 of "uuid\tclass\n" lines in ascending uuid order; `uuids` must come sorted (the SQL sorts),
    `classes` parallel to them (None: every class is "")."""
    if classes is None:
        text = "\t\n".join(uuids) + "\t\n" if uuids else ""
    else:
        text = "".join([f"{uuid}\t{cls}\n" for uuid, cls in zip(uuids, classes, strict=True)])
    return hashlib.sha256(text.encode()).hexdigest()


def rank_key(seed: str, uuid: str) -> str:
    """A business's rank in a draw: smaller is drawn first (step 3)."""
    return hashlib.sha256(f"{seed}:{uuid}".encode()).hexdigest()


def draw_businesses(
    seed: str,
    uuids: Sequence[str],
    classes: Sequence[str] | None,
    *,
    percent: Fraction | None,
    count: int | None,
    class_percents: Mapping[str, Fraction] | None = None,
) -> tuple[list[tuple[str, str]], dict[str, tuple[int, int]]]:
    """The drawn (uuid, class) in draw order, and class -> (population, quota). A fixed count applies to the
    whole population; otherwise each class has its quota (step 2). `classes` parallel to `uuids` or None."""
    class_percents = class_percents or {}
    by_class: dict[str, list[str]] = {}
    if classes is None:
        by_class[""] = list(uuids)
    else:
        for uuid, risk_class in zip(uuids, classes, strict=True):
            by_class.setdefault(risk_class, []).append(uuid)
    quotas: dict[str, tuple[int, int]] = {}
    if count is not None and not class_percents:
        ranked = _smallest(seed, uuids, min(count, len(uuids)))
        class_of = dict(zip(uuids, classes, strict=True)) if classes is not None else None
        chosen = [(uuid, class_of[uuid] if class_of else "") for _key, uuid in ranked]
        for cls, members in by_class.items():
            quotas[cls] = (len(members), sum(1 for _uuid, drawn_cls in chosen if drawn_cls == cls))
        return chosen, quotas
    drawn: list[tuple[bytes, str, str]] = []  # (rank key, uuid, class)
    for cls, members in sorted(by_class.items()):
        share = class_percents.get(cls, percent)
        wanted = 0 if share is None else min(quota(len(members), share), len(members))
        quotas[cls] = (len(members), wanted)
        drawn += [(key, uuid, cls) for key, uuid in _smallest(seed, members, wanted)]
    drawn.sort()
    return [(uuid, cls) for _key, uuid, cls in drawn], quotas


def _smallest(seed: str, members: Sequence[str], wanted: int) -> list[tuple[bytes, str]]:
    """The `wanted` members of smallest SHA-256("<seed>:<uuid>"), smallest first.

    The digest's bytes order like its hex text. For speed at a million members, only digests below a
    threshold a little above the expected cut are kept and sorted; if fewer than `wanted` pass it, the
    threshold is raised until enough do, so the result is exactly the full ranking's first `wanted`.
    """
    if wanted <= 0 or not members:
        return []
    prefix = f"{seed}:".encode()
    sha256 = hashlib.sha256
    share = min(1.0, wanted / len(members) * 1.25 + 64 / len(members))
    while True:
        limit = (int(share * 2**64) if share < 1 else 2**64 - 1).to_bytes(8, "big") + b"\xff" * 24
        kept = [
            (key, uuid) for uuid in members if (key := sha256(prefix + uuid.encode()).digest()) <= limit
        ]
        if len(kept) >= wanted or share >= 1:
            kept.sort()
            return kept[:wanted]
        share = min(1.0, share * 2)


def pair_inspectors(
    seed: str,
    business_uuid: str,
    risk_class: str,
    pool: Sequence[DrawInspector],
    per_business: int,
    recused: Mapping[str, str],
) -> Pairing | Impossible:
    """Step 4 for one business; `pool` in ascending uuid order, `recused`: inspector uuid -> reason."""
    taken: list[int] = []  # indexes into `pool` already met, ascending: "remove from the pool" without a copy
    paired: list[str] = []
    skipped: list[tuple[str, str]] = []
    has_own = False
    size = len(pool)
    head = f"{seed}:{business_uuid}:"
    sha256 = hashlib.sha256
    step = 0  # also the number taken out of the pool so far
    while len(paired) < per_business and step < size:
        index = int.from_bytes(sha256(f"{head}{step}".encode()).digest(), "big") % (size - step)
        step += 1
        for earlier in taken:  # the index-th of those remaining is past every earlier one at or below it
            if earlier <= index:
                index += 1
        insort(taken, index)
        inspector = pool[index]
        reason = recused.get(inspector.uuid)
        if reason is None and not has_own and not inspector.own_office and per_business - len(paired) == 1:
            reason = OWN_OFFICE_REASON
        if reason is not None:
            skipped.append((inspector.uuid, reason))
            continue
        paired.append(inspector.uuid)
        has_own = has_own or inspector.own_office
    if len(paired) < per_business:
        reasons: dict[str, int] = {}
        for _uuid, reason in skipped:
            reasons[reason] = reasons.get(reason, 0) + 1
        own_left = any(i.own_office and i.uuid not in recused for i in pool)
        return Impossible(business_uuid, len(pool), len(paired), own_left, reasons)
    return Pairing(business_uuid, risk_class, tuple(paired), tuple(skipped))


def draw(
    seed: str,
    uuids: Sequence[str],
    classes: Sequence[str] | None,
    inspectors: Sequence[DrawInspector],
    *,
    percent: Fraction | None,
    count: int | None,
    class_percents: Mapping[str, Fraction] | None = None,
    per_business: int = 2,
    recusals: Mapping[str, Mapping[str, str]] | None = None,
) -> DrawOutcome:
    """Steps 1–4: businesses, then inspectors for each; recusals: business uuid -> inspector uuid -> reason."""
    chosen, quotas = draw_businesses(
        seed, uuids, classes, percent=percent, count=count, class_percents=class_percents
    )
    pool = sorted(inspectors, key=lambda inspector: inspector.uuid)
    recusals = recusals or {}
    pairings: list[Pairing] = []
    impossible: list[Impossible] = []
    nobody: Mapping[str, str] = {}
    for uuid, cls in chosen:
        outcome = pair_inspectors(seed, uuid, cls, pool, per_business, recusals.get(uuid, nobody))
        (pairings if isinstance(outcome, Pairing) else impossible).append(outcome)  # type: ignore[arg-type]
    return DrawOutcome(tuple(pairings), tuple(impossible), quotas)


def impossible_sentence(problem: Impossible, business: str, per_business: int) -> str:
    """Why no pair could go to this business, in one Chinese sentence (business: its name and code)."""
    if problem.pool == 0:
        return f"{business}：没有可抽的检查人员（执法证缺失、过期或不在岗），请先在检查人员名录中补全"
    causes = "、".join(f"{reason} {number} 名" for reason, number in problem.reasons.items() if reason != OWN_OFFICE_REASON)
    lacking = "本所人员都须回避" if not problem.own_office_left else f"可派的不足 {per_business} 名"
    return (
        f"{business}：可抽的 {problem.pool} 名检查人员中" + (f"须回避的有{causes}，" if causes else "")
        + f"{lacking}，无法配对；请补充检查人员或调整回避关系后再抽"
    )
