"""名特优新, 培育库, 候选名单, 负面清单 and 个转企: what those screens read and each dialog's one write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from storage.audit import Actor
from workbench.domain.rule_files import LoadedRules
from workbench.services.errors import ValidationFailed
from workbench.services.gateway.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from workbench.domain.candidates import CandidateRules
    from workbench.services.candidates import CandidateRow
    from workbench.services.distinction_lists import CapStatus, DistinctionRow
    from workbench.services.pools import MemberRow


@dataclass(frozen=True)
class OpenEvent:
    """A negative-list event not yet repaired, as the repair dialog offers it."""

    label: str
    uuid: str
    version: int


class ProgrammeDesk:
    def __init__(self, work: UnitOfWork) -> None:
        self._work = work

    # 名特优新

    def distinctions(
        self, actor: Actor, *, review_only: bool, business_uuid: str | None, rules: CandidateRules, today: date
    ) -> tuple[list[DistinctionRow], CapStatus]:
        """The list (of one business, or the office's) and the office's count against the cap."""
        from workbench.services.distinction_lists import cap_status, list_distinctions

        with self._work.reading() as session:
            rows = list_distinctions(
                session=session, actor=actor, review_only=review_only, business_uuid=business_uuid
            )
            return rows, cap_status(session=session, actor=actor, rules=rules, today=today)

    def apply_distinction(
        self, actor: Actor, *, business_uuid: str | None, business_text: str, category: str, level: str,
        source: str, applied_on: date, rules: LoadedRules[CandidateRules],
    ) -> str:  # fmt: skip
        """申报 for the business (or the one whose code or full name is business_text); the eligibility sentence."""
        from workbench.services import distinction_lists, distinctions

        with self._work.writing() as session:
            uuid = business_uuid or distinction_lists.find_business(session=session, actor=actor, text=business_text).uuid
            _distinction, check = distinctions.apply_distinction(
                session=session, actor=actor, business_uuid=uuid, category=category, level=level, source=source,
                applied_on=applied_on, rules=rules.rules, rules_version=rules.version,
            )  # fmt: skip
            return check.text

    def advance_distinction(
        self, actor: Actor, row: DistinctionRow, *, target: str, on: date, reason: str, rules: CandidateRules
    ) -> str:
        from workbench.services import distinctions

        with self._work.writing() as session:
            distinctions.advance(
                session=session, actor=actor, distinction_uuid=row.uuid, base_version=row.version, target=target,
                on=on, reason=reason, rules=rules,
            )  # fmt: skip
        return target

    def clear_review(self, actor: Actor, row: DistinctionRow, reason: str) -> None:
        from workbench.services import distinctions

        with self._work.writing() as session:
            distinctions.clear_review(
                session=session, actor=actor, distinction_uuid=row.uuid, base_version=row.version, reason=reason
            )

    # 负面清单

    def record_event(
        self, actor: Actor, business_uuid: str, *, kind: str, occurred_on: date, note: str,
        repaired_on: date | None,
    ) -> int:  # fmt: skip
        """The event; how many recognised distinctions of the business it flagged for 复核."""
        from workbench.services import business_events

        with self._work.writing() as session:
            _event, flagged = business_events.record_event(
                session=session, actor=actor, business_uuid=business_uuid, kind=kind, occurred_on=occurred_on,
                note=note, repaired_on=repaired_on,
            )  # fmt: skip
            return len(flagged)

    def open_events(self, actor: Actor, business_uuid: str) -> list[OpenEvent]:
        from workbench.domain.eligibility import EVENT_LABELS
        from workbench.services.business_events import events_of

        with self._work.reading() as session:
            return [
                OpenEvent(
                    f"{event.occurred_on.isoformat()} {EVENT_LABELS.get(event.kind, event.kind)} {event.note}".strip(),
                    event.uuid,
                    event.version,
                )
                for event in events_of(session=session, actor=actor, business_uuid=business_uuid)
                if event.repaired_on is None
            ]

    def mark_repaired(self, actor: Actor, event: OpenEvent, repaired_on: date) -> str:
        from workbench.services import business_events

        with self._work.writing() as session:
            business_events.mark_repaired(
                session=session, actor=actor, event_uuid=event.uuid, base_version=event.version,
                repaired_on=repaired_on,
            )  # fmt: skip
        return event.uuid

    # 培育库 and 候选名单

    def candidates(
        self, actor: Actor, *, pool: str, rules: CandidateRules, grid_id: int | None, officer_id: int | None,
        today: date,
    ) -> list[CandidateRow]:  # fmt: skip
        from workbench.services.candidates import candidates

        with self._work.reading() as session:
            return candidates(
                session=session, actor=actor, pool=pool, rules=rules, grid_id=grid_id, officer_id=officer_id,
                today=today,
            )  # fmt: skip

    def pool_members(
        self, actor: Actor, *, pool: str, grid_id: int | None, officer_id: int | None, include_left: bool
    ) -> list[MemberRow]:
        from workbench.services.pools import pool_members

        with self._work.reading() as session:
            return pool_members(
                session=session, actor=actor, pool=pool, grid_id=grid_id, officer_id=officer_id,
                include_left=include_left,
            )  # fmt: skip

    def enter_pool(
        self, actor: Actor, business_uuid: str, *, pool: str, entered_on: date, reason: str
    ) -> str:
        from workbench.services import pools

        with self._work.writing() as session:
            membership = pools.enter_pool(
                session=session, actor=actor, business_uuid=business_uuid, pool=pool, entered_on=entered_on,
                reason=reason,
            )  # fmt: skip
            return membership.uuid

    def leave_pool(self, actor: Actor, row: MemberRow, *, left_on: date, reason: str) -> str:
        from workbench.services import pools

        with self._work.writing() as session:
            pools.leave_pool(
                session=session, actor=actor, membership_uuid=row.uuid, base_version=row.version,
                left_on=left_on, reason=reason,
            )  # fmt: skip
        return row.uuid

    # 个转企

    def convert(
        self, actor: Actor, business_uuid: str, base_version: int, *, method: str, converted_on: date,
        new_name: str, new_business_text: str, note: str,
    ) -> None:  # fmt: skip
        """直接变更, or 注销+设立 linking the new enterprise named by its code or full name (field new_business)."""
        from workbench.services import conversion, distinction_lists

        with self._work.writing() as session:
            if method == "deregister_and_establish":
                if not new_business_text:
                    raise ValidationFailed({"new_business": "注销+设立须填写新设企业的信用代码或全称"})
                try:
                    new = distinction_lists.find_business(session=session, actor=actor, text=new_business_text)
                except ValidationFailed as failed:
                    raise ValidationFailed({"new_business": failed.message}) from None
                conversion.convert_by_new_establishment(
                    session=session, actor=actor, old_business_uuid=business_uuid, old_base_version=base_version,
                    new_business_uuid=new.uuid, converted_on=converted_on, note=note,
                )  # fmt: skip
            else:
                conversion.convert_directly(
                    session=session, actor=actor, business_uuid=business_uuid, base_version=base_version,
                    converted_on=converted_on, new_name=new_name or None, note=note,
                )  # fmt: skip
