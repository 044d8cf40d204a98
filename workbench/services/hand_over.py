"""调离 with the hand-over in one step: the officer leaves, and their businesses go to a successor or to 未分派.

One transaction: the officer is marked inactive (workbench.services.staff.update_officer) and every live
business still assigned to them is reassigned (workbench.services.reassign), each logged. Nothing is
handed over unless asked: without a successor and without `unassign` the businesses stay in the departed
officer's name, as before, until someone reassigns them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from storage.audit import Actor
from storage.queries import BusinessFilter
from workbench.services.assignment import AssignmentRefused
from workbench.services.reassign import ReassignTarget, Selection, reassign
from workbench.services.staff import update_officer


@dataclass(frozen=True)
class HandOver:
    """What a 调离 did: who left, how many businesses went to whom (or to 未分派), how many stayed."""

    officer: str
    moved: int
    successor: str | None  # None with moved > 0: they are 未分派 now
    kept: int  # still in the departed officer's name (no hand-over asked)

    def sentence(self) -> str:
        text = f"「{self.officer}」已标记为调离"
        if self.moved and self.successor:
            return f"{text}，名下 {self.moved:,} 户已改派给 {self.successor}"
        if self.moved:
            return f"{text}，名下 {self.moved:,} 户现为未分派（可在列表中筛「未分派」后批量改派）"
        if self.kept:
            return f"{text}，名下 {self.kept:,} 户仍记在其名下，请尽快改派"
        return f"{text}（名下没有主体）"


def leave_with_hand_over(
    session: Session,
    *,
    actor: Actor,
    officer_uuid: str,
    base_version: int,
    successor_id: int | None = None,
    unassign: bool = False,
) -> HandOver:
    """Mark the officer 调离 and hand their businesses to `successor_id` (an officer on duty) or, with
    `unassign`, to nobody. AssignmentRefused when the successor is the officer themselves or has left."""
    officer = update_officer(
        session, actor=actor, officer_uuid=officer_uuid, base_version=base_version, data={"active": False}
    )
    assert officer.id is not None
    if successor_id == officer.id:
        raise AssignmentRefused(f"接收的干部不能是调离的「{officer.name}」本人，请另选一名在岗干部")
    held = Selection(flt=BusinessFilter(office_id=actor.office_id, officer_id=officer.id))
    if successor_id is None and not unassign:
        from workbench.services.reassign import preview_reassign

        kept = preview_reassign(session, actor=actor, selection=held, target=ReassignTarget(None)).selected
        return HandOver(officer.name, 0, None, kept)
    moved = reassign(session, actor=actor, selection=held, target=ReassignTarget(successor_id))
    successor = None
    if successor_id is not None:
        from storage.tables import Officer

        row = session.get(Officer, successor_id)
        successor = row.name if row is not None else None
    return HandOver(officer.name, moved, successor, 0)
