"""经营数据 by hand: record, edit and delete a year's figures; each call reclassifies the business in the
same transaction and returns what moved."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from storage.audit import Actor
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TierRules
from workbench.services.gateway.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from workbench.services.year_figures import FiguresEntry, FiguresOutcome


class FiguresDesk:
    def __init__(self, work: UnitOfWork) -> None:
        self._work = work

    def record(
        self, actor: Actor, business_uuid: str, entry: FiguresEntry, *, rules: LoadedRules[TierRules],
        today: date, row_uuid: str | None = None, base_version: int | None = None,
    ) -> FiguresOutcome:  # fmt: skip
        """A new year, or the year's row edited (row_uuid: that row, if still at base_version). Raises
        ValidationFailed / SaveConflict / NotFound and writes nothing when refused."""
        from workbench.services.year_figures import record_year_figures

        with self._work.writing() as session:
            return record_year_figures(
                session, actor=actor, business_uuid=business_uuid, entry=entry, rules=rules, today=today,
                row_uuid=row_uuid, base_version=base_version,
            )  # fmt: skip

    def delete(
        self, actor: Actor, business_uuid: str, row_uuid: str, base_version: int, *,
        rules: LoadedRules[TierRules], today: date,
    ) -> FiguresOutcome:  # fmt: skip
        """Tombstone one year's figures and reclassify."""
        from workbench.services.year_figures import delete_year_figures

        with self._work.writing() as session:
            return delete_year_figures(
                session, actor=actor, business_uuid=business_uuid, row_uuid=row_uuid,
                base_version=base_version, rules=rules, today=today,
            )  # fmt: skip
