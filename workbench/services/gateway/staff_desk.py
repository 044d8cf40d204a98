"""干部与网格, and the offices, officers and grids the pickers and filters offer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storage.audit import Actor
from workbench.services.gateway.unit_of_work import UnitOfWork
from workbench.services.office import Choice, grids, officers, offices

if TYPE_CHECKING:
    from workbench.services.staff import GridLine, OfficerLine

OfficeLists = tuple[list[Choice], dict[int, list[Choice]], dict[int, list[Choice]]]
"""Offices in id order, and per office id its active officers and its grids."""


class StaffDesk:
    def __init__(self, work: UnitOfWork) -> None:
        self._work = work

    def office_lists(self) -> OfficeLists:
        with self._work.reading() as session:
            office_list = offices(session=session)
            return (
                office_list,
                {office.id: officers(session=session, office_id=office.id) for office in office_list},
                {office.id: grids(session=session, office_id=office.id) for office in office_list},
            )

    def overview(self, actor: Actor) -> tuple[list[OfficerLine], list[GridLine]]:
        from workbench.services.staff import staff_overview

        with self._work.reading() as session:
            return staff_overview(session, actor=actor)

    def set_active(self, actor: Actor, officer: OfficerLine, active: bool) -> None:
        """调离 (active False) or back at work."""
        from workbench.services.staff import update_officer

        with self._work.writing() as session:
            update_officer(
                session, actor=actor, officer_uuid=officer.uuid, base_version=officer.version, data={"active": active}
            )

    def save_officer(self, actor: Actor, line: OfficerLine | None, data: dict[str, Any]) -> str:
        """A new officer (line None) or changes to one; the officer's name."""
        from workbench.services.staff import add_officer, update_officer

        with self._work.writing() as session:
            if line is None:
                return add_officer(session, actor=actor, data=data).name
            return update_officer(
                session, actor=actor, officer_uuid=line.uuid, base_version=line.version, data=data
            ).name

    def save_grid(self, actor: Actor, line: GridLine | None, data: dict[str, Any]) -> str:
        from workbench.services.staff import add_grid, rename_grid

        with self._work.writing() as session:
            if line is None:
                return add_grid(session, actor=actor, data=data).name
            return rename_grid(session, actor=actor, grid_uuid=line.uuid, base_version=line.version, data=data).name
