"""`inspect verify`: draw a task's recorded draw again and say whether it comes out the same.

Three checks, each named in Chinese when it fails:
1. the population: the task's scope selected again today has the recorded size and fingerprint (a business
   added, removed, deregistered or re-tagged since the draw changes it);
2. the businesses: the generator over that population with the recorded seed and ratios picks exactly the
   recorded businesses in the recorded order (only checked when the population is unchanged);
3. the inspectors: each recorded business's pairing, drawn again from the recorded pool and the recorded
   reasons, gives the recorded inspectors; and nobody paired is, by today's records, someone who must
   step aside from that business.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlmodel import Session

from storage.audit import Actor
from workbench.domain.inspection_draw import Impossible, population_hash
from workbench.domain.inspection_rules import InspectionRules
from workbench.services.errors import NotFound
from workbench.services.inspection_draws import (
    StoredPair,
    current_draw,
    refuse_on_laptop,
    replay,
    stored_pairs_and_businesses,
)
from workbench.services.inspection_population import (
    DrawnBusiness,
    InspectorPool,
    recusals_for,
    select_population,
)
from workbench.services.inspection_tasks import TaskView
from workbench.services.inspectors import InspectorLine, list_inspectors

SHOWN = 20  # differences listed one by one; the rest counted


@dataclass(frozen=True)
class VerifyReport:
    task: TaskView
    seed: str
    recorded_count: int
    current_count: int
    population_same: bool
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.population_same and not self.differences


def verify_task(session: Session, *, actor: Actor, task: TaskView, rules: InspectionRules) -> VerifyReport:
    refuse_on_laptop(session)  # a laptop holds neither the population nor the draw's rules (sync_rows withholds them)
    draw = current_draw(session, actor, task)
    if draw is None:
        raise NotFound(f"任务「{task.name}」还没有抽取，无从核验")
    recorded, businesses = stored_pairs_and_businesses(session, draw)
    recorded_scope = json.loads(draw.rules).get("scope", task.scope)
    scoped = TaskView(**{**task.__dict__, "scope": recorded_scope})
    population = select_population(session, actor, scoped, rules)
    fingerprint = population_hash(population.uuids, population.classes)
    same = fingerprint == draw.population_hash and len(population.uuids) == draw.population_count
    chosen, pairings = replay(draw, population.uuids, population.classes, recorded)
    differences: list[str] = []
    if same:
        drawn_again = [uuid for uuid, _cls in chosen]
        if drawn_again != [pair.business_uuid for pair in recorded]:
            differences.append(
                f"按记录的种子 {draw.seed} 重抽，抽中的 {len(drawn_again):,} 户与记录的 {len(recorded):,} 户不一致"
            )
    lines = list_inspectors(session, actor=actor)
    for pair, again in zip(recorded, pairings, strict=True):
        if isinstance(again, Impossible) or again.inspectors != pair.inspectors:
            differences.append(f"第 {pair.position} 户的检查人员与按种子重抽的不一致")
    differences += _recusal_now(session, actor, recorded, businesses, lines)
    if len(differences) > SHOWN:
        differences = [*differences[:SHOWN], f"……另有 {len(differences) - SHOWN:,} 处不一致"]
    return VerifyReport(task, draw.seed, draw.population_count, len(population.uuids), same, differences)


def _recusal_now(session: Session, actor: Actor, recorded: list[StoredPair], businesses: dict[str, DrawnBusiness],
                 lines: list[InspectorLine]) -> list[str]:  # fmt: skip
    """Pairings that today's records say must not be: a 包联 or a relation recorded after the draw."""
    recusals = recusals_for(session, actor, businesses, InspectorPool(lines, []))
    names = {line.uuid: line.name for line in lines}
    found: list[str] = []
    nobody: dict[str, str] = {}
    for pair in recorded:
        reasons = recusals.get(pair.business_uuid, nobody)
        for inspector in pair.inspectors:
            reason = reasons.get(inspector)
            if reason is not None:
                business = businesses[pair.business_uuid]
                found.append(f"{business.label}：检查人员 {names.get(inspector, inspector)} 须回避（{reason}），请调整")
    return found
