"""包联改派 for the screens: the list's 批量改派 (preview, then write) and the staff screen's 调离 with hand-over."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.audit import Actor
from workbench.services.gateway.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from workbench.services.hand_over import HandOver
    from workbench.services.reassign import ReassignPreview, ReassignTarget, Selection
    from workbench.services.staff import OfficerLine


class AssignmentDesk:
    def __init__(self, work: UnitOfWork) -> None:
        self._work = work

    def preview(self, actor: Actor, selection: Selection, target: ReassignTarget) -> ReassignPreview:
        """How many would change, in one sentence (将把 37 户从 张伟 改派给 李娜); nothing written."""
        from workbench.services.reassign import preview_reassign

        with self._work.reading() as session:
            return preview_reassign(session, actor=actor, selection=selection, target=target)

    def reassign(self, actor: Actor, selection: Selection, target: ReassignTarget) -> int:
        """Write it: how many businesses changed, each with its version bumped and its change logged."""
        from workbench.services.reassign import reassign

        with self._work.writing() as session:
            return reassign(session, actor=actor, selection=selection, target=target)

    def leave(
        self, actor: Actor, officer: OfficerLine, *, successor_id: int | None, unassign: bool
    ) -> HandOver:
        """调离 and, when asked, the hand-over of the officer's businesses, in one transaction."""
        from workbench.services.hand_over import leave_with_hand_over

        with self._work.writing() as session:
            return leave_with_hand_over(
                session, actor=actor, officer_uuid=officer.uuid, base_version=officer.version,
                successor_id=successor_id, unassign=unassign,
            )  # fmt: skip
