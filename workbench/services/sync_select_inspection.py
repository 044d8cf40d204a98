"""What of 双随机 a field package carries (issue 20): the officer, as an inspector (Inspector.officer_id), takes
out the confirmed draws they inspect in, so the laptop can show the task and record its results offline.

Per draw in force (status confirmed) that pairs one of the officer's inspector rows with a business: the pair,
the draw, its task and the task's items; the inspectors named on those pairs (the officer's partners, whose
names the results dialog shows); any result already recorded for those pairs; and the pairs' businesses. An
inspector is never paired with their own 包联 business (回避), so these are normally other officers'
businesses: they travel with their own 包联干部 (officer_id), which is how the laptop's lists and to-do of
"my businesses" leave them out, and with their licences (what an inspection checks), but without the visits,
support, appeals and figures of someone else's 包联 work.

What never travels: recusal relations (InspectionRecusal: 亲属, 曾经处罚 are personal data), the pairings a
draw passed over and why (a pair's `skipped`), a draw's rules in force (workbench.services.sync_rows
withholds both), other inspectors' pairs, superseded draws.

The rows are few; the officer's inspectors and their pairs are two queries, each table one more, and an
officer who is no inspector costs one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, or_, select

from workbench.services.sync_rows import DRAW, INSPECTOR, PAIR


@dataclass(frozen=True)
class InspectionScope:
    """The ids of what the officer's field package carries of 双随机."""

    pair_ids: frozenset[int] = frozenset()
    draw_ids: frozenset[int] = frozenset()
    task_ids: frozenset[int] = frozenset()
    business_ids: frozenset[int] = frozenset()  # the drawn businesses (normally not the officer's own)
    inspector_uuids: frozenset[str] = frozenset()  # every inspector named on those pairs
    pair_keys: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (task id, business id)

    @property
    def empty(self) -> bool:
        return not self.pair_ids


def inspection_scope(connection: Connection, office_id: int, officer_id: int) -> InspectionScope:
    inspectors = INSPECTOR.table.c
    mine = {uuid for (uuid,) in connection.execute(select(inspectors.uuid).where(
        inspectors.office_id == office_id, inspectors.officer_id == officer_id, inspectors.deleted_at.is_(None)))}
    if not mine:
        return InspectionScope()
    pairs, draws = PAIR.table.c, DRAW.table.c
    statement = (
        select(pairs.id, pairs.draw_id, pairs.business_id, pairs.inspector_uuids, draws.task_id)
        .join(DRAW.table, draws.id == pairs.draw_id)
        .where(pairs.office_id == office_id, pairs.deleted_at.is_(None), draws.status == "confirmed",
               draws.deleted_at.is_(None), or_(*(pairs.inspector_uuids.contains(uuid) for uuid in sorted(mine))))
    )
    pair_ids: set[int] = set()
    draw_ids: set[int] = set()
    task_ids: set[int] = set()
    business_ids: set[int] = set()
    named: set[str] = set()
    keys: set[tuple[int, int]] = set()
    for pair_id, draw_id, business_id, inspector_uuids, task_id in connection.execute(statement):
        on_pair = {part for part in str(inspector_uuids).split(",") if part}
        if not on_pair & mine:  # LIKE found the uuid inside another text: not this officer's pair
            continue
        pair_ids.add(pair_id)
        draw_ids.add(draw_id)
        task_ids.add(task_id)
        business_ids.add(business_id)
        named |= on_pair
        keys.add((task_id, business_id))
    return InspectionScope(frozenset(pair_ids), frozenset(draw_ids), frozenset(task_ids), frozenset(business_ids),
                           frozenset(named), frozenset(keys))
