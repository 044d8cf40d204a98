"""Field sync at the office (issue 19): a return package's dry run and commit, and the review of what it left
for a person (conflicts and merge offers). Each method is one unit of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storage.audit import Actor
from workbench.domain.sync_model import ReturnPackage
from workbench.services.gateway.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from workbench.domain.service_lists import ServiceLists
    from workbench.services.sync_apply import ApplyResult
    from workbench.services.sync_plan import SyncPlan
    from workbench.services.sync_review import ReviewItem


@dataclass(frozen=True)
class Decided:
    note: str  # the decision in words, as the change log has it
    items: list[ReviewItem]  # what is still open, read after the decision


class SyncDesk:
    def __init__(self, work: UnitOfWork) -> None:
        self._work = work

    def dry_run(self, actor: Actor, package: ReturnPackage, lists: ServiceLists | None = None) -> SyncPlan:
        """What each row will do. `package`: a return package, or a field package edited by hand (its cells
        that could not be read are the plan's first errors). `lists`: the office's lists
        (OfficeSettings.service.lists) that support types, appeal categories and the like must be on."""
        from workbench.services.sync_plan import plan_package

        with self._work.reading() as session:
            return plan_package(session, actor, package, lists)

    def apply(
        self, actor: Actor, package: ReturnPackage, progress: Callable[[int, int], None] | None = None,
        lists: ServiceLists | None = None,
    ) -> ApplyResult:
        from workbench.services.sync_apply import apply_package

        with self._work.writing() as session:
            return apply_package(session, actor, package, progress, lists)

    def laptop_officer(self) -> str | None:
        """Whose laptop this database is (made from that officer's 外业包), or None at the office."""
        from workbench.services.sync_laptop import laptop_officer

        with self._work.reading() as session:
            return laptop_officer(session)

    def items(self, actor: Actor, business_uuid: str | None = None) -> list[ReviewItem]:
        from workbench.services.sync_review import open_items

        with self._work.reading() as session:
            return open_items(session, actor, business_uuid)

    def decide(self, actor: Actor, item: ReviewItem, decision: str, business_uuid: str | None = None) -> Decided:
        """office / laptop / both for a field, merge / separate for a merge offer; then what is still open."""
        from workbench.services.sync_review import decide_merge, open_items, resolve_field

        with self._work.writing() as session:
            if item.kind == "merge":
                note = decide_merge(session, actor, item.id, decision)  # type: ignore[arg-type]
            else:
                note = resolve_field(session, actor, item.id, decision)  # type: ignore[arg-type]
            return Decided(note, open_items(session, actor, business_uuid))
